namespace GoTrace.Format;

/// <summary>Wire event numbers of the v2 format (Go 1.22+). See FORMAT.md §"Event catalogue".</summary>
internal static class Ev
{
    public const byte None = 0, EventBatch = 1, Stacks = 2, Stack = 3, Strings = 4, String = 5, CPUSamples = 6,
        CPUSample = 7, Frequency = 8, ProcsChange = 9, ProcStart = 10, ProcStop = 11, ProcSteal = 12, ProcStatus = 13,
        GoCreate = 14, GoCreateSyscall = 15, GoStart = 16, GoDestroy = 17, GoDestroySyscall = 18, GoStop = 19,
        GoBlock = 20, GoUnblock = 21, GoSyscallBegin = 22, GoSyscallEnd = 23, GoSyscallEndBlocked = 24, GoStatus = 25,
        STWBegin = 26, STWEnd = 27, GCActive = 28, GCBegin = 29, GCEnd = 30, GCSweepActive = 31, GCSweepBegin = 32,
        GCSweepEnd = 33, GCMarkAssistActive = 34, GCMarkAssistBegin = 35, GCMarkAssistEnd = 36, HeapAlloc = 37,
        HeapGoal = 38, GoLabel = 39, UserTaskBegin = 40, UserTaskEnd = 41, UserRegionBegin = 42, UserRegionEnd = 43,
        UserLog = 44, GoSwitch = 45, GoSwitchDestroy = 46, GoCreateBlocked = 47, GoStatusStack = 48,
        ExperimentalBatch = 49, Sync = 50, ClockSnapshot = 51, EndOfGeneration = 52,
        Span = 128, SpanAlloc = 129, SpanFree = 130, HeapObject = 131, HeapObjectAlloc = 132, HeapObjectFree = 133,
        GoroutineStack = 134, GoroutineStackAlloc = 135, GoroutineStackFree = 136;

    /// <summary>Not a wire number: marks the Sync events the reader synthesizes at generation boundaries.</summary>
    public const byte SyncMarker = 255;

    /// <summary>One past the largest event number the reference knows (its table length).</summary>
    public const int TableLength = 137;
}

/// <summary>
/// One row of the event table: name, argument names (without the leading <c>dt</c> of timed events),
/// which arguments are string or stack IDs, and the first header version that may contain it.
/// Argument indices below are into the arguments after <c>dt</c>.
/// </summary>
internal sealed record EventSpec(
    string Name,
    string[] Args,
    int[] StringArgs,
    int[] StackArgs,
    bool IsTimed,
    int Since,
    byte StartEvent,
    bool Experimental)
{
    /// <summary>Index of the event's own ("main") stack argument, or -1.</summary>
    public int MainStackArg => StackArgs.Length > 0 ? StackArgs[0] : -1;
}

/// <summary>
/// The v2 event table (source: <c>src/internal/trace/tracev2/events.go</c>, Go 1.26). Per-version
/// differences are the <see cref="EventSpec.Since"/> column; like the reference, the reader decodes timed
/// events with this newest table whatever the header says.
/// </summary>
internal static class Specs
{
    public static readonly EventSpec?[] Table = Build();

    /// <summary>Per wire type: number of arguments after <c>dt</c> for timed events, -1 for anything else.</summary>
    public static readonly sbyte[] TimedArgCount = BuildArgCounts();

    /// <summary>Per wire type: bit i set if argument i (after <c>dt</c>) is a stack ID (CPU samples excluded, as in Go).</summary>
    public static readonly byte[] StackArgMask = BuildMask(s => s.StackArgs);

    /// <summary>Per wire type: bit i set if argument i (after <c>dt</c>) is a string ID.</summary>
    public static readonly byte[] StringArgMask = BuildMask(s => s.StringArgs);

    /// <summary>Per type: which argument is the event's own stack ID (CPU samples: 0), or -1 if it has none.</summary>
    public static readonly sbyte[] OwnStackArg = BuildOwnStackArgs();

    private static sbyte[] BuildOwnStackArgs()
    {
        var a = new sbyte[256];
        for (int t = 0; t < 256; t++)
            a[t] = (sbyte)(t == Ev.SyncMarker ? -1 : t == Ev.CPUSample ? 0 : Table[t] is { } s ? s.MainStackArg : -1);
        return a;
    }

    private static sbyte[] BuildArgCounts()
    {
        var a = new sbyte[256];
        for (int t = 0; t < 256; t++) a[t] = (sbyte)(t < Ev.TableLength && Table[t] is { IsTimed: true } s ? s.Args.Length : -1);
        return a;
    }

    private static byte[] BuildMask(Func<EventSpec, int[]> pick)
    {
        var a = new byte[256];
        for (int t = 0; t < 256; t++)
        {
            if (Table[t] is not { IsTimed: true } s) continue;
            foreach (int i in pick(s)) a[t] |= (byte)(1 << i);
        }
        return a;
    }

    private static EventSpec Timed(string name, string args, int since = 22, int[]? strings = null, int[]? stacks = null, byte start = 0) =>
        new(name, args.Length == 0 ? [] : args.Split(' '), strings ?? [], stacks ?? [], true, since, start, false);

    private static EventSpec Structural(string name, string args, int since = 22) =>
        new(name, args.Length == 0 ? [] : args.Split(' '), [], [], false, since, 0, false);

    private static EventSpec?[] Build()
    {
        var t = new EventSpec?[256];
        t[Ev.EventBatch] = Structural("EventBatch", "gen m time size");
        t[Ev.Stacks] = Structural("Stacks", "");
        t[Ev.Stack] = Structural("Stack", "id nframes");
        t[Ev.Strings] = Structural("Strings", "");
        t[Ev.String] = Structural("String", "id");
        t[Ev.CPUSamples] = Structural("CPUSamples", "");
        t[Ev.CPUSample] = Structural("CPUSample", "time m p g stack");
        t[Ev.Frequency] = Structural("Frequency", "freq");
        t[Ev.ProcsChange] = Timed("ProcsChange", "procs_value stack", stacks: [1]);
        t[Ev.ProcStart] = Timed("ProcStart", "p p_seq");
        t[Ev.ProcStop] = Timed("ProcStop", "");
        t[Ev.ProcSteal] = Timed("ProcSteal", "p p_seq m");
        t[Ev.ProcStatus] = Timed("ProcStatus", "p pstatus");
        t[Ev.GoCreate] = Timed("GoCreate", "new_g new_stack stack", stacks: [2, 1]);
        t[Ev.GoCreateSyscall] = Timed("GoCreateSyscall", "new_g");
        t[Ev.GoStart] = Timed("GoStart", "g g_seq");
        t[Ev.GoDestroy] = Timed("GoDestroy", "");
        t[Ev.GoDestroySyscall] = Timed("GoDestroySyscall", "");
        t[Ev.GoStop] = Timed("GoStop", "reason_string stack", strings: [0], stacks: [1]);
        t[Ev.GoBlock] = Timed("GoBlock", "reason_string stack", strings: [0], stacks: [1]);
        t[Ev.GoUnblock] = Timed("GoUnblock", "g g_seq stack", stacks: [2]);
        t[Ev.GoSyscallBegin] = Timed("GoSyscallBegin", "p_seq stack", stacks: [1]);
        t[Ev.GoSyscallEnd] = Timed("GoSyscallEnd", "", start: Ev.GoSyscallBegin);
        t[Ev.GoSyscallEndBlocked] = Timed("GoSyscallEndBlocked", "", start: Ev.GoSyscallBegin);
        t[Ev.GoStatus] = Timed("GoStatus", "g m gstatus");
        t[Ev.STWBegin] = Timed("STWBegin", "kind_string stack", strings: [0], stacks: [1]);
        t[Ev.STWEnd] = Timed("STWEnd", "", start: Ev.STWBegin);
        t[Ev.GCActive] = Timed("GCActive", "gc_seq", start: Ev.GCBegin);
        t[Ev.GCBegin] = Timed("GCBegin", "gc_seq stack", stacks: [1]);
        t[Ev.GCEnd] = Timed("GCEnd", "gc_seq", start: Ev.GCBegin);
        t[Ev.GCSweepActive] = Timed("GCSweepActive", "p", start: Ev.GCSweepBegin);
        t[Ev.GCSweepBegin] = Timed("GCSweepBegin", "stack", stacks: [0]);
        t[Ev.GCSweepEnd] = Timed("GCSweepEnd", "swept_value reclaimed_value", start: Ev.GCSweepBegin);
        t[Ev.GCMarkAssistActive] = Timed("GCMarkAssistActive", "g", start: Ev.GCMarkAssistBegin);
        t[Ev.GCMarkAssistBegin] = Timed("GCMarkAssistBegin", "stack", stacks: [0]);
        t[Ev.GCMarkAssistEnd] = Timed("GCMarkAssistEnd", "", start: Ev.GCMarkAssistBegin);
        t[Ev.HeapAlloc] = Timed("HeapAlloc", "heapalloc_value");
        t[Ev.HeapGoal] = Timed("HeapGoal", "heapgoal_value");
        t[Ev.GoLabel] = Timed("GoLabel", "label_string", strings: [0]);
        t[Ev.UserTaskBegin] = Timed("UserTaskBegin", "task parent_task name_string stack", strings: [2], stacks: [3]);
        t[Ev.UserTaskEnd] = Timed("UserTaskEnd", "task stack", stacks: [1]);
        t[Ev.UserRegionBegin] = Timed("UserRegionBegin", "task name_string stack", strings: [1], stacks: [2]);
        t[Ev.UserRegionEnd] = Timed("UserRegionEnd", "task name_string stack", strings: [1], stacks: [2], start: Ev.UserRegionBegin);
        t[Ev.UserLog] = Timed("UserLog", "task key_string value_string stack", strings: [1, 2], stacks: [3]);
        t[Ev.GoSwitch] = Timed("GoSwitch", "g g_seq", since: 23);
        t[Ev.GoSwitchDestroy] = Timed("GoSwitchDestroy", "g g_seq", since: 23);
        t[Ev.GoCreateBlocked] = Timed("GoCreateBlocked", "new_g new_stack stack", since: 23, stacks: [2, 1]);
        t[Ev.GoStatusStack] = Timed("GoStatusStack", "g m gstatus stack", since: 23, stacks: [3]);
        t[Ev.ExperimentalBatch] = Structural("ExperimentalBatch", "exp gen m time", since: 23);
        t[Ev.Sync] = Structural("Sync", "", since: 25);
        t[Ev.ClockSnapshot] = Structural("ClockSnapshot", "dt mono sec nsec", since: 25);
        t[Ev.EndOfGeneration] = Structural("EndOfGeneration", "", since: 26);
        t[Ev.Span] = Exp("Span", "id npages_value kindclass");
        t[Ev.SpanAlloc] = Exp("SpanAlloc", "id npages_value kindclass");
        t[Ev.SpanFree] = Exp("SpanFree", "id");
        t[Ev.HeapObject] = Exp("HeapObject", "id type");
        t[Ev.HeapObjectAlloc] = Exp("HeapObjectAlloc", "id type");
        t[Ev.HeapObjectFree] = Exp("HeapObjectFree", "id");
        t[Ev.GoroutineStack] = Exp("GoroutineStack", "id order");
        t[Ev.GoroutineStackAlloc] = Exp("GoroutineStackAlloc", "id order");
        t[Ev.GoroutineStackFree] = Exp("GoroutineStackFree", "id");
        return t;
    }

    private static EventSpec Exp(string name, string args) =>
        new(name, args.Split(' '), [], [], true, 23, 0, true);

    /// <summary>The name the reference uses in messages; unknown numbers print as <c>Event(N)</c>-like text.</summary>
    public static string Name(byte type) => Table[type]?.Name ?? type.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Experiment names by experiment number (<c>tracev2.Experiments()</c>).</summary>
    public static string ExperimentName(byte exp) => exp switch
    {
        0 => "None",
        1 => "AllocFree",
        _ => "",
    };
}
