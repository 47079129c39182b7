using GoTrace.Format;

namespace GoTrace.Analysis.Timeline;

/// <summary>A span track of the index: its raw stream, pyramid levels and number of state categories.</summary>
internal sealed class SpanTrack
{
    public readonly TrackId Id;
    public readonly int Stream;
    public readonly int States;
    public SpanLevels Levels = SpanLevels.None;
    public long RawCount;

    public SpanTrack(TrackId id, int stream, int states)
    {
        Id = id;
        Stream = stream;
        States = states;
    }
}

/// <summary>Per-goroutine facts kept by the index.</summary>
internal struct GoroutineRec
{
    public long Id, FirstSeen, CreationTime, Creator, EndTime;
    public int Name, Label, CreationStack, StartStack;
    public StateTimes Totals;
    public long Spans;
}

/// <summary>
/// The immutable timeline of one trace, built by <see cref="TimelineBuilder"/>: span tracks for goroutines, procs,
/// threads and range lanes; counters; instants; and the tables behind them. <see cref="Query"/> answers a window
/// at a resolution with a bounded number of items per track; the look-ups answer questions about single spans.
/// Safe to use from several threads at once.
/// </summary>
public sealed partial class TimelineIndex
{
    internal readonly RecordStore Store;
    internal readonly StringTable StringsTable;
    internal readonly PyramidOptions Options;

    /// <summary>Stacks referenced by spans, instants and tables.</summary>
    public StackTable Stacks { get; }

    /// <summary>Time of the first event (ns).</summary>
    public long Start { get; }

    /// <summary>Time of the last retained event (ns): the end of every track.</summary>
    public long End { get; }

    /// <summary>The format error that cut the trace short (the index holds the events up to the last Sync before it), or null.</summary>
    public TraceFormatException? Error { get; }

    internal readonly GoroutineRec[] Gor;
    internal readonly SpanTrack[] GTracks;
    private readonly LongIntMap _gIndex = new();
    internal readonly long[] ThreadIds;
    internal readonly Dictionary<TrackId, SpanTrack> Tracks = [];
    internal readonly CounterTrack[] Counters;
    internal readonly RangeRec[] RangeTable;
    internal readonly RegionRec[] RegionTable;
    internal readonly TaskRec[] TaskTable;
    internal readonly LogRec[] LogTable;
    internal readonly SampleRec[] SampleTable;
    internal readonly int SCreated, SUnblocked, SSyscallExit;
    private readonly List<TrackInfo> _trackList = [];

    internal TimelineIndex(TimelineBuilder b, PassEnd end)
    {
        Store = b.Store;
        StringsTable = b.Strings;
        Stacks = b.Stacks;
        Options = b.Options;
        Start = end.StartTime;
        End = end.EndTime;
        Error = end.Error;
        SCreated = b.SCreated;
        SUnblocked = b.SUnblocked;
        SSyscallExit = b.SSyscallExit;
        long cutoff = b.Cutoff;
        bool cut = cutoff != long.MaxValue;
        if (cut) End = Math.Min(End, cutoff);

        // Threads: dense index -> ID (spans of procs refer to threads by index).
        ThreadIds = new long[b.Ms.Count];
        for (int i = 0; i < b.Ms.Count; i++) ThreadIds[i] = b.Ms.Items[i].Id;

        // Span tracks of goroutines, procs and threads.
        var gor = new List<GoroutineRec>(b.Gs.Count);
        var gtracks = new List<SpanTrack>(b.Gs.Count);
        for (int i = 0; i < b.Gs.Count; i++)
        {
            ref var g = ref b.Gs.Items[i];
            if (cut)
            {
                if (g.FirstSeen >= cutoff) continue;
                SpanStreams.Truncate(Store, g.W.Stream, cutoff - 1);
                if (g.NameTime >= cutoff) g.Name = 0;
                if (g.LabelTime >= cutoff) g.Label = 0;
                if (g.EndTime >= cutoff) g.EndTime = -1;
            }
            _gIndex.Set(g.Id, gor.Count);
            gor.Add(new GoroutineRec
            {
                Id = g.Id, FirstSeen = g.FirstSeen, CreationTime = g.CreationTime, Creator = g.Creator, EndTime = g.EndTime,
                Name = g.Name, Label = g.Label, CreationStack = g.CreationStack, StartStack = g.StartStack,
            });
            gtracks.Add(new SpanTrack(TrackId.Goroutine(g.Id), g.W.Stream, 7));
        }
        Gor = [.. gor];
        GTracks = [.. gtracks];
        b.Gs = default;
        var spanTracks = new List<SpanTrack>(GTracks);
        var procIds = new List<long>();
        for (int i = 0; i < b.Ps.Count; i++)
        {
            ref var p = ref b.Ps.Items[i];
            if (cut)
            {
                if (p.FirstSeen >= cutoff) continue;
                SpanStreams.Truncate(Store, p.W.Stream, cutoff - 1);
            }
            var t = new SpanTrack(TrackId.Proc(p.Id), p.W.Stream, 5);
            Tracks[t.Id] = t;
            spanTracks.Add(t);
            procIds.Add(p.Id);
        }
        for (int i = 0; i < b.Ms.Count; i++)
        {
            ref var m = ref b.Ms.Items[i];
            if (cut)
            {
                if (m.FirstSeen >= cutoff) continue;
                SpanStreams.Truncate(Store, m.W.Stream, cutoff - 1);
            }
            var t = new SpanTrack(TrackId.Thread(m.Id), m.W.Stream, 4);
            Tracks[t.Id] = t;
            spanTracks.Add(t);
        }

        // Counters.
        Counters =
        [
            new CounterTrack(CounterKind.Heap, ["Allocated", "Goal"], b.Heap),
            new CounterTrack(CounterKind.Gomaxprocs, ["GOMAXPROCS"], b.Procs),
            new CounterTrack(CounterKind.Goroutines, ["Running", "Runnable", "GCWaiting", "Waiting"], b.Goroutines),
            new CounterTrack(CounterKind.Threads, ["Running", "InSyscall"], b.Threads),
        ];
        if (cut) foreach (var c in Counters) c.Truncate(Store, cutoff);

        // Tables, cut at the valid prefix.
        RangeTable = Cut(b.Ranges, cut, cutoff, static (ref RangeRec r, long c) =>
        {
            if (r.Start >= c) return false;
            if (r.End >= c) r.End = -1;
            return true;
        });
        RegionTable = Cut(b.Regions, cut, cutoff, static (ref RegionRec r, long c) =>
        {
            if (r.Start >= c || (r.Start < 0 && r.End >= c)) return false;
            if (r.End >= c) r.End = -1;
            return true;
        });
        TaskTable = Cut(b.Tasks, cut, cutoff, static (ref TaskRec r, long c) =>
        {
            if (r.Start >= c || (r.Start < 0 && r.End >= c)) return false;
            if (r.End >= c) r.End = -1;
            return true;
        });
        LogTable = Cut(b.Logs, cut, cutoff, static (ref LogRec r, long c) => r.Time < c);
        SampleTable = Cut(b.Samples, cut, cutoff, static (ref SampleRec r, long c) => r.Time < c);
        b.Ranges = default;
        b.Regions = default;
        b.Tasks = default;
        b.Logs = default;
        b.Samples = default;

        spanTracks.AddRange(BuildLanes());

        // Pyramids: built in parallel batches (each job reads its raw stream and fills its own buffers), each batch
        // then committed in order, so at most one batch of level buffers is held. The counters go in the first batch.
        int jobs = Counters.Length + spanTracks.Count, batch = Math.Max(16, 4 * Environment.ProcessorCount);
        var results = new PyramidBuilder.Result[spanTracks.Count];
        for (int from = 0; from < jobs; from += batch)
        {
            int to = Math.Min(jobs, from + batch);
            Parallel.For(from, to, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                if (i < Counters.Length) Counters[i].BuildLevels(Store, Start, End, Options);
                else results[i - Counters.Length] = PyramidBuilder.Build(Store, spanTracks[i - Counters.Length].Stream, Start, End, Options);
            });
            for (int j = from; j < to; j++)
            {
                if (j < Counters.Length)
                {
                    Counters[j].CommitLevels(Store);
                    continue;
                }
                int i = j - Counters.Length;
                var t = spanTracks[i];
                var r = results[i];
                t.RawCount = r.RawCount;
                if (r.Levels is { } lv)
                {
                    var res = new long[lv.Count];
                    var streams = new int[lv.Count];
                    for (int k = 0; k < lv.Count; k++)
                    {
                        res[k] = lv[k].Res;
                        streams[k] = lv[k].Buffer.CommitTo(Store);
                    }
                    t.Levels = new SpanLevels(res, streams);
                }
                results[i] = null!;
                if (i < Gor.Length)
                {
                    Gor[i].Totals = r.Totals;
                    Gor[i].Spans = r.RawCount;
                }
            }
        }
        Store.Trim();

        // The list of tracks, for the UI.
        foreach (var c in Counters) _trackList.Add(new TrackInfo(TrackId.Counter(c.Kind), c.Kind.ToString(), "Counters"));
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind is TrackKind.Gc or TrackKind.Stw).OrderBy(t => t.Id.Kind).ThenBy(t => t.Id.Lane))
            _trackList.Add(new TrackInfo(t.Id, t.Id.Kind == TrackKind.Gc ? "GC" : "STW", "GC"));
        foreach (long p in procIds.Order()) _trackList.Add(new TrackInfo(TrackId.Proc(p), "Proc " + p, "Procs"));
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind == TrackKind.ProcRanges).OrderBy(t => t.Id.Id).ThenBy(t => t.Id.Lane))
            _trackList.Add(new TrackInfo(t.Id, "Proc " + t.Id.Id + " sweep", "Procs"));
        foreach (long m in ThreadIds.Order())
        {
            if (Tracks.ContainsKey(TrackId.Thread(m))) _trackList.Add(new TrackInfo(TrackId.Thread(m), "Thread " + m, "Threads"));
        }
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind == TrackKind.Tasks).OrderBy(t => t.Id.Lane))
            _trackList.Add(new TrackInfo(t.Id, "Tasks " + t.Id.Lane, "Tasks"));
        if (SampleTable.Length > 0) _trackList.Add(new TrackInfo(new TrackId(TrackKind.CpuSamples, -1), "CPU samples", "Samples"));
        if (LogTable.Length > 0) _trackList.Add(new TrackInfo(new TrackId(TrackKind.Logs, -1), "Logs", "Logs"));
        foreach (int i in Enumerable.Range(0, Gor.Length).OrderBy(i => Gor[i].Id))
        {
            string name = GoroutineDisplayName(i);
            string group = StringsTable[Gor[i].Name];
            _trackList.Add(new TrackInfo(GTracks[i].Id, name, group));
        }
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind is TrackKind.Regions or TrackKind.GoroutineRanges)
                     .OrderBy(t => t.Id.Id).ThenBy(t => t.Id.Kind).ThenBy(t => t.Id.Lane))
        {
            _trackList.Add(new TrackInfo(t.Id, $"G{t.Id.Id} {(t.Id.Kind == TrackKind.Regions ? "regions" : "ranges")} {t.Id.Lane}",
                StringsTable[_gIndex.TryGet(t.Id.Id, out int gi) ? Gor[gi].Name : 0]));
        }
    }

    private delegate bool Keep<T>(ref T r, long cutoff);

    private static T[] Cut<T>(Growable<T> g, bool cut, long cutoff, Keep<T> keep)
    {
        if (!cut)
        {
            g.Trim();
            return g.Items;
        }
        var list = new List<T>(g.Count);
        for (int i = 0; i < g.Count; i++)
        {
            if (keep(ref g.Items[i], cutoff)) list.Add(g.Items[i]);
        }
        return [.. list];
    }

    /// <summary>Builds the lanes of the range, region and task tables and returns their tracks.</summary>
    private List<SpanTrack> BuildLanes()
    {
        var made = new List<SpanTrack>();
        long S(long t) => t < 0 ? Start : t;
        long E(long t) => t < 0 ? End : t;

        // Ranges: GC (scope none), STW (all stop-the-world ranges), sweep per P, goroutine-scoped per goroutine.
        var groups = new Dictionary<(TrackKind Kind, long Id), List<int>>();
        for (int i = 0; i < RangeTable.Length; i++)
        {
            ref var r = ref RangeTable[i];
            string name = StringsTable[r.Name];
            if (r.Scope == ResourceScope.None) Add(groups, (TrackKind.Gc, 0), i);
            if (name.StartsWith("stop-the-world", StringComparison.Ordinal)) Add(groups, (TrackKind.Stw, 0), i);
            if (r.Scope == ResourceScope.Proc) Add(groups, (TrackKind.ProcRanges, r.ScopeId), i);
            if (r.Scope == ResourceScope.Goroutine) Add(groups, (TrackKind.GoroutineRanges, r.ScopeId), i);
        }
        foreach (var ((kind, id), list) in groups.OrderBy(k => k.Key.Kind).ThenBy(k => k.Key.Id))
        {
            var starts = list.Select(i => S(RangeTable[i].Start)).ToArray();
            var ends = list.Select(i => E(RangeTable[i].End)).ToArray();
            WriteLanes(made, kind, id, starts, ends, j =>
            {
                ref var r = ref RangeTable[list[j]];
                return (r.Name, r.StartStack, r.Goroutine, list[j]);
            }, (j, lane) =>
            {
                if (kind is TrackKind.Gc or TrackKind.ProcRanges or TrackKind.GoroutineRanges) RangeTable[list[j]].Lane = lane;
            });
        }

        // Regions: per goroutine, lanes = nesting depth.
        var byG = new Dictionary<long, List<int>>();
        for (int i = 0; i < RegionTable.Length; i++) Add(byG, RegionTable[i].Goroutine, i);
        foreach (var (g, list) in byG.OrderBy(k => k.Key))
        {
            var starts = list.Select(i => S(RegionTable[i].Start)).ToArray();
            var ends = list.Select(i => E(RegionTable[i].End)).ToArray();
            WriteLanes(made, TrackKind.Regions, g, starts, ends, j =>
            {
                ref var r = ref RegionTable[list[j]];
                return (r.Name, r.StartStack, r.Goroutine, list[j]);
            }, (j, lane) => RegionTable[list[j]].Depth = lane);
        }

        // Tasks: packed into lanes.
        if (TaskTable.Length > 0)
        {
            var starts = TaskTable.Select(t => S(t.Start)).ToArray();
            var ends = TaskTable.Select(t => E(t.End)).ToArray();
            WriteLanes(made, TrackKind.Tasks, 0, starts, ends, j =>
            {
                ref var t = ref TaskTable[j];
                return (t.Name, t.StartStack, t.StartG, j);
            }, (j, lane) => TaskTable[j].Lane = lane);
        }
        return made;
    }

    private static void Add<TK>(Dictionary<TK, List<int>> d, TK k, int i) where TK : notnull
    {
        if (!d.TryGetValue(k, out var l)) d[k] = l = [];
        l.Add(i);
    }

    private void WriteLanes(List<SpanTrack> made, TrackKind kind, long id, long[] starts, long[] ends,
        Func<int, (int Name, int Stack, long Goroutine, int Index)> item, Action<int, int> setLane)
    {
        var order = LanePacker.Order(starts, ends);
        var lane = LanePacker.Pack(starts, ends, order, out int lanes);
        var writers = new LaneWriter[lanes];
        // Lanes are written one after the other (a stream's blocks must be contiguous once the store is frozen).
        for (int l = 0; l < lanes; l++)
        {
            writers[l] = new LaneWriter(Store, Start);
            foreach (int j in order)
            {
                if (lane[j] != l) continue;
                var (name, stack, g, index) = item(j);
                writers[l].Add(starts[j], ends[j], name, stack, g, index);
                setLane(j, l);
            }
            writers[l].Close(End);
            var t = new SpanTrack(new TrackId(kind, id, l), writers[l].Stream, 2);
            Tracks[t.Id] = t;
            made.Add(t);
        }
    }

    // ---------------------------------------------------------------- basic accessors

    /// <summary>Interned string <paramref name="id"/> (reasons, names, messages).</summary>
    public string String(int id) => StringsTable[id];

    /// <summary>Frames of stack <paramref name="stack"/>, leaf first.</summary>
    public Frame[] Frames(int stack) => stack <= 0 || stack >= Stacks.Count ? [] : Stacks.Frames(stack);

    /// <summary>Every track of the index, in display order: counters, GC, procs, threads, tasks, samples, logs, goroutines, their sub-tracks.</summary>
    public IReadOnlyList<TrackInfo> TrackList => _trackList;

    /// <summary>Number of goroutines.</summary>
    public int GoroutineCount => Gor.Length;

    internal bool TryGoroutine(long id, out int gi) => _gIndex.TryGet(id, out gi);

    internal SpanTrack? SpanTrackOf(TrackId id)
    {
        if (id.Kind == TrackKind.Goroutine) return _gIndex.TryGet(id.Id, out int gi) ? GTracks[gi] : null;
        return Tracks.TryGetValue(id, out var t) ? t : null;
    }

    private string GoroutineDisplayName(int gi)
    {
        var g = Gor[gi];
        string s = "G" + g.Id;
        if (g.Name != 0) s += " " + StringsTable[g.Name];
        if (g.Label != 0) s += " (" + StringsTable[g.Label] + ")";
        return s;
    }

    /// <summary>Memory held by the index, by part (approximate).</summary>
    public TimelineMemory Memory()
    {
        long pyramid = 0, raw = 0;
        foreach (var t in GTracks.Concat(Tracks.Values))
        {
            raw += t.RawCount;
            foreach (int s in t.Levels.Streams) pyramid += SpanStreams.ItemCount(Store, s);
        }
        long tables = (long)RangeTable.Length * 72 + RegionTable.Length * 56L + TaskTable.Length * 80L + LogTable.Length * 56L
                      + SampleTable.Length * 40L + Gor.Length * (long)(96 + 48 + 8) + StringsTable.Bytes;

        // Encoded bytes per part: a block's size is the distance to the next block in the arena.
        var size = BlockSizes();
        long StreamBytes(int s)
        {
            long n = 0;
            for (int b = Store.SFirst[s], e = b + Store.SCount[s]; b < e; b++) n += size[b];
            return n;
        }
        var parts = new Dictionary<string, long>();
        void Add(string k, long v) => parts[k] = parts.GetValueOrDefault(k) + v;
        foreach (var t in GTracks.Concat(Tracks.Values))
        {
            Add(t.Id.Kind + " spans", StreamBytes(t.Stream));
            foreach (int s in t.Levels.Streams) Add(t.Id.Kind + " pyramid", StreamBytes(s));
        }
        foreach (var c in Counters)
        {
            Add("Counter " + c.Kind, StreamBytes(c.Stream));
            foreach (int s in c.LevelStreams) Add("Counter " + c.Kind + " pyramid", StreamBytes(s));
        }
        return new TimelineMemory(Store.Arena.Bytes, Store.IndexBytes, tables, raw, pyramid, Counters.Sum(c => c.Points))
        {
            Parts = parts.OrderByDescending(kv => kv.Value).ToList(),
        };
    }

    private long[] BlockSizes()
    {
        int n = Store.Blocks;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var offs = Store.BOffset;
        Array.Sort(order, (a, b) => offs[a].CompareTo(offs[b]));
        var size = new long[n];
        for (int k = 0; k < n; k++)
        {
            long o = offs[order[k]];
            long next = k + 1 < n ? offs[order[k + 1]] : o;
            size[order[k]] = k + 1 < n && (next >> ByteArena.PageShift) == (o >> ByteArena.PageShift)
                ? next - o
                : Store.Arena.Page(o).Length - (o & ByteArena.PageMask);
        }
        return size;
    }
}
