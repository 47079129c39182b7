using GoTrace.Format;

namespace GoTrace.Analysis.Summary;

/// <summary>
/// The mutable statistics record of Go's <c>GoroutineExecStats</c> (<c>src/internal/trace/summary.go</c>):
/// non-overlapping times, total time and range times, keyed by <see cref="NameTable"/> indices.
/// </summary>
// A struct, kept inside its goroutine or region: a trace may hold millions of goroutines, and every object is one more
// for the garbage collector to walk at each full collection. Mutate it in place (through a ref), never through a copy.
internal struct StatsData
{
    public long ExecTime, SchedWaitTime, SyscallTime, SyscallBlockTime, TotalTime;

    /// <summary>Blocked part of pending syscalls that snapshots counted twice (see <see cref="ExecStats.SyscallDoubleCount"/>).</summary>
    public long SyscallDoubleCount;

    // Most goroutines are in no range (GC mark assist, STW...), many never block: each map is made on its first write,
    // and reads see a shared empty one, which nothing writes to (writes go through the ...ForWrite properties).
    private TimeMap? _blockTime, _rangeTime;
    private static readonly TimeMap Empty = new();

    public readonly TimeMap BlockTimeByReason => _blockTime ?? Empty;

    public TimeMap BlockTimeForWrite => _blockTime ??= new();

    public readonly TimeMap RangeTime => _rangeTime ?? Empty;

    public TimeMap RangeTimeForWrite => _rangeTime ??= new();

    public readonly StatsData Clone()
    {
        var c = this;
        c._blockTime = _blockTime?.Clone();
        c._rangeTime = _rangeTime?.Clone();
        return c;
    }

    /// <summary>This minus <paramref name="v"/>; the maps keep only this one's keys (Go's <c>sub</c>).</summary>
    public readonly StatsData Sub(in StatsData v)
    {
        var r = Clone();
        r.ExecTime -= v.ExecTime;
        r.SchedWaitTime -= v.SchedWaitTime;
        r.SyscallTime -= v.SyscallTime;
        r.SyscallBlockTime -= v.SyscallBlockTime;
        r.TotalTime -= v.TotalTime;
        r.SyscallDoubleCount -= v.SyscallDoubleCount;
        for (int k = 0; k < r.BlockTimeByReason.Length; k++)
        {
            if (r.BlockTimeByReason.Has(k)) r.BlockTimeForWrite.Add(k, -v.BlockTimeByReason.Get(k));
        }
        for (int k = 0; k < r.RangeTime.Length; k++)
        {
            if (r.RangeTime.Has(k)) r.RangeTimeForWrite.Add(k, -v.RangeTime.Get(k));
        }
        return r;
    }
}

/// <summary>
/// Statistics of a goroutine over its life in the trace, or over one region (Go's <c>GoroutineExecStats</c>).
/// All values are nanoseconds. <see cref="ExecTime"/>, <see cref="SchedWaitTime"/>, <see cref="SyscallTime"/>,
/// <see cref="SyscallBlockTime"/> and <see cref="BlockTimeByReason"/> do not overlap; <see cref="TotalTime"/> and
/// <see cref="RangeTime"/> overlap them.
/// </summary>
public sealed class ExecStats
{
    /// <summary>Time running.</summary>
    public long ExecTime { get; }

    /// <summary>Time runnable (and, Go's quirk, the blocked part of a syscall still pending at a snapshot).</summary>
    public long SchedWaitTime { get; }

    /// <summary>Time in a syscall while its P was kept.</summary>
    public long SyscallTime { get; }

    /// <summary>Time in a syscall after its P was taken away.</summary>
    public long SyscallBlockTime { get; }

    /// <summary>Lifetime in the trace (for a region: its duration, or the goroutine's time up to the region end).</summary>
    public long TotalTime { get; }

    /// <summary>Blocked time per block reason; a key can be present with 0 (Go then still shows the column).</summary>
    public IReadOnlyDictionary<string, long> BlockTimeByReason => _block ??= _blockMap!.ToDictionary(_reasons!);

    /// <summary>Time inside special ranges ("GC mark assist", "GC incremental sweep", "stop-the-world (…)").</summary>
    public IReadOnlyDictionary<string, long> RangeTime => _range ??= _rangeMap!.ToDictionary(_ranges!);

    // The maps are made when asked: goroutine lists of millions read only the times.
    private IReadOnlyDictionary<string, long>? _block, _range;
    private readonly TimeMap? _blockMap, _rangeMap;
    private readonly NameTable? _reasons, _ranges;

    internal ExecStats(in StatsData d, NameTable reasons, NameTable ranges)
    {
        ExecTime = d.ExecTime;
        SchedWaitTime = d.SchedWaitTime;
        SyscallTime = d.SyscallTime;
        SyscallBlockTime = d.SyscallBlockTime;
        TotalTime = d.TotalTime;
        SyscallDoubleCount = d.SyscallDoubleCount;
        _blockMap = d.BlockTimeByReason;
        _rangeMap = d.RangeTime;
        _reasons = reasons;
        _ranges = ranges;
    }

    /// <summary>Creates statistics from values (for tests and callers that build their own).</summary>
    public ExecStats(long execTime, long schedWaitTime, long syscallTime, long syscallBlockTime, long totalTime,
        IReadOnlyDictionary<string, long> blockTimeByReason, IReadOnlyDictionary<string, long> rangeTime)
    {
        ExecTime = execTime;
        SchedWaitTime = schedWaitTime;
        SyscallTime = syscallTime;
        SyscallBlockTime = syscallBlockTime;
        TotalTime = totalTime;
        _block = blockTimeByReason;
        _range = rangeTime;
    }

    /// <summary>
    /// Go's double count (spec §2.6.2), reproduced in the figures above: for a syscall still pending when the
    /// statistics were taken (a goroutine in a blocked syscall at trace end, and its open regions), Go adds the whole
    /// syscall to <see cref="SyscallTime"/> <em>and</em> its blocked part (since the P was taken away) to
    /// <see cref="SchedWaitTime"/>, so the non-overlapping times exceed the total. This is that blocked part
    /// (0 almost always); <see cref="WithoutSyscallDoubleCount"/> gives the corrected figures.
    /// </summary>
    public long SyscallDoubleCount { get; }

    /// <summary>
    /// The figures as they should be: the blocked part of a pending syscall moved out of SyscallTime and
    /// SchedWaitTime into SyscallBlockTime, as Go does for a syscall that has ended.
    /// </summary>
    public ExecStats WithoutSyscallDoubleCount() => SyscallDoubleCount == 0 ? this
        : new ExecStats(ExecTime, SchedWaitTime - SyscallDoubleCount, SyscallTime - SyscallDoubleCount,
            SyscallBlockTime + SyscallDoubleCount, TotalTime, BlockTimeByReason, RangeTime);

    /// <summary>TotalTime minus the non-overlapping times, floored at 0 (Go's <c>UnknownTime</c>).</summary>
    public long UnknownTime
    {
        get
        {
            long sum = ExecTime + SchedWaitTime + SyscallTime + SyscallBlockTime;
            foreach (var v in BlockTimeByReason.Values) sum += v;
            return sum < TotalTime ? TotalTime - sum : 0;
        }
    }

    /// <summary>Column names of <see cref="NonOverlappingStats"/>.</summary>
    public const string Execution = "Execution time", SchedWait = "Sched wait time", SyscallExecution = "Syscall execution time",
        SyscallBlock = "Block time (syscall)", Unknown = "Unknown time";

    /// <summary>
    /// Go's <c>NonOverlappingStats</c>: "Execution time", "Sched wait time", "Syscall execution time",
    /// "Block time (syscall)", "Unknown time" and one "Block time (&lt;reason&gt;)" per reason present
    /// (added to, not replacing, "Block time (syscall)" if a block reason is literally "syscall").
    /// </summary>
    public IReadOnlyDictionary<string, long> NonOverlappingStats()
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [Execution] = ExecTime,
            [SchedWait] = SchedWaitTime,
            [SyscallExecution] = SyscallTime,
            [SyscallBlock] = SyscallBlockTime,
            [Unknown] = UnknownTime,
        };
        foreach (var (reason, dt) in BlockTimeByReason)
        {
            string key = "Block time (" + reason + ")";
            d[key] = d.GetValueOrDefault(key) + dt;
        }
        return d;
    }

    /// <summary>Σ RangeTime values (Go shows a goroutine in "Special ranges" only when this is not 0).</summary>
    public long TotalRangeTime
    {
        get
        {
            long s = 0;
            foreach (var v in RangeTime.Values) s += v;
            return s;
        }
    }
}

/// <summary>
/// One goroutine (Go's <c>GoroutineSummary</c>). Times are absolute trace times in ns; 0 means "not set".
/// Besides Go's figures it carries the per-goroutine figures older versions of the tool showed
/// (<see cref="Legacy"/>) and the time spent per region name (<see cref="RegionTime"/>).
/// </summary>
public sealed class GoroutineSummary
{
    internal GoroutineSummary(long id, long creationTime)
    {
        Id = id;
        CreationTime = creationTime;
    }

    /// <summary>Goroutine ID.</summary>
    public long Id { get; }

    /// <summary>Root function of the first non-empty transition stack seen; "" if none (the group key of the goroutine pages).</summary>
    public string Name { get; internal set; } = "";

    /// <summary>PC of that frame (not used by Go's UI).</summary>
    public ulong PC { get; internal set; }

    /// <summary>Creation time, or the time of the Sync before its first status event.</summary>
    public long CreationTime { get; }

    /// <summary>First time it ran; 0 if never.</summary>
    public long StartTime { get; internal set; }

    /// <summary>Time it ended (NotExist, or blocked "forever"); 0 if alive at trace end.</summary>
    public long EndTime { get; internal set; }

    /// <summary>Null until it has a region (most goroutines never do, and a trace may hold millions).</summary>
    internal List<RegionSummary>? RegionList;

    /// <summary>Its finished regions (and those closed by its end or the trace end), by start time (null Start first).</summary>
    public IReadOnlyList<RegionSummary> Regions => (IReadOnlyList<RegionSummary>?)RegionList ?? [];

    internal StatsData Data;

    // One reference for what every goroutine of the summary shares (the name tables, and the summary once complete):
    // a trace may hold millions of goroutines.
    internal SummaryNames? Names;
    internal NameTable? Reasons => Names?.Reasons;
    internal NameTable? Ranges => Names?.Ranges;

    /// <summary>Statistics over its whole life in the trace (made on each access: a trace may have millions of goroutines).</summary>
    public ExecStats Stats => new(Data, Reasons!, Ranges!);

    /// <summary>Figures of the Go ≤1.21 goroutine table (spec Appendix D), derived from this summary.</summary>
    public LegacyGoroutineStats Legacy => Summarizer.LegacyOf(this, Owner!);

    /// <summary>
    /// Time per region name: Σ over <see cref="Regions"/> of the region's interval (start or trace start, end or
    /// trace end), as the region pages measure latency. Nested regions are counted in full each.
    /// </summary>
    public IReadOnlyDictionary<string, long> RegionTime
    {
        get
        {
            var perRegion = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var r in Regions) perRegion[r.Name] = perRegion.GetValueOrDefault(r.Name) + r.Duration(Owner!);
            return perRegion;
        }
    }

    /// <summary>The summary it belongs to (set when the pass completes).</summary>
    internal TraceSummary? Owner => Names?.Owner;

    /// <summary>
    /// Where the summarizer keeps this goroutine's pending state while it lives (Go's <c>goroutineSummary</c> fields),
    /// or -1 when there is none: that state is in a table of the summarizer whose entries are reused once a goroutine
    /// ends, so it costs memory per live goroutine, not per goroutine ever seen.
    /// </summary>
    internal int Activity = -1;

    /// <summary>Go's <c>IsSystemGoroutine</c>: "" or a runtime.* function other than runtime.main.</summary>
    public bool IsSystem => IsSystemGoroutine(Name);

    /// <summary>Go's <c>IsSystemGoroutine(entryFn)</c> (<c>src/internal/trace/summary.go</c>).</summary>
    public static bool IsSystemGoroutine(string entryFn) =>
        entryFn.Length == 0 || (entryFn != "runtime.main" && entryFn.StartsWith("runtime.", StringComparison.Ordinal));

    /// <inheritdoc/>
    public override string ToString() => $"G{Id} {Name}";
}

/// <summary>The columns of Go ≤1.21's goroutine table, in ns, mapped onto Go 1.27's statistics (spec Appendix D).</summary>
/// <param name="Execution">Execution time.</param>
/// <param name="NetworkWait">Block time (network).</param>
/// <param name="SyncBlock">Σ Block time (chan send, chan receive, select, sync, sync.(*Cond).Wait).</param>
/// <param name="BlockingSyscall">SyscallBlockTime.</param>
/// <param name="SchedulerWait">Sched wait time.</param>
/// <param name="GcSweeping">Range time "GC incremental sweep" (sweeping done while the goroutine ran on the P).</param>
/// <param name="GcPause">
/// Time the goroutine existed (creation to end, or trace end) while a GC cycle ("GC concurrent mark phase") was in
/// progress: the definition of Go ≤1.21's GCTime (<c>src/internal/trace/goroutines.go</c> of Go 1.21), which Go 1.27
/// no longer computes.
/// </param>
public sealed record LegacyGoroutineStats(long Execution, long NetworkWait, long SyncBlock, long BlockingSyscall,
    long SchedulerWait, long GcSweeping, long GcPause);

/// <summary>What all goroutines and regions of one summary share: the interned names, and the summary once complete.</summary>
internal sealed class SummaryNames(NameTable reasons, NameTable ranges)
{
    public NameTable Reasons { get; } = reasons;
    public NameTable Ranges { get; } = ranges;
    public TraceSummary? Owner { get; set; }
}

/// <summary>
/// One user region (Go's <c>UserRegionSummary</c>): a RegionBegin..RegionEnd pair, a region closed by its goroutine's
/// end or the trace end (End null), a RegionEnd without begin (Start null) or a synthetic region (Name "", Start =
/// the creation transition) of a goroutine created inside a region.
/// </summary>
public sealed class RegionSummary
{
    internal RegionSummary(long goroutine, ulong taskId, string name, Event? start, StatsData data)
    {
        Goroutine = goroutine;
        TaskId = taskId;
        Name = name;
        Start = start;
        Data = data;
    }

    /// <summary>The goroutine the region belongs to.</summary>
    public long Goroutine { get; }

    /// <summary>Task ID (0 = background).</summary>
    public ulong TaskId { get; }

    /// <summary>Region type; "" for a synthetic region.</summary>
    public string Name { get; }

    /// <summary>RegionBegin, or the creation transition of a synthetic region, or null.</summary>
    public Event? Start { get; }

    /// <summary>RegionEnd, or the transition that ended the goroutine, or null when open at trace end.</summary>
    public Event? End { get; internal set; }

    internal StatsData Data;
    private ExecStats? _stats;
    internal NameTable? Reasons, Ranges;

    /// <summary>Statistics of the goroutine during the region.</summary>
    public ExecStats Stats => _stats ??= new ExecStats(Data, Reasons!, Ranges!);

    /// <summary>
    /// The fingerprint frame: the last (outermost) frame of the Start event's own stack, or the zero frame
    /// (Go's <c>regionTopStackFrame</c>, <c>src/cmd/trace/regions.go</c>).
    /// </summary>
    public StackFrame RootFrame
    {
        get
        {
            if (Start is { HasStack: true } s)
            {
                var frames = s.Stack;
                if (frames.Length > 0) return frames[^1];
            }
            return default;
        }
    }

    /// <summary>[Start or trace start, End or trace end] (Go's <c>regionInterval</c>).</summary>
    public (long Start, long End) Interval(TraceSummary t) => (Start?.Time ?? t.StartTime, End?.Time ?? t.EndTime);

    /// <summary>Duration of <see cref="Interval"/>.</summary>
    public long Duration(TraceSummary t)
    {
        var (s, e) = Interval(t);
        return e - s;
    }

    /// <inheritdoc/>
    public override string ToString() => $"region {Name} G{Goroutine} task {TaskId}";
}

/// <summary>One user task (Go's <c>UserTaskSummary</c>): every task ID mentioned by a task, region or log event or as a parent.</summary>
public sealed class TaskSummary
{
    internal TaskSummary(ulong id) => Id = id;

    /// <summary>Task ID (0 = background task).</summary>
    public ulong Id { get; }

    /// <summary>Task type ("" when unknown).</summary>
    public string Name { get; internal set; } = "";

    /// <summary>Parent task, if known.</summary>
    public TaskSummary? Parent { get; internal set; }

    internal readonly List<TaskSummary> ChildList = [];

    /// <summary>Child tasks, in the order they were attached.</summary>
    public IReadOnlyList<TaskSummary> Children => ChildList;

    /// <summary>TaskBegin event, or null.</summary>
    public Event? Start { get; internal set; }

    /// <summary>TaskEnd event, or null.</summary>
    public Event? End { get; internal set; }

    internal readonly List<Event> LogList = [];

    /// <summary>Log events of the task, in stream order.</summary>
    public IReadOnlyList<Event> Logs => LogList;

    internal readonly List<RegionSummary> RegionList = [];

    /// <summary>Regions of the task, in the order their begin (or end without begin) was seen.</summary>
    public IReadOnlyList<RegionSummary> Regions => RegionList;

    internal readonly Dictionary<long, GoroutineSummary?> GoroutineMap = [];

    /// <summary>
    /// Goroutines associated with the task (Go's <c>Goroutines</c> map): key -1 for events without a goroutine,
    /// value null when the goroutine had no summary at that moment.
    /// </summary>
    public IReadOnlyDictionary<long, GoroutineSummary?> Goroutines => GoroutineMap;

    /// <summary>Both Start and End are known.</summary>
    public bool Complete => Start is not null && End is not null;

    /// <summary>This task, then its children's descendants depth first (Go's <c>Descendents</c>).</summary>
    public IReadOnlyList<TaskSummary> Descendants()
    {
        var list = new List<TaskSummary>();
        var seen = new HashSet<TaskSummary>(ReferenceEqualityComparer.Instance);
        void Walk(TaskSummary t)
        {
            if (!seen.Add(t)) return; // a cycle would recurse forever in Go
            list.Add(t);
            foreach (var c in t.ChildList) Walk(c);
        }
        Walk(this);
        return list;
    }

    /// <summary>[Start or trace start, End or trace end] (Go's <c>taskInterval</c>).</summary>
    public (long Start, long End) Interval(TraceSummary t) => (Start?.Time ?? t.StartTime, End?.Time ?? t.EndTime);

    /// <summary>Duration of <see cref="Interval"/>.</summary>
    public long Duration(TraceSummary t)
    {
        var (s, e) = Interval(t);
        return e - s;
    }

    /// <inheritdoc/>
    public override string ToString() => $"task {Id} {Name}";
}

/// <summary>
/// The result of the summarizer over one trace: goroutines, tasks and regions with their statistics, and the bounds
/// the pages measure against.
/// </summary>
public sealed class TraceSummary
{
    internal TraceSummary(Dictionary<long, GoroutineSummary> goroutines, Dictionary<ulong, TaskSummary> tasks,
        List<(long Start, long End)> gc, PassEnd pass)
    {
        Goroutines = goroutines;
        Tasks = tasks;
        GcCycles = gc;
        _gc = gc;
        Pass = pass;
    }

    internal readonly List<(long Start, long End)> _gc;

    /// <summary>Time of the last event the summarizer saw (a goroutine alive at the end is charged up to it).</summary>
    internal long LastEventTime;

    /// <summary>Every goroutine, by ID (the latest summary of an ID, as Go's map keeps it), in first-seen order.</summary>
    public IReadOnlyDictionary<long, GoroutineSummary> Goroutines { get; }

    /// <summary>Every task mentioned, by ID, in first-mention order.</summary>
    public IReadOnlyDictionary<ulong, TaskSummary> Tasks { get; }

    /// <summary>GC cycles ("GC concurrent mark phase" ranges), clipped to the trace, in order.</summary>
    public IReadOnlyList<(long Start, long End)> GcCycles { get; }

    /// <summary>The pass that produced it.</summary>
    public PassEnd Pass { get; }

    /// <summary>Trace start as the pages use it: time of the first event.</summary>
    public long StartTime => Pass.StartTime;

    /// <summary>Trace end as the pages use it: time of the last retained event (the last Sync after a parse error).</summary>
    public long EndTime => Pass.EndTime;

    /// <summary>Every region of every goroutine (what the region pages list), goroutines in <see cref="Goroutines"/> order.</summary>
    public IEnumerable<RegionSummary> AllRegions()
    {
        foreach (var g in Goroutines.Values)
        {
            foreach (var r in g.Regions) yield return r;
        }
    }
}
