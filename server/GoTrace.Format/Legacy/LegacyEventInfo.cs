namespace GoTrace.Format.Legacy;

/// <summary>
/// Static facts about the legacy (Go 1.11–1.21) record types, as the reference parser
/// (<c>internal/trace/internal/tracev1</c>, its event description table) knows them: the name used in error
/// messages, the first format version that has the type, whether the last value is a stack ID, and the
/// names of the arguments (they appear in a few of the reference's validation messages).
/// </summary>
internal static class LegacyEventInfo
{
    private readonly record struct Desc(string Name, int MinVersion, bool Stack, string[] Args);

    private static readonly Desc[] Table = Build();

    private static Desc[] Build()
    {
        var t = new Desc[LegacyEv.Count];
        void D(byte type, string name, int minVersion, bool stack, params string[] args) => t[type] = new Desc(name, minVersion, stack, args);

        D(LegacyEv.None, "None", 5, false);
        D(LegacyEv.Batch, "Batch", 5, false, "p", "ticks");
        D(LegacyEv.Frequency, "Frequency", 5, false, "freq");
        D(LegacyEv.Stack, "Stack", 5, false, "id", "siz");
        D(LegacyEv.Gomaxprocs, "Gomaxprocs", 5, true, "procs");
        D(LegacyEv.ProcStart, "ProcStart", 5, false, "thread");
        D(LegacyEv.ProcStop, "ProcStop", 5, false);
        D(LegacyEv.GCStart, "GCStart", 5, true, "seq");
        D(LegacyEv.GCDone, "GCDone", 5, false);
        // The reference names the STW pair after their pre-1.10 meaning.
        D(LegacyEv.STWStart, "GCSTWStart", 5, false, "kindid");
        D(LegacyEv.STWDone, "GCSTWDone", 5, false);
        D(LegacyEv.GCSweepStart, "GCSweepStart", 5, true);
        D(LegacyEv.GCSweepDone, "GCSweepDone", 5, false, "swept", "reclaimed");
        D(LegacyEv.GoCreate, "GoCreate", 5, true, "g", "stack");
        D(LegacyEv.GoStart, "GoStart", 5, false, "g", "seq");
        D(LegacyEv.GoEnd, "GoEnd", 5, false);
        D(LegacyEv.GoStop, "GoStop", 5, true);
        D(LegacyEv.GoSched, "GoSched", 5, true);
        D(LegacyEv.GoPreempt, "GoPreempt", 5, true);
        D(LegacyEv.GoSleep, "GoSleep", 5, true);
        D(LegacyEv.GoBlock, "GoBlock", 5, true);
        D(LegacyEv.GoUnblock, "GoUnblock", 5, true, "g", "seq");
        D(LegacyEv.GoBlockSend, "GoBlockSend", 5, true);
        D(LegacyEv.GoBlockRecv, "GoBlockRecv", 5, true);
        D(LegacyEv.GoBlockSelect, "GoBlockSelect", 5, true);
        D(LegacyEv.GoBlockSync, "GoBlockSync", 5, true);
        D(LegacyEv.GoBlockCond, "GoBlockCond", 5, true);
        D(LegacyEv.GoBlockNet, "GoBlockNet", 5, true);
        D(LegacyEv.GoSysCall, "GoSysCall", 5, true);
        D(LegacyEv.GoSysExit, "GoSysExit", 5, false, "g", "seq", "ts");
        D(LegacyEv.GoSysBlock, "GoSysBlock", 5, false);
        D(LegacyEv.GoWaiting, "GoWaiting", 5, false, "g");
        D(LegacyEv.GoInSyscall, "GoInSyscall", 5, false, "g");
        D(LegacyEv.HeapAlloc, "HeapAlloc", 5, false, "mem");
        D(LegacyEv.HeapGoal, "HeapGoal", 5, false, "mem");
        D(LegacyEv.TimerGoroutine, "TimerGoroutine", 5, false, "g");
        D(LegacyEv.FutileWakeup, "FutileWakeup", 5, false);
        D(LegacyEv.String, "String", 7, false);
        D(LegacyEv.GoStartLocal, "GoStartLocal", 7, false, "g");
        D(LegacyEv.GoUnblockLocal, "GoUnblockLocal", 7, true, "g");
        D(LegacyEv.GoSysExitLocal, "GoSysExitLocal", 7, false, "g", "ts");
        D(LegacyEv.GoStartLabel, "GoStartLabel", 8, false, "g", "seq", "labelid");
        D(LegacyEv.GoBlockGC, "GoBlockGC", 8, true);
        D(LegacyEv.GCMarkAssistStart, "GCMarkAssistStart", 9, true);
        D(LegacyEv.GCMarkAssistDone, "GCMarkAssistDone", 9, false);
        D(LegacyEv.UserTaskCreate, "UserTaskCreate", 11, true, "taskid", "pid", "typeid");
        D(LegacyEv.UserTaskEnd, "UserTaskEnd", 11, true, "taskid");
        D(LegacyEv.UserRegion, "UserRegion", 11, true, "taskid", "mode", "typeid");
        D(LegacyEv.UserLog, "UserLog", 11, true, "id", "keyid");
        D(LegacyEv.CPUSample, "CPUSample", 19, true, "ts", "p", "g");
        return t;
    }

    /// <summary>True for the defined record types 1–49.</summary>
    public static bool IsDefined(byte type) => type != LegacyEv.None && type < LegacyEv.Count;

    /// <summary>The reference's name of a record type (e.g. "GoCreate"; the STW pair is "GCSTWStart"/"GCSTWDone").</summary>
    public static string Name(byte type) => type < LegacyEv.Count ? Table[type].Name : "";

    /// <summary>First trace format version (the NN of "go 1.NN trace") that has this record type.</summary>
    public static int MinVersion(byte type) => Table[type].MinVersion;

    /// <summary>Whether the record's last value is a stack ID (Go's <c>EventDescriptions[t].Stack</c>).</summary>
    public static bool HasStack(byte type) => type < LegacyEv.Count && Table[type].Stack;

    /// <summary>Names of the event-specific arguments, in <c>Args</c> order.</summary>
    public static IReadOnlyList<string> ArgNames(byte type) => type < LegacyEv.Count ? Table[type].Args : [];

    /// <summary>
    /// Number of values a record of this type must carry, counting the leading time delta and the trailing stack
    /// ID where the type has them (Go's <c>rawEvent.argNum</c>; for <c>Stack</c> records the caller checks the count).
    /// </summary>
    public static int ValueCount(byte type)
    {
        var d = Table[type];
        int n = d.Args.Length + (d.Stack ? 1 : 0);
        return type is LegacyEv.Batch or LegacyEv.Frequency or LegacyEv.TimerGoroutine ? n : n + 1;
    }

    /// <summary>
    /// The stop-the-world reason of an <c>STWStart</c> event's kind argument (Go's <c>tracev1.Trace.STWReason</c>):
    /// 0 = unknown, 1 = GC mark termination, 2 = GC sweep termination, 3 = write heap dump, … 16 = ResetDebugLog
    /// (the numbering of Go 1.21's runtime). Go 1.11–1.20 traces know only kinds 0 and 1 (mark and sweep
    /// termination, reported as 1 and 2).
    /// </summary>
    public static int StwReason(int version, ulong kindId)
    {
        const int numStwReasons = 17;
        if (version < 21) return kindId is 0 or 1 ? (int)kindId + 1 : 0;
        if (version == 21) return kindId < numStwReasons ? (int)kindId : 0;
        return 0;
    }
}
