namespace GoTrace.Format.Legacy;

/// <summary>
/// One event of a legacy (Go 1.11–1.21) trace after the legacy parser's merge and normalization, the
/// counterpart of Go's <c>internal/trace/internal/tracev1.Event</c>. Pointer-free on purpose: a trace holds millions.
/// </summary>
internal struct LegacyEvent
{
    /// <summary>Timestamp in nanoseconds since the first event (after the parser's tick conversion).</summary>
    public long Ts;

    /// <summary>Goroutine the event happened on.</summary>
    public ulong G;

    /// <summary>Event-type-specific arguments (at most four).</summary>
    public ulong A0, A1, A2, A3;

    /// <summary>Stack ID (0 = none).</summary>
    public uint StkID;

    /// <summary>P the event happened on: a real P, or one of the fake Ps (<see cref="LegacyTrace.FakeP"/> and up).</summary>
    public int P;

    /// <summary>Legacy event type (see <see cref="LegacyEv"/>).</summary>
    public byte Type;
}

/// <summary>A frame of the legacy stack table: function and file are string IDs.</summary>
internal readonly record struct LegacyFrame(ulong PC, ulong Fn, ulong File, long Line);

/// <summary>
/// A whole parsed legacy trace (Go's <c>tracev1.Trace</c>): the legacy format has no generations, so the parser
/// reads the entire file before the first event can be returned. The events are kept compactly
/// (<see cref="LegacyEventStore"/>) and decoded again when read.
/// </summary>
internal sealed class LegacyTrace
{
    // Fake Ps, as in Go's tracev1: FakeP, TimerP, NetpollP, SyscallP, GCP, ProfileP.
    public const int FakeP = 1000000, TimerP = FakeP + 1, NetpollP = FakeP + 2, SyscallP = FakeP + 3, GCP = FakeP + 4, ProfileP = FakeP + 5;

    /// <summary>Header version: 11, 19 or 21.</summary>
    public required int Version;

    /// <summary>Stacks by ID: PCs, leaf first.</summary>
    public required Dictionary<uint, ulong[]> Stacks;

    /// <summary>PC → frame (first definition wins, as in the reference).</summary>
    public required Dictionary<ulong, LegacyFrame> PCs;

    /// <summary>The string table: raw bytes by ID.</summary>
    public required Dictionary<ulong, byte[]> Strings;

    /// <summary>Strings carried inline in events (user log messages), by index.</summary>
    public required List<byte[]> InlineStrings;

    internal required LegacyEventStore Store;

    /// <summary>Number of events.</summary>
    public int EventCount => Store.Count;

    /// <summary>A reader of all events, sorted as the reference sorts them, with the reference's edits.</summary>
    public LegacyEventReader Read() => new(Store, final: true);

    /// <summary>
    /// Whether the <c>GoSysCall</c> at merged position <paramref name="pos"/> (<see cref="LegacyEventReader.Pos"/>)
    /// blocked: the next event of its goroutine is a <c>GoSysBlock</c> (the converter's look-ahead, answered by
    /// validation).
    /// </summary>
    public bool SyscallBlocked(int pos) => (Store.SyscallBlocked[pos >> 6] & (1UL << (pos & 63))) != 0;

    private LegacyEvent[]? _events;

    /// <summary>
    /// All events as an array, sorted as the reference sorts them. Materialized on first use (64 bytes an event:
    /// for tests and small traces; the converter streams through <see cref="Read"/>).
    /// </summary>
    public LegacyEvent[] Events
    {
        get
        {
            if (_events is null)
            {
                var a = new LegacyEvent[EventCount];
                var r = Read();
                for (int i = 0; i < a.Length; i++) r.Next(out a[i]);
                _events = a;
            }
            return _events;
        }
    }
}

/// <summary>Legacy event types (Go's <c>tracev1.EventType</c>).</summary>
internal static class LegacyEv
{
    public const byte None = 0, Batch = 1, Frequency = 2, Stack = 3, Gomaxprocs = 4, ProcStart = 5, ProcStop = 6,
        GCStart = 7, GCDone = 8, STWStart = 9, STWDone = 10, GCSweepStart = 11, GCSweepDone = 12, GoCreate = 13,
        GoStart = 14, GoEnd = 15, GoStop = 16, GoSched = 17, GoPreempt = 18, GoSleep = 19, GoBlock = 20, GoUnblock = 21,
        GoBlockSend = 22, GoBlockRecv = 23, GoBlockSelect = 24, GoBlockSync = 25, GoBlockCond = 26, GoBlockNet = 27,
        GoSysCall = 28, GoSysExit = 29, GoSysBlock = 30, GoWaiting = 31, GoInSyscall = 32, HeapAlloc = 33, HeapGoal = 34,
        TimerGoroutine = 35, FutileWakeup = 36, String = 37, GoStartLocal = 38, GoUnblockLocal = 39, GoSysExitLocal = 40,
        GoStartLabel = 41, GoBlockGC = 42, GCMarkAssistStart = 43, GCMarkAssistDone = 44, UserTaskCreate = 45,
        UserTaskEnd = 46, UserRegion = 47, UserLog = 48, CPUSample = 49, Count = 50;
}

internal static class DictionaryExtensions
{
    /// <summary>
    /// The value for <paramref name="key"/> or the default. PERF: the framework's GetValueOrDefault goes through
    /// IReadOnlyDictionary (an interface call per lookup, ~6% of reading a 38 MiB legacy trace).
    /// </summary>
    public static TValue GetOrDefault<TKey, TValue>(this Dictionary<TKey, TValue> d, TKey key) where TKey : notnull =>
        d.TryGetValue(key, out var v) ? v : default!;
}
