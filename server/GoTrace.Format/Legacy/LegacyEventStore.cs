using System.Runtime.CompilerServices;

namespace GoTrace.Format.Legacy;

/// <summary>A CPU sample record (pass 1 decodes them; they are merged as a pseudo-P).</summary>
internal struct LegacySample
{
    public long Ts;   // tick time taken in the signal handler
    public ulong P;   // raw P value
    public ulong G;
    public uint StkID;
}

/// <summary>A syscall exit that took its real exit time and so moved earlier in the stream.</summary>
internal struct LegacyMovedExit
{
    public long Ts;   // the real exit time (ticks): the event's Ts and its A2
    public ulong G;   // the goroutine: the event's G and A0
    public ulong Seq; // A1
    public int Idx;   // position in the merged order
}

/// <summary>
/// One P's events decoded straight from the trace bytes (Go's <c>parseEvent</c> for ordinary events), for records
/// that were already checked once: the merge decodes each event here after its batch passed the checks of pass 1
/// (or of <c>LegacyParser.Run.CheckBatch</c>), and every later pass decodes again instead of keeping events in
/// memory. The tables (strings, stacks, frequency, timer goroutines) were filled by the checks: their records are
/// skipped here. The CPU-sample pseudo-P reads its sorted samples instead.
/// </summary>
internal sealed class LegacyProcStream
{
    // What a record type is to the decoder.
    private const byte KEvent = 0, KString = 1, KSkip = 2, KBatch = 3, KUserLog = 4;
    private static readonly byte[] Kinds = BuildKinds();

    private static byte[] BuildKinds()
    {
        var k = new byte[64];
        k[LegacyEv.String] = KString;
        k[LegacyEv.Batch] = KBatch;
        k[LegacyEv.Frequency] = KSkip;
        k[LegacyEv.TimerGoroutine] = KSkip;
        k[LegacyEv.Stack] = KSkip;
        k[LegacyEv.CPUSample] = KSkip;
        k[LegacyEv.UserLog] = KUserLog;
        return k;
    }

    private static readonly bool[] HasStack = BuildHasStack();

    private static bool[] BuildHasStack()
    {
        var h = new bool[64];
        for (int t = 0; t < 64; t++) h[t] = LegacyEventInfo.HasStack((byte)t);
        return h;
    }

    private readonly byte[] _d;
    private readonly int[] _offsets;
    private readonly int _pid;
    private readonly Dictionary<string, int> _inline;
    private readonly bool[]? _unchecked;
    private readonly Action<int>? _check;
    private readonly LegacySample[]? _samples;

    private int _off = -1;   // offset of the next record; −1: start the next batch
    private int _batch = -1; // index of the current batch
    private long _lastTs;    // tick time of the previous event
    private ulong _lastG;    // goroutine running on the P; carried from one of its batches to the next

    /// <summary>
    /// A P's stream. <paramref name="check"/>, if given, is called with a batch's offset before the batch's first
    /// record is decoded when <paramref name="unchecked"/> marks it.
    /// </summary>
    public LegacyProcStream(byte[] data, int[] offsets, int pid, Dictionary<string, int> inline, bool[]? @unchecked = null, Action<int>? check = null)
    {
        _d = data;
        _offsets = offsets;
        _pid = pid;
        _inline = inline;
        _unchecked = @unchecked;
        _check = check;
    }

    /// <summary>The CPU-sample pseudo-P: the samples in their merge order.</summary>
    public LegacyProcStream(LegacySample[] samples)
    {
        _d = [];
        _offsets = [];
        _inline = [];
        _samples = samples;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Uv(byte[] d, ref int off)
    {
        ulong b = d[off++];
        if (b < 0x80) return b;
        return UvSlow(d, ref off, b);
    }

    private static ulong UvSlow(byte[] d, ref int off, ulong b)
    {
        ulong v = b & 0x7f;
        int shift = 7;
        while (true)
        {
            b = d[off++];
            if (b < 0x80) return v | (b << shift);
            v |= (b & 0x7f) << shift;
            shift += 7;
        }
    }

    /// <summary>The next event (Local types as recorded, time in ticks) into <paramref name="ev"/>; false when the P has no more.</summary>
    public bool Next(ref LegacyEvent ev)
    {
        if (_samples is not null) return NextSample(ref ev);
        byte[] d = _d;
        int off = _off;
        while (true)
        {
            if ((uint)off >= (uint)d.Length)
            {
                // The batch ended (at the next batch header or the end of the data): start the P's next one.
                off = StartBatch();
                if (off < 0) return false;
                continue;
            }

            int h = d[off];
            int type = h & 0x3f;
            byte kind = Kinds[type];
            if (kind == KBatch)
            {
                off = -1;
                continue;
            }
            off++;
            if (kind == KString)
            {
                Uv(d, ref off); // ID
                int slen = (int)Uv(d, ref off);
                off += slen;
                continue;
            }

            // Values: time delta, the arguments, then the stack ID if the type has one.
            ulong a0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
            int argc;
            int narg = (h >> 6) + 1;
            int msgStart = 0, msgLen = 0;
            if (narg <= 3)
            {
                a0 = Uv(d, ref off);
                if (narg > 1)
                {
                    a1 = Uv(d, ref off);
                    if (narg > 2) a2 = Uv(d, ref off);
                }
                argc = narg;
            }
            else
            {
                int len = (int)Uv(d, ref off);
                int end = off + len;
                if (kind == KSkip)
                {
                    off = end;
                    continue;
                }
                // A checked ordinary event has at most 5 values.
                a0 = Uv(d, ref off);
                argc = 1;
                if (off < end) { a1 = Uv(d, ref off); argc++; }
                if (off < end) { a2 = Uv(d, ref off); argc++; }
                if (off < end) { a3 = Uv(d, ref off); argc++; }
                if (off < end) { a4 = Uv(d, ref off); argc++; }
                if (kind == KUserLog)
                {
                    msgLen = (int)Uv(d, ref off);
                    msgStart = off;
                    off += msgLen;
                }
            }
            if (kind == KSkip) continue;

            ev.Type = (byte)type;
            ev.P = _pid;
            ev.G = _lastG;
            long ts = unchecked(_lastTs + (long)a0);
            ev.Ts = ts;
            _lastTs = ts;
            if (HasStack[type])
            {
                argc--;
                ev.StkID = unchecked((uint)(argc switch { 1 => a1, 2 => a2, 3 => a3, _ => a4 }));
            }
            else
            {
                ev.StkID = 0;
            }
            ev.A0 = argc > 1 ? a1 : 0;
            ev.A1 = argc > 2 ? a2 : 0;
            ev.A2 = argc > 3 ? a3 : 0;
            ev.A3 = 0;

            switch (type)
            {
                case LegacyEv.GoStart or LegacyEv.GoStartLocal or LegacyEv.GoStartLabel:
                    _lastG = ev.A0;
                    ev.G = ev.A0;
                    break;
                case LegacyEv.GoEnd or LegacyEv.GoStop or LegacyEv.GoSched or LegacyEv.GoPreempt or LegacyEv.GoSleep
                    or LegacyEv.GoBlock or LegacyEv.GoBlockSend or LegacyEv.GoBlockRecv or LegacyEv.GoBlockSelect
                    or LegacyEv.GoBlockSync or LegacyEv.GoBlockCond or LegacyEv.GoBlockNet or LegacyEv.GoSysBlock
                    or LegacyEv.GoBlockGC:
                    _lastG = 0;
                    break;
                case LegacyEv.GoSysExit or LegacyEv.GoWaiting or LegacyEv.GoInSyscall:
                    ev.G = ev.A0;
                    break;
                case LegacyEv.UserLog:
                    // Args: task, category, (unused), message index (numbered when the batch was checked).
                    ev.A3 = (ulong)_inline[MessageKey(d.AsSpan(msgStart, msgLen))];
                    break;
            }
            _off = off;
            return true;
        }
    }

    /// <summary>Moves to the P's next batch (running its checks if needed); the offset of its first record, or −1.</summary>
    private int StartBatch()
    {
        int b = _batch + 1;
        if (b >= _offsets.Length)
        {
            _batch = _offsets.Length;
            _off = -1;
            return -1;
        }
        _batch = b;
        int off = _offsets[b];
        if (_unchecked is not null && _unchecked[b]) _check!(off);
        off++;
        Uv(_d, ref off); // P
        _lastTs = (long)Uv(_d, ref off);
        return off;
    }

    private bool NextSample(ref LegacyEvent ev)
    {
        if (_batch + 1 >= _samples!.Length) return false;
        ref var s = ref _samples[++_batch];
        ev = default;
        ev.Type = LegacyEv.CPUSample;
        ev.Ts = s.Ts;
        ev.P = unchecked((int)s.P);
        ev.G = s.G;
        ev.A1 = s.P;
        ev.A2 = s.G;
        ev.StkID = s.StkID;
        return true;
    }

    /// <summary>The key of an inline message in the parser's intern table: its bytes as Latin-1 (lossless).</summary>
    public static string MessageKey(ReadOnlySpan<byte> msg) => System.Text.Encoding.Latin1.GetString(msg);
}

/// <summary>
/// The events of a parsed legacy trace, kept compactly: the trace bytes themselves, the merged order as one P
/// index per event, the syscall exits that moved, and the few edits validation made. Events are decoded again
/// each time they are read (<see cref="LegacyEventReader"/>), so memory is the file plus a few bytes per event
/// instead of a 64-byte struct per event.
/// </summary>
internal sealed class LegacyEventStore
{
    public required byte[] Data;

    /// <summary>Per P of the merge, in merge order: its ID and its batch offsets. The CPU-sample pseudo-P is the last index.</summary>
    public required int[] Pids;
    public required int[][] Offsets;

    public required LegacySample[] Samples;

    /// <summary>Merged order: index of the P each event came from (one byte per event when there are at most 256 Ps).</summary>
    public byte[]? Order8;
    public int[]? Order32;
    public required int Count;

    /// <summary>Syscall exits that got their real exit time, ordered by (time, merged position).</summary>
    public required LegacyMovedExit[] Moved;

    /// <summary>Merged positions of <see cref="Moved"/>, ascending.</summary>
    public required int[] MovedAsc;

    public required Dictionary<string, int> InlineIndex;
    public required HashSet<ulong>? TimerGoroutines;

    // Tick → ns: ns = (ticks − MinTs) * Factor, converted as Go does.
    public long MinTs;
    public double Factor;

    // Validation's edits, by merged position (ascending), and what the converter needs to know ahead.
    public int[] NetpollUnblocks = [];
    public (int Pos, uint StkID)[] StartStacks = [];
    public StackIdSet? Stacks;
    public ulong[] SyscallBlocked = [];

    public int ProfileIndex => Pids.Length - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ProcAt(int pos) => Order8 is { } o ? o[pos] : Order32![pos];
}

/// <summary>
/// Reads a <see cref="LegacyEventStore"/> in the final order: the merged order with the moved syscall exits
/// merged in by (time, merged position) — the result of Go's stable sort — times in ns, fake Ps applied. In
/// raw mode (for validation) without validation's edits; in final mode with them.
/// </summary>
internal sealed class LegacyEventReader
{
    private readonly LegacyEventStore _s;
    private readonly bool _final;
    private readonly LegacyProcStream[] _streams;
    private readonly byte[]? _order8;
    private readonly int[]? _order32;
    private readonly int _count;
    private readonly LegacyMovedExit[] _moved;
    private readonly int[] _movedAsc;
    private readonly long _minTs;
    private readonly double _factor;
    private readonly HashSet<ulong>? _timers;
    private int _pos, _movedAscNext, _movedNext, _netpollNext, _startNext;
    private bool _hasBase;
    private LegacyEvent _base;
    private int _baseIdx;

    public LegacyEventReader(LegacyEventStore s, bool final)
    {
        _s = s;
        _final = final;
        _streams = new LegacyProcStream[s.Pids.Length];
        for (int k = 0; k < _streams.Length; k++)
            _streams[k] = k == s.ProfileIndex ? new LegacyProcStream(s.Samples) : new LegacyProcStream(s.Data, s.Offsets[k], s.Pids[k], s.InlineIndex);
        _order8 = s.Order8;
        _order32 = s.Order32;
        _count = s.Count;
        _moved = s.Moved;
        _movedAsc = s.MovedAsc;
        _minTs = s.MinTs;
        _factor = s.Factor;
        _timers = s.TimerGoroutines;
    }

    /// <summary>
    /// Merged position of the event returned last (validation's edits and look-ahead answers are keyed by it: the
    /// edited events keep their relative order in the final order).
    /// </summary>
    public int Pos { get; private set; }

    /// <summary>The next event into <paramref name="ev"/>; false at the end.</summary>
    public bool Next(out LegacyEvent ev)
    {
        ev = default;
        return NextInto(ref ev);
    }

    /// <summary>The next event into <paramref name="ev"/> (every field is written); false at the end.</summary>
    public bool NextInto(ref LegacyEvent ev)
    {
        if (_movedNext == _moved.Length && !_hasBase)
        {
            // PERF: no moved exit left to merge in: decode straight into the caller's event.
            while (_pos < _count)
            {
                int pos = _pos++;
                Decode(pos, ref ev);
                if (_movedAscNext < _movedAsc.Length && _movedAsc[_movedAscNext] == pos)
                {
                    _movedAscNext++; // it was returned from the moved list
                    continue;
                }
                Pos = pos;
                Finish(ref ev);
                if (_final) FinalEdits(ref ev, pos);
                return true;
            }
            return false;
        }

        if (!_hasBase)
        {
            while (_pos < _count)
            {
                int pos = _pos++;
                Decode(pos, ref _base);
                if (_movedAscNext < _movedAsc.Length && _movedAsc[_movedAscNext] == pos)
                {
                    _movedAscNext++; // it comes from the moved list instead
                    continue;
                }
                _baseIdx = pos;
                _hasBase = true;
                break;
            }
        }

        if (_movedNext < _moved.Length)
        {
            ref var m = ref _moved[_movedNext];
            if (!_hasBase || m.Ts < _base.Ts || (m.Ts == _base.Ts && m.Idx < _baseIdx))
            {
                _movedNext++;
                ev = default;
                ev.Type = LegacyEv.GoSysExit;
                ev.Ts = m.Ts;
                ev.G = m.G;
                ev.A0 = m.G;
                ev.A1 = m.Seq;
                ev.A2 = unchecked((ulong)m.Ts);
                Pos = m.Idx;
                Finish(ref ev); // (validation edits no syscall exit)
                return true;
            }
        }
        if (!_hasBase) return false;
        _hasBase = false;
        ev = _base;
        Pos = _baseIdx;
        Finish(ref ev);
        if (_final) FinalEdits(ref ev, _baseIdx);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Decode(int pos, ref LegacyEvent ev)
    {
        int k = _order8 is { } o ? o[pos] : _order32![pos];
        _streams[k].Next(ref ev);
        // The Local variants only matter for ordering.
        ev.Type = ev.Type switch
        {
            LegacyEv.GoStartLocal => LegacyEv.GoStart,
            LegacyEv.GoUnblockLocal => LegacyEv.GoUnblock,
            LegacyEv.GoSysExitLocal => LegacyEv.GoSysExit,
            _ => ev.Type,
        };
    }

    /// <summary>The parser's normalization: ns, fake Ps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Finish(ref LegacyEvent ev)
    {
        // (Legacy frequencies are measured, so ns per tick is not a whole number: no integer shortcut.)
        double ns = unchecked(ev.Ts - _minTs) * _factor;
        // Go's float → int conversion (GoMath.FloatToInt64), inlined.
        ev.Ts = ns >= -9223372036854775808.0 && ns < 9223372036854775808.0 ? (long)ns : long.MinValue;
        if (ev.Type == LegacyEv.GoUnblock && _timers is not null && _timers.Contains(ev.G)) ev.P = LegacyTrace.TimerP;
        if (ev.Type == LegacyEv.GoSysExit) ev.P = LegacyTrace.SyscallP;
    }

    /// <summary>Validation's edits of the event at merged position <paramref name="pos"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FinalEdits(ref LegacyEvent ev, int pos)
    {
        var s = _s;
        if (ev.Type == LegacyEv.GCStart) ev.P = LegacyTrace.GCP;
        if (_netpollNext < s.NetpollUnblocks.Length && s.NetpollUnblocks[_netpollNext] == pos)
        {
            _netpollNext++;
            ev.P = LegacyTrace.NetpollP;
        }
        if (_startNext < s.StartStacks.Length && s.StartStacks[_startNext].Pos == pos)
        {
            ev.StkID = s.StartStacks[_startNext++].StkID;
        }
        if (ev.StkID != 0 && !s.Stacks!.Contains(ev.StkID)) ev.StkID = 0;
    }
}
