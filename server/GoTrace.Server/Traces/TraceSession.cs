using System.Collections.Concurrent;
using GoTrace.Analysis;
using GoTrace.Analysis.Summary;
using GoTrace.Format;

namespace GoTrace.Server.Traces;

/// <summary>Counts what the open summary reports: procs, threads, generations.</summary>
internal sealed class TraceCounts : IEventConsumer
{
    private readonly HashSet<long> _procs = [], _threads = [];
    private long _lastProc = long.MinValue, _lastThread = long.MinValue;

    public int Procs => _procs.Count;
    public int Threads => _threads.Count;
    public int Generations { get; private set; }

    public void OnEvent(in Event ev)
    {
        if (ev.Kind == EventKind.Sync) Generations++;
        if (ev.Proc != _lastProc && ev.Proc >= 0) { _procs.Add(ev.Proc); _lastProc = ev.Proc; }
        if (ev.Thread != _lastThread && ev.Thread >= 0) { _threads.Add(ev.Thread); _lastThread = ev.Thread; }
    }

    public void Complete(in PassEnd end)
    {
        // A Sync starts every generation and one more ends the trace.
        if (Generations > 0 && end.Error is null) Generations--;
    }
}

/// <summary>One open trace: everything one pass over the file produced, read-only afterwards (safe for concurrent queries).</summary>
internal sealed class TraceSession
{
    public required string Id { get; init; }
    public required string Path { get; init; }
    public required long FileBytes { get; init; }
    public required PassEnd Pass { get; init; }
    public required StackTable Stacks { get; init; }
    public required BlockingCollector Blocking { get; init; }
    public required TraceSummary Summary { get; init; }
    public required TraceCounts Counts { get; init; }
    public required GoTrace.Analysis.Mmu.MmuTrace Mmu { get; init; }
    public required GoTrace.Analysis.Timeline.TimelineIndex Timeline { get; init; }

    private readonly ConcurrentDictionary<(GoTrace.Analysis.Mmu.UtilFlags, bool), GoTrace.Analysis.Mmu.MmuCurve> _curves = new();

    /// <summary>The MMU curve of one flag set, built once.</summary>
    public GoTrace.Analysis.Mmu.MmuCurve Curve(GoTrace.Analysis.Mmu.UtilFlags flags, bool go) =>
        _curves.GetOrAdd((flags, go), k => Mmu.Curve(k.Item1, k.Item2 ? GoTrace.Analysis.Mmu.MmuOptions.Go : GoTrace.Analysis.Mmu.MmuOptions.Correct));

    /// <summary>gotrace/goroutineGroups, computed once per trace.</summary>
    public Lazy<GoroutineGroupsResult> Groups { get; }

    public TraceSession() => Groups = new(() => TraceMethods.ComputeGroups(this), LazyThreadSafetyMode.ExecutionAndPublication);

    private LineIndex? _lines;
    private readonly ConcurrentDictionary<BlockingKind, BlockingSites> _sites = new();

    /// <summary>The sites of one kind without a filter (what go tool trace -pprof shows), computed once.</summary>
    public BlockingSites AllSites(BlockingKind kind) =>
        _sites.GetOrAdd(kind, k => Lines.Sites.TryGetValue(k, out var s) ? s : BlockingSites.Build(Blocking, k, ProfileFilter.AllGoroutines(Blocking)));

    /// <summary>The line index over the whole trace (goroutine mode, no filter), built on first use.</summary>
    public LineIndex Lines => LazyInitializer.EnsureInitialized(ref _lines, () => LineIndex.Build(Blocking, ProfileFilter.AllGoroutines(Blocking)));

    /// <summary>Reads <paramref name="path"/> once with every consumer. Throws TraceFormatException when nothing is usable.</summary>
    public static TraceSession Open(string id, string path, CancellationToken cancel, Action<long, long>? progress)
    {
        var stacks = new StackTable();
        var blocking = new BlockingCollector(stacks);
        var summarizer = new Summarizer();
        var counts = new TraceCounts();
        var mmu = new GoTrace.Analysis.Mmu.MmuBuilder();
        var timeline = new GoTrace.Analysis.Timeline.TimelineBuilder(stacks);
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        // A named pipe or a device has no length: the size is then what was read.
        long size = f.CanSeek ? f.Length : -1;
        var end = TracePass.Run(f, [blocking, summarizer, counts, mmu, timeline], cancel, progress);
        if (size < 0) size = end.BytesRead;
        var session = new TraceSession
        {
            Id = id, Path = path, FileBytes = size, Pass = end, Stacks = stacks, Blocking = blocking,
            Summary = summarizer.Result, Counts = counts, Mmu = mmu.Result, Timeline = timeline.Result,
        };
        // Indexing leaves build buffers 2-3x the final size behind; give them back before the queries start.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return session;
    }
}

/// <summary>The open traces of one server.</summary>
internal sealed class TraceStore
{
    private readonly ConcurrentDictionary<string, TraceSession> _open = new(StringComparer.Ordinal);
    private long _next;

    public string NewId() => "t" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Add(TraceSession s) => _open[s.Id] = s;

    public bool Remove(string id) => _open.TryRemove(id, out _);

    public TraceSession Get(string id) => _open.TryGetValue(id, out var s) ? s : throw Rpc.RpcException.UnknownTrace(id);

    public IEnumerable<TraceSession> All => _open.Values;
}
