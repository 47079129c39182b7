namespace GoTrace.Analysis.Timeline;

/// <summary>What a timeline track shows.</summary>
public enum TrackKind : byte
{
    /// <summary>States of one goroutine (<see cref="GoroutineState"/>); Id = goroutine ID.</summary>
    Goroutine,
    /// <summary>What runs on one P (<see cref="ProcActivity"/>); Id = proc ID.</summary>
    Proc,
    /// <summary>What one OS thread (M) does (<see cref="ThreadActivity"/>); Id = thread ID.</summary>
    Thread,
    /// <summary>"GC concurrent mark phase" ranges (<see cref="RangeState"/>); Lane = lane.</summary>
    Gc,
    /// <summary>"stop-the-world (reason)" ranges of the whole program; Lane = lane.</summary>
    Stw,
    /// <summary>Proc-scoped ranges ("GC incremental sweep") of one P; Id = proc ID, Lane = lane.</summary>
    ProcRanges,
    /// <summary>Goroutine-scoped ranges ("GC mark assist", "stop-the-world (…)") of one goroutine; Id = goroutine ID, Lane = lane.</summary>
    GoroutineRanges,
    /// <summary>User regions of one goroutine; Id = goroutine ID, Lane = nesting depth (0 = outermost).</summary>
    Regions,
    /// <summary>User tasks, packed into lanes; Lane = lane.</summary>
    Tasks,
    /// <summary>A counter (<see cref="CounterKind"/> as Id): one or more series, downsampled.</summary>
    Counter,
    /// <summary>CPU profile samples as instants; Id = −1 for all, else only those of goroutine (Lane 0), proc (Lane 1) or thread (Lane 2) Id.</summary>
    CpuSamples,
    /// <summary>User log messages as instants; Id = −1 for all, else only those of goroutine (Lane 0), proc (Lane 1) or thread (Lane 2) Id.</summary>
    Logs,
}

/// <summary>Identifies a track: its kind, the resource ID (goroutine, proc, thread, counter) and a lane number.</summary>
public readonly record struct TrackId(TrackKind Kind, long Id = 0, int Lane = 0)
{
    public static TrackId Goroutine(long id) => new(TrackKind.Goroutine, id);
    public static TrackId Proc(long id) => new(TrackKind.Proc, id);
    public static TrackId Thread(long id) => new(TrackKind.Thread, id);
    public static TrackId Counter(CounterKind c) => new(TrackKind.Counter, (long)c);
    public override string ToString() => $"{Kind}:{Id}:{Lane}";
}

/// <summary>State category of a goroutine span.</summary>
public enum GoroutineState : byte
{
    /// <summary>Before the goroutine was created or first seen in the trace.</summary>
    NotSeen,
    Runnable,
    Running,
    /// <summary>In a syscall, still holding its P (Go's "syscall execution").</summary>
    Syscall,
    /// <summary>In a syscall after its P was taken away (Go's "block time (syscall)").</summary>
    SyscallBlocked,
    /// <summary>Blocked; the span's reason says why.</summary>
    Waiting,
    /// <summary>After the goroutine exited.</summary>
    Dead,
}

/// <summary>State category of a proc span.</summary>
public enum ProcActivity : byte
{
    /// <summary>Before the P was first seen, or while it does not exist.</summary>
    NotSeen,
    /// <summary>The P is idle (no thread holds it).</summary>
    Idle,
    /// <summary>A thread holds the P but runs no goroutine (scheduler, GC work without a goroutine).</summary>
    Scheduling,
    /// <summary>A goroutine runs on the P.</summary>
    Running,
    /// <summary>A goroutine is in a syscall while holding the P.</summary>
    Syscall,
}

/// <summary>State category of a thread span.</summary>
public enum ThreadActivity : byte
{
    /// <summary>No goroutine executes on the thread.</summary>
    Idle,
    Running,
    /// <summary>A goroutine is in a syscall on it, holding a P.</summary>
    Syscall,
    /// <summary>A goroutine is in a syscall on it without a P (its P was taken, or a cgo callback).</summary>
    SyscallBlocked,
}

/// <summary>State category of a span on a range lane (GC, STW, sweep, mark assist, regions, tasks).</summary>
public enum RangeState : byte
{
    /// <summary>No range on the lane.</summary>
    Empty,
    /// <summary>A range; the span's <see cref="TimelineSpan.Ref"/> is its index in the range, region or task table.</summary>
    Range,
}

/// <summary>Counters of the timeline.</summary>
public enum CounterKind : byte
{
    /// <summary>Series "Allocated" (/memory/classes/heap/objects:bytes) and "Goal" (/gc/heap/goal:bytes; 0 above 2^50, as Go).</summary>
    Heap,
    /// <summary>Series "GOMAXPROCS" (/sched/gomaxprocs:threads).</summary>
    Gomaxprocs,
    /// <summary>Series "Running" (running or in syscall), "Runnable", "GCWaiting" (blocked during a mark assist), "Waiting", as Go's Goroutines counter (plus Waiting).</summary>
    Goroutines,
    /// <summary>Series "Running" (Ps running, as Go's Threads counter) and "InSyscall" (goroutines in a syscall; Go writes 0).</summary>
    Threads,
}

/// <summary>
/// One span of a query result: a raw span (<see cref="Count"/> = 1) or several consecutive spans shorter than the
/// resolution merged into one (<see cref="Count"/> &gt; 1, <see cref="State"/> the category with the most time, the
/// time per category in <see cref="TrackData.StateTimes"/> at <see cref="Breakdown"/>).
/// </summary>
public struct TimelineSpan
{
    public long Start { get; set; }
    public long End { get; set; }
    /// <summary>State category (the track kind's enum as a byte); for a merged span, the dominant one.</summary>
    public byte State { get; set; }
    /// <summary>Raw spans this span stands for.</summary>
    public int Count { get; set; }
    /// <summary>Index of the (first) raw span in the track: the handle for <see cref="TimelineIndex.Span"/> and the other look-ups.</summary>
    public long Index { get; set; }
    /// <summary>
    /// String ID (<see cref="TimelineIndex.String"/>; 0 = none). Goroutine spans: Waiting — the block reason;
    /// Runnable — how it became runnable ("created", "unblocked", "syscall exit", or the stop reason "preempted",
    /// "runtime.Gosched"…); range lanes — the range, region or task name.
    /// </summary>
    public int Reason { get; set; }
    /// <summary>
    /// Stack (<see cref="StackTable"/> ID; 0 = none) of the event that began the span: Waiting/Syscall/Runnable after
    /// a stop — the goroutine's own stack; Runnable after an unblock or creation — the unblocker's or creator's stack;
    /// Running — where it resumes (the stack it last stopped at, or its start function). Range lanes: begin stack.
    /// </summary>
    public int Stack { get; set; }
    /// <summary>
    /// Goroutine tracks: the goroutine that unblocked or created this one (Runnable/Waiting spans), else −1.
    /// Proc and thread tracks: the goroutine executing. Range lanes: the goroutine of the range (−1 if none).
    /// </summary>
    public long Goroutine { get; set; }
    /// <summary>Goroutine Running/Syscall spans, thread spans: the P (−1 = none).</summary>
    public long Proc { get; set; }
    /// <summary>Proc spans and goroutine Syscall spans: the OS thread ID (−1 = none).</summary>
    public long Thread { get; set; }
    /// <summary>Range lanes: index into the table behind the lane (<see cref="TimelineIndex.Range"/>, <see cref="TimelineIndex.Region"/>, <see cref="TimelineIndex.Task"/>); −1 otherwise.</summary>
    public long Ref { get; set; }
    /// <summary>Merged spans: offset of this span's time per category in <see cref="TrackData.StateTimes"/>; −1 for a raw span.</summary>
    public int Breakdown { get; set; }

    public readonly long Duration => End - Start;
    public readonly bool IsMerged => Breakdown >= 0;
}

/// <summary>
/// One instant of a query result, or a bucket of several (<see cref="Count"/> &gt; 1; the details are the first's).
/// </summary>
public struct TimelineInstant
{
    public long Time { get; set; }
    /// <summary>End of the bucket (= <see cref="Time"/> for a single instant).</summary>
    public long End { get; set; }
    public int Count { get; set; }
    /// <summary>Index of the (first) instant in the track's table (<see cref="TimelineIndex.Log"/>, <see cref="TimelineIndex.Sample"/>).</summary>
    public long Index { get; set; }
    public long Goroutine { get; set; }
    public long Proc { get; set; }
    public long Thread { get; set; }
    public int Stack { get; set; }
    /// <summary>Logs: the message's string ID.</summary>
    public int Text { get; set; }
}

/// <summary>
/// A counter series over [<see cref="Time"/>, <see cref="End"/>): the least and greatest value it took there
/// (including the value it entered with) and the value at the end. The first sample of a series starts at or before
/// the window and gives the value the window opens with.
/// </summary>
public readonly record struct CounterSample(long Time, long End, int Series, long Min, long Max, long Last);

/// <summary>The part of one track inside a query window.</summary>
public sealed class TrackData
{
    public TrackId Track { get; init; }
    /// <summary>Number of state categories of the track's spans (stride of <see cref="StateTimes"/>).</summary>
    public int StateCount { get; init; }
    public TimelineSpan[] Spans { get; set; } = [];
    /// <summary>Time per state category of the merged spans, <see cref="StateCount"/> values each.</summary>
    public long[] StateTimes { get; set; } = [];
    public TimelineInstant[] Instants { get; set; } = [];
    /// <summary>Counter tracks: names of the series.</summary>
    public string[] Series { get; set; } = [];
    public CounterSample[] Samples { get; set; } = [];
    /// <summary>Stored items decoded to answer (a cost measure).</summary>
    public long Scanned { get; set; }
}

/// <summary>A query window and its tracks.</summary>
public sealed class TimelineQueryResult
{
    public long Start { get; init; }
    public long End { get; init; }
    public long NsPerPixel { get; init; }
    public TrackData[] Tracks { get; init; } = [];
}

/// <summary>Which tracks a query returns: explicit tracks and/or every track of some kinds. Null selection = all tracks.</summary>
public sealed class TrackSelection
{
    public List<TrackId> Tracks { get; init; } = [];
    public HashSet<TrackKind> Kinds { get; init; } = [];

    public static TrackSelection Of(params TrackId[] tracks) => new() { Tracks = [.. tracks] };
    public static TrackSelection OfKinds(params TrackKind[] kinds) => new() { Kinds = [.. kinds] };
}

/// <summary>A track that exists in the index, with its display name.</summary>
public sealed record TrackInfo(TrackId Id, string Name, string Group);

/// <summary>One goroutine: identity, creation and time per state.</summary>
public sealed record GoroutineInfo
{
    public long Id { get; init; }
    /// <summary>Root function of its first non-empty transition stack, as Go's summarizer names goroutines ("" if none): the group.</summary>
    public string Name { get; init; } = "";
    /// <summary>Last label seen (GC workers: "GC (dedicated)" …), or "".</summary>
    public string Label { get; init; } = "";
    /// <summary>Time of its creation event, or −1 if it existed when first seen.</summary>
    public long CreationTime { get; init; }
    /// <summary>Goroutine that created it (−1 = none or unknown).</summary>
    public long Creator { get; init; }
    /// <summary>Creator's stack at the creation (<see cref="StackTable"/> ID).</summary>
    public int CreationStack { get; init; }
    /// <summary>The new goroutine's start function stack (transition stack of the creation).</summary>
    public int StartStack { get; init; }
    /// <summary>Start of its first span that is not <see cref="GoroutineState.NotSeen"/>.</summary>
    public long FirstSeen { get; init; }
    /// <summary>Time it exited or blocked forever, −1 if alive at the end.</summary>
    public long EndTime { get; init; }
    /// <summary>Time in Running.</summary>
    public long ExecTime { get; init; }
    public long SchedWaitTime { get; init; }
    public long BlockTime { get; init; }
    public long SyscallTime { get; init; }
    public long SyscallBlockTime { get; init; }
    public long Spans { get; init; }
    /// <summary>Its region lanes (<see cref="TrackKind.Regions"/>, lanes 0 … n−1 = nesting depth).</summary>
    public int RegionLanes { get; init; }
    /// <summary>Its goroutine-scoped range lanes (<see cref="TrackKind.GoroutineRanges"/>: mark assists, STW).</summary>
    public int RangeLanes { get; init; }
    public override string ToString() => $"G{Id} {Name}";
}

/// <summary>Goroutines sharing a name (Go's goroutine groups).</summary>
public sealed record GoroutineGroup(string Name, int Count, long ExecTime, long BlockTime);

/// <summary>Orderings of <see cref="TimelineIndex.Goroutines(GoroutineOrder, string?, string?, int, int)"/>.</summary>
public enum GoroutineOrder : byte { Id, Group, ExecTime, BlockTime, SchedWaitTime, SyscallTime }

/// <summary>What woke a blocked goroutine: the event that ended its Waiting span and began the Runnable one.</summary>
/// <param name="Goroutine">The goroutine that was blocked.</param>
/// <param name="WaitingIndex">Index of the Waiting span.</param>
/// <param name="Time">Time of the unblocking event (end of the Waiting span).</param>
/// <param name="By">Goroutine that unblocked it (−1: the runtime, without a goroutine).</param>
/// <param name="Stack">Stack of the unblocking event (the unblocker's; 0 if none).</param>
/// <param name="Proc">Proc of the unblocker's running span at that time (−1 if unknown).</param>
/// <param name="Reason">Why the goroutine had blocked.</param>
public readonly record struct UnblockInfo(long Goroutine, long WaitingIndex, long Time, long By, int Stack, long Proc, string Reason);

/// <summary>A range (GC, STW, sweep, mark assist) of the trace.</summary>
public readonly record struct RangeInfo(int Index, string Name, ResourceScope Scope, long ScopeId, long Start, long End, int StartStack, int EndStack,
    long Goroutine, bool StartKnown, bool EndKnown, ulong Swept, ulong Reclaimed);

/// <summary>Scope of a range.</summary>
public enum ResourceScope : byte { None, Goroutine, Proc }

/// <summary>A user region.</summary>
public readonly record struct RegionInfo(int Index, long Goroutine, ulong Task, string Name, long Start, long End, int StartStack, int EndStack,
    int Depth, bool StartKnown, bool EndKnown);

/// <summary>A user task.</summary>
public readonly record struct TaskInfo(int Index, ulong Id, ulong Parent, string Name, long Start, long End, long StartGoroutine, long EndGoroutine,
    int StartStack, int EndStack, bool StartKnown, bool EndKnown, int Lane);

/// <summary>A user log message.</summary>
public readonly record struct LogInfo(int Index, long Time, long Goroutine, long Proc, long Thread, ulong Task, string Category, string Message, int Stack);

/// <summary>A CPU profile sample.</summary>
public readonly record struct SampleInfo(int Index, long Time, long Goroutine, long Proc, long Thread, int Stack);

/// <summary>Kinds of events <see cref="TimelineIndex.Search"/> finds.</summary>
public enum SearchKind : byte
{
    /// <summary>A goroutine was created (start of its first Runnable/Waiting span after creation).</summary>
    GoCreate,
    /// <summary>A goroutine started running.</summary>
    GoStart,
    /// <summary>A goroutine blocked (text filter: the reason).</summary>
    GoBlock,
    /// <summary>A goroutine was unblocked.</summary>
    GoUnblock,
    /// <summary>A goroutine was preempted or yielded (text filter: the reason).</summary>
    GoStop,
    /// <summary>A goroutine entered a syscall.</summary>
    GoSyscall,
    /// <summary>A goroutine exited.</summary>
    GoEnd,
    /// <summary>A range began (text filter: its name, e.g. "stop-the-world").</summary>
    Range,
    /// <summary>A region began (text filter: its name).</summary>
    Region,
    /// <summary>A task began (text filter: its name).</summary>
    Task,
    /// <summary>A log message (text filter: category or message).</summary>
    Log,
    /// <summary>A CPU sample (text filter: a function name in its stack).</summary>
    CpuSample,
}

/// <summary>One search result: where to look on the timeline.</summary>
/// <param name="Time">Time of the event.</param>
/// <param name="Track">Track it is drawn on.</param>
/// <param name="Index">Span index (span tracks) or table index (ranges, regions, tasks, logs, samples).</param>
/// <param name="Goroutine">Goroutine concerned (−1 if none).</param>
/// <param name="Text">Short description (reason, name, message).</param>
public readonly record struct SearchHit(long Time, TrackId Track, long Index, long Goroutine, string Text);

/// <summary>Memory held by an index, by part (bytes, approximate).</summary>
public sealed record TimelineMemory(long ArenaBytes, long BlockIndexBytes, long TableBytes, long RawSpans, long PyramidItems, long CounterPoints)
{
    /// <summary>Encoded bytes by part ("Goroutine spans", "Proc pyramid", "Counter Goroutines"…), largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Parts { get; init; } = [];
}
