namespace GoTrace.Format;

/// <summary>Kinds of high-level events, as Go's <c>trace.EventKind</c> (<c>src/internal/trace/event.go</c>).</summary>
public enum EventKind : byte
{
    Bad,
    Sync,
    Metric,
    Label,
    StackSample,
    RangeBegin,
    RangeActive,
    RangeEnd,
    TaskBegin,
    TaskEnd,
    RegionBegin,
    RegionEnd,
    Log,
    StateTransition,
    Experimental,
}

/// <summary>Goroutine states of the model (Go's <c>trace.GoState</c>).</summary>
public enum GoState : byte { Undetermined, NotExist, Runnable, Running, Waiting, Syscall }

/// <summary>Proc states of the model (Go's <c>trace.ProcState</c>).</summary>
public enum ProcState : byte { Undetermined, NotExist, Running, Idle }

/// <summary>What a state transition or a range is about.</summary>
public enum ResourceKind : byte { None, Goroutine, Proc, Thread }

/// <summary>One resolved stack frame.</summary>
public readonly record struct StackFrame(ulong PC, string Function, string File, ulong Line);

/// <summary>
/// One event of the totally ordered stream, the C# counterpart of Go's <c>trace.Event</c>.
/// A small value: wire type, context, time and raw arguments; names and stacks are resolved on demand
/// through the generation that produced it (<see cref="Generation"/>), which stays valid as long as the
/// event is referenced.
/// </summary>
public struct Event
{
    /// <summary>Timestamp in nanoseconds on the trace clock; strictly increasing along the stream.</summary>
    public long Time;

    /// <summary>OS thread the event was emitted on, or -1.</summary>
    public long Thread;

    /// <summary>P bound to that thread just before the event, or -1.</summary>
    public long Proc;

    /// <summary>Goroutine bound to that thread just before the event, or -1.</summary>
    public long Goroutine;

    /// <summary>The kind of the event.</summary>
    public EventKind Kind;

    /// <summary>The wire event type it came from (<see cref="Ev"/>), or <see cref="Ev.SyncMarker"/>.</summary>
    internal byte Type;

    /// <summary>Old state of a state transition (GoState or ProcState as a byte), set by the ordering.</summary>
    internal byte OldState;

    /// <summary>New state of a state transition.</summary>
    internal byte NewState;

    /// <summary>Whether the table IDs among the arguments were already found in the generation's tables (by the batch decoder).</summary>
    internal bool IdsChecked;

    /// <summary>Wire arguments after <c>dt</c> (for CPU samples: stack in A0; for TaskEnd, A2 is an extra-string index).</summary>
    internal ulong A0, A1, A2, A3;

    /// <summary>Extra value attached by the ordering (TaskEnd: parent task; Sync: N).</summary>
    internal ulong Extra;

    /// <summary>The generation whose tables resolve this event's strings and stacks (null for a Sync without data).</summary>
    public GenerationData? Generation;

    public const long NoThread = -1, NoProc = -1, NoGoroutine = -1;
    public const ulong NoTask = ulong.MaxValue;

    internal readonly ulong Arg(int i) => i switch { 0 => A0, 1 => A1, 2 => A2, _ => A3 };

    /// <summary>The wire event's name, e.g. "GoBlock" (for diagnostics).</summary>
    public readonly string WireName => Type == Ev.SyncMarker ? "Sync" : Specs.Name(Type);

    /// <summary>The event's own stack ID in its generation (0 = none).</summary>
    internal readonly ulong StackId
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Specs.OwnStackArg[Type] switch { 0 => A0, 1 => A1, 2 => A2, 3 => A3, _ => 0 };
    }

    /// <summary>True when <see cref="Stack"/> has something to print (CPU samples always do, as in Go).</summary>
    public readonly bool HasStack => Type == Ev.CPUSample ? Generation is not null : StackId != 0;

    /// <summary>The event's own stack, leaf first; empty if none.</summary>
    public readonly StackFrame[] Stack => HasStack ? Generation!.Frames(StackId) : [];

    // --- state transitions ---

    /// <summary>Resource of a state transition.</summary>
    public readonly ResourceKind TransitionResource => Type is Ev.ProcStart or Ev.ProcStop or Ev.ProcSteal or Ev.ProcStatus
        ? ResourceKind.Proc : ResourceKind.Goroutine;

    /// <summary>ID of the goroutine or proc a state transition is about.</summary>
    public readonly long TransitionId
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => Type switch
        {
            Ev.ProcStart or Ev.ProcSteal or Ev.ProcStatus => (long)A0,
            Ev.ProcStop => Proc,
            Ev.GoCreate or Ev.GoCreateBlocked or Ev.GoCreateSyscall or Ev.GoStart or Ev.GoUnblock
                or Ev.GoSwitch or Ev.GoSwitchDestroy or Ev.GoStatus or Ev.GoStatusStack => (long)A0,
            _ => Goroutine,
        };
    }

    public readonly GoState GoFrom => (GoState)OldState;
    public readonly GoState GoTo => (GoState)NewState;
    public readonly ProcState ProcFrom => (ProcState)OldState;
    public readonly ProcState ProcTo => (ProcState)NewState;

    /// <summary>Reason of a goroutine stop or block ("" otherwise).</summary>
    public readonly string TransitionReason => Type is Ev.GoStop or Ev.GoBlock ? Generation!.String(A0) : "";

    /// <summary>
    /// Transition stack ID: the stack of the resource that changes state (GoBlock/GoStop/GoSyscallBegin/GoStatusStack:
    /// the event stack; GoCreate/GoCreateBlocked: the new goroutine's start function).
    /// </summary>
    internal readonly ulong TransitionStackId => Type switch
    {
        Ev.GoStop or Ev.GoBlock or Ev.GoSyscallBegin => A1,
        Ev.GoStatusStack => A3,
        Ev.GoCreate or Ev.GoCreateBlocked => A1,
        _ => 0,
    };

    /// <summary>Whether the transition carries a stack (GoCreate always does, even an empty one, as in Go).</summary>
    public readonly bool HasTransitionStack => Type is Ev.GoCreate or Ev.GoCreateBlocked || TransitionStackId != 0;

    public readonly StackFrame[] TransitionStack => HasTransitionStack ? Generation!.Frames(TransitionStackId) : [];

    // --- ranges ---

    public readonly string RangeName => Type switch
    {
        Ev.STWBegin or Ev.STWEnd => "stop-the-world (" + Generation!.String(A0) + ")",
        Ev.GCBegin or Ev.GCActive or Ev.GCEnd => "GC concurrent mark phase",
        Ev.GCSweepBegin or Ev.GCSweepActive or Ev.GCSweepEnd => "GC incremental sweep",
        _ => "GC mark assist",
    };

    public readonly ResourceKind RangeScopeKind => Type switch
    {
        Ev.GCBegin or Ev.GCActive or Ev.GCEnd => ResourceKind.None,
        Ev.GCSweepBegin or Ev.GCSweepActive or Ev.GCSweepEnd => ResourceKind.Proc,
        _ => ResourceKind.Goroutine,
    };

    public readonly long RangeScopeId => Type switch
    {
        Ev.GCSweepActive or Ev.GCMarkAssistActive => (long)A0,
        Ev.GCSweepBegin or Ev.GCSweepEnd => Proc,
        Ev.GCBegin or Ev.GCActive or Ev.GCEnd => 0,
        _ => Goroutine,
    };

    /// <summary>For a sweep RangeEnd: bytes swept and reclaimed.</summary>
    public readonly bool HasSweepAttributes => Type == Ev.GCSweepEnd;

    // --- metrics, labels, tasks, regions, logs ---

    public readonly string MetricName => Type switch
    {
        Ev.ProcsChange => "/sched/gomaxprocs:threads",
        Ev.HeapAlloc => "/memory/classes/heap/objects:bytes",
        _ => "/gc/heap/goal:bytes",
    };

    public readonly ulong MetricValue => A0;

    public readonly string Label => Generation!.String(A0);

    public readonly ulong TaskId => A0;

    public readonly ulong TaskParent => Type == Ev.UserTaskBegin ? A1 : Extra;

    public readonly string TaskType => Type == Ev.UserTaskBegin ? Generation!.String(A2) : GenerationData.Decode(Generation!.ExtraString(A2));

    /// <summary>Task of a region or log event (0 = background).</summary>
    public readonly ulong RegionTask => A0;

    public readonly string RegionType => Generation!.String(A1);

    public readonly string LogCategory => Generation!.String(A1);

    public readonly string LogMessage => Generation!.String(A2);

    // --- sync ---

    /// <summary>Sequence number of a Sync event (1 for the first).</summary>
    public readonly int SyncN => (int)Extra;

    // --- experimental ---

    public readonly string ExperimentalName => Specs.Name(Type);

    public readonly string[] ExperimentalArgNames => Specs.Table[Type]!.Args;
}
