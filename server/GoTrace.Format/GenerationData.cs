using System.Text;

namespace GoTrace.Format;

/// <summary>
/// Everything one generation carries that outlives its raw bytes: string and stack tables, the PC→frame map,
/// frequency and clock snapshot, experimental batches. Events hold a reference to it to resolve names and
/// stacks lazily. Immutable once the generation has been read.
/// </summary>
public sealed class GenerationData
{
    internal readonly record struct FrameRecord(ulong FuncId, ulong FileId, ulong Line);

    internal readonly Dictionary<ulong, byte[]> Strings = [];
    internal readonly Dictionary<ulong, ulong[]> Stacks = [];
    internal readonly Dictionary<ulong, FrameRecord> Pcs = [];
    private readonly Dictionary<ulong, string> _decoded = [];
    private readonly Dictionary<ulong, StackFrame[]> _frames = [];
    private readonly Lock _cacheLock = new();

    /// <summary>Generation number as written by the runtime.</summary>
    public ulong Number { get; internal set; }

    /// <summary>Ticks per second of this generation's clock.</summary>
    public ulong Frequency { get; internal set; }

    internal double NsPerTick;
    internal bool HasFrequency;

    /// <summary>Smallest batch header time of the generation, in ticks.</summary>
    internal ulong MinTs;

    internal bool HasClockSnapshot;
    internal ulong SnapshotTicks;

    /// <summary>Clock snapshot (1.25+): monotonic clock in ns.</summary>
    public ulong SnapshotMono { get; internal set; }

    /// <summary>Clock snapshot (1.25+): wall clock seconds since the Unix epoch.</summary>
    public ulong SnapshotWallSeconds { get; internal set; }

    /// <summary>Clock snapshot (1.25+): wall clock nanoseconds within the second.</summary>
    public ulong SnapshotWallNanos { get; internal set; }

    /// <summary>Whether the generation had a clock snapshot (Go 1.25+ formats).</summary>
    public bool ClockSnapshotPresent => HasClockSnapshot;

    /// <summary>Trace time (ns) of the clock snapshot.</summary>
    public long ClockSnapshotTrace => Ns(SnapshotTicks);

    /// <summary>Experimental batches: experiment number, thread, raw payload; in file order.</summary>
    public List<(byte Experiment, long Thread, byte[] Data)> ExperimentalBatches { get; } = [];

    /// <summary>Converts ticks to nanoseconds exactly as the reference does (float64 multiply, truncate).</summary>
    internal long Ns(ulong ticks) => GoMath.FloatToInt64((double)ticks * NsPerTick);

    internal static string Decode(byte[]? raw) => raw is null || raw.Length == 0 ? "" : Encoding.UTF8.GetString(raw);

    /// <summary>Raw bytes of string <paramref name="id"/> (ID 0 is the empty string).</summary>
    internal ReadOnlySpan<byte> RawString(ulong id) => id == 0 ? [] : Strings.TryGetValue(id, out var s) ? s : [];

    internal byte[] RawStringArray(ulong id) => id == 0 ? [] : Strings.TryGetValue(id, out var s) ? s : [];

    // PERF: presence bitmaps for the dense IDs the runtime assigns; validating every event's stack and string IDs
    // through the dictionaries cost ~5% of `dump --count` on a 28 MB trace.
    private bool[]? _stackPresent, _stringPresent;

    // Strings the ordering carries across generations by value (task names for TaskEnd), as Go's evTable.extraStrings.
    private readonly List<byte[]> _extra = [];
    private readonly Lock _extraLock = new();

    internal ulong AddExtraString(byte[] s)
    {
        lock (_extraLock)
        {
            _extra.Add(s);
            return (ulong)(_extra.Count - 1);
        }
    }

    internal byte[] ExtraString(ulong i)
    {
        lock (_extraLock) return i < (ulong)_extra.Count ? _extra[(int)i] : [];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool HasString(ulong id) => id == 0 || (_stringPresent is { } a && id < (ulong)a.Length ? a[id] : HasStringSlow(id));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool HasStack(ulong id) => id == 0 || (_stackPresent is { } a && id < (ulong)a.Length ? a[id] : HasStackSlow(id));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool HasStackSlow(ulong id) => Stacks.ContainsKey(id);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool HasStringSlow(ulong id) => Strings.ContainsKey(id);

    /// <summary>Called once the generation's tables are complete: builds the presence bitmaps.</summary>
    internal void Seal()
    {
        _stackPresent = Presence(Stacks.Keys);
        _stringPresent = Presence(Strings.Keys);
    }

    private static bool[]? Presence(IEnumerable<ulong> ids)
    {
        ulong max = 0;
        foreach (var id in ids) max = Math.Max(max, id);
        if (max >= 1 << 22) return null;
        var a = new bool[max + 1];
        foreach (var id in ids) a[id] = true;
        return a;
    }

    /// <summary>String <paramref name="id"/> decoded as UTF-8 ("" for 0 or an unknown ID).</summary>
    public string String(ulong id)
    {
        if (id == 0) return "";
        lock (_cacheLock)
        {
            if (_decoded.TryGetValue(id, out var s)) return s;
            s = Decode(RawStringArray(id));
            _decoded[id] = s;
            return s;
        }
    }

    /// <summary>Frames of stack <paramref name="id"/>, leaf first, resolved through the PC map (first definition wins).</summary>
    public StackFrame[] Frames(ulong id)
    {
        if (id == 0) return [];
        lock (_cacheLock)
        {
            if (_frames.TryGetValue(id, out var f)) return f;
        }
        if (!Stacks.TryGetValue(id, out var pcs)) return [];
        var frames = new StackFrame[pcs.Length];
        for (int i = 0; i < pcs.Length; i++)
        {
            var rec = Pcs[pcs[i]];
            frames[i] = new StackFrame(pcs[i], String(rec.FuncId), String(rec.FileId), rec.Line);
        }
        lock (_cacheLock) _frames[id] = frames;
        return frames;
    }

    /// <summary>PCs of stack <paramref name="id"/> (empty if none).</summary>
    internal ulong[] StackPcs(ulong id) => id != 0 && Stacks.TryGetValue(id, out var pcs) ? pcs : [];
}

/// <summary>
/// Tick→ns conversion of one generation, exactly as the reference computes it (float64 multiply, truncate),
/// with an exact integer shortcut when ns-per-tick is a small whole number (64 on every platform but Windows).
/// </summary>
internal sealed class TickClock
{
    private readonly double _nsPerTick;
    private readonly ulong _factor, _limit;

    public TickClock(double nsPerTick)
    {
        _nsPerTick = nsPerTick;
        if (nsPerTick >= 1 && nsPerTick <= 1 << 20 && nsPerTick == Math.Floor(nsPerTick))
        {
            _factor = (ulong)nsPerTick;
            // float64(t) * factor is exact (hence equal to the integer product) while the product stays below 2^53.
            _limit = (1UL << 53) / _factor;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public long Ns(ulong ticks) => ticks < _limit ? (long)(ticks * _factor) : GoMath.FloatToInt64((double)ticks * _nsPerTick);
}

/// <summary>Numeric conversions with Go's semantics.</summary>
internal static class GoMath
{
    /// <summary>Go's float64→int64 conversion on amd64 (CVTTSD2SQ): truncation, and int64.MinValue when out of range or NaN.</summary>
    public static long FloatToInt64(double d)
    {
        if (double.IsNaN(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return long.MinValue;
        return (long)d;
    }
}
