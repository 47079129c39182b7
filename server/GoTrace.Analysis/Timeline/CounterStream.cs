namespace GoTrace.Analysis.Timeline;

/// <summary>How a counter track encodes one change.</summary>
internal enum CounterOps : byte
{
    /// <summary>An op varint: <c>zigzag(delta) &lt;&lt; 3 | series</c> (at most 8 series).</summary>
    Delta,
    /// <summary>
    /// An op byte <c>from·5 + to</c> over the goroutine viewer states (0 dead, 1 running, 2 runnable, 3 GC waiting,
    /// 4 waiting): series <c>from−1</c> loses one, series <c>to−1</c> gains one.
    /// </summary>
    GoroutinePair,
}

/// <summary>The record head of a counter change: <c>varint(Δt-code &lt;&lt; 3 | slot)</c>, slot 0–6 naming one of the seven most common goroutine ops, 7 = the op follows.</summary>
internal static class CounterSlots
{
    // waiting->runnable, runnable->running, running->waiting, running->runnable, dead->runnable, running->dead, gcwaiting->runnable
    public static readonly byte[] Ops = [4 * 5 + 2, 2 * 5 + 1, 1 * 5 + 4, 1 * 5 + 2, 0 * 5 + 2, 1 * 5 + 0, 3 * 5 + 2];
    public static readonly sbyte[] SlotOf = Build();

    private static sbyte[] Build()
    {
        var a = new sbyte[25];
        Array.Fill(a, (sbyte)7);
        for (int i = 0; i < Ops.Length; i++) a[Ops[i]] = (sbyte)i;
        return a;
    }
}

/// <summary>
/// A multi-series step function stored as changes: each record is <c>Δt</c> and an op (<see cref="CounterOps"/>); the
/// first record of a block is preceded by the absolute values of every series before it (a key frame), so decoding
/// can start at any block.
/// </summary>
internal sealed class CounterWriter
{
    public readonly int Series;
    public readonly CounterOps Ops;
    public readonly long[] Values;
    public readonly int Stream;
    private byte[] _buf = new byte[512];
    private int _len, _items;
    private long _blockStart, _prev, _raw, _last = long.MinValue;

    public CounterWriter(RecordStore store, int series, CounterOps ops)
    {
        Series = series;
        Ops = ops;
        Values = new long[series];
        Stream = store.NewStream();
    }

    public long Points => _raw;

    /// <summary>Records a change of <paramref name="series"/> by <paramref name="delta"/> at <paramref name="t"/>.</summary>
    public void Delta(RecordStore store, long t, int series, long delta)
    {
        if (delta == 0) return;
        Begin(store, t, 7);
        _len = Codec.Write(_buf, _len, (Codec.Zig(delta) << 3) | (uint)series);
        Values[series] += delta;
    }

    /// <summary>Sets <paramref name="series"/> to <paramref name="value"/> at <paramref name="t"/>.</summary>
    public void Set(RecordStore store, long t, int series, long value) => Delta(store, t, series, value - Values[series]);

    /// <summary>A goroutine moved between viewer states (<see cref="CounterOps.GoroutinePair"/>).</summary>
    public void Pair(RecordStore store, long t, int from, int to)
    {
        if (from == to) return;
        int op = from * 5 + to;
        int slot = CounterSlots.SlotOf[op];
        Begin(store, t, slot);
        if (slot == 7) _buf[_len++] = (byte)op;
        if (from > 0) Values[from - 1]--;
        if (to > 0) Values[to - 1]++;
    }

    private void Begin(RecordStore store, long t, int slot)
    {
        // Back-dated changes (first states of a generation) never go before a change already written.
        if (t < _last) t = _last;
        _last = t;
        if (_items == RecordStore.BlockItems) Flush(store);
        if (_len + 16 + Series * 10 > _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
        if (_items == 0)
        {
            _blockStart = t;
            _prev = t;
            for (int i = 0; i < Series; i++) _len = Codec.Write(_buf, _len, Codec.Zig(Values[i]));
        }
        _len = Codec.Write(_buf, _len, (Codec.Delta(t - _prev) << 3) | (uint)slot);
        _prev = t;
        _items++;
        _raw++;
    }

    public void Flush(RecordStore store)
    {
        if (_items == 0) return;
        store.AddBlock(Stream, _blockStart, _raw - _items, _items, _buf.AsSpan(0, _len));
        _items = 0;
        _len = 0;
    }
}

/// <summary>Decodes the change records of a counter stream; <see cref="Values"/> holds the values after the last record read.</summary>
internal struct CounterReader
{
    private readonly RecordStore _st;
    private readonly CounterOps _ops;
    private int _block;
    private readonly int _end;
    private byte[] _page;
    private int _pos, _left;
    private long _prev;
    /// <summary>The values after the current record.</summary>
    public readonly long[] Values;
    public long Time;
    /// <summary>What the current record changed: series <see cref="ChangedA"/> by <see cref="DeltaA"/>, and (goroutine
    /// pairs: a goroutine leaves one state for another) <see cref="ChangedB"/> by <see cref="DeltaB"/>; −1 = none.</summary>
    public int ChangedA, ChangedB;
    public long DeltaA, DeltaB;

    public CounterReader(RecordStore st, int stream, int block, int series, CounterOps ops)
    {
        _st = st;
        _ops = ops;
        _end = st.SFirst[stream] + st.SCount[stream];
        _block = block - 1;
        _page = [];
        Values = new long[series];
        ChangedA = ChangedB = -1;
    }

    /// <summary>The values before the current record.</summary>
    public readonly void CopyPrevTo(long[] dst)
    {
        Values.CopyTo(dst, 0);
        if (ChangedA >= 0) dst[ChangedA] -= DeltaA;
        if (ChangedB >= 0) dst[ChangedB] -= DeltaB;
    }

    public bool Read()
    {
        if (_left == 0)
        {
            if (++_block >= _end) return false;
            long off = _st.BOffset[_block];
            _page = _st.Arena.Page(off);
            _pos = (int)(off & ByteArena.PageMask);
            _left = _st.BCount[_block];
            _prev = _st.BStart[_block];
            for (int i = 0; i < Values.Length; i++) Values[i] = Codec.UnZig(Codec.Read(_page, ref _pos));
            if (_left == 0) return Read();
        }
        _left--;
        ulong head = Codec.Read(_page, ref _pos);
        Time = _prev + Codec.UnDelta(head >> 3);
        _prev = Time;
        int slot = (int)(head & 7);
        if (_ops == CounterOps.GoroutinePair)
        {
            int op = slot < 7 ? CounterSlots.Ops[slot] : _page[_pos++];
            int from = op / 5, to = op % 5;
            ChangedA = from - 1;
            ChangedB = to - 1;
            DeltaA = -1;
            DeltaB = 1;
            if (from > 0) Values[from - 1]--;
            if (to > 0) Values[to - 1]++;
        }
        else
        {
            ulong op = Codec.Read(_page, ref _pos);
            ChangedA = (int)(op & 7);
            DeltaA = Codec.UnZig(op >> 3);
            ChangedB = -1;
            Values[ChangedA] += DeltaA;
        }
        return true;
    }

    /// <summary>A reader at the start of the block holding the last record at or before <paramref name="t"/>.</summary>
    public static CounterReader At(RecordStore st, int stream, long t, int series, CounterOps ops)
    {
        int b = st.FindBlock(stream, t);
        return new CounterReader(st, stream, b < 0 ? st.SFirst[stream] + st.SCount[stream] : b, series, ops);
    }
}

/// <summary>
/// One pyramid level of a counter: for every aligned bucket of width 2^Shift (from the trace start) holding at least
/// one change, the minimum, maximum and last value each series took within it. Record: <c>Δt</c> of the bucket start,
/// then per series <c>zigzag(min − carry)</c>, <c>max − min</c>, <c>zigzag(last − min)</c>, where carry is the last
/// value of the previous bucket (absolute values of the carry are the key frame at a block start).
/// </summary>
internal sealed class CounterLevelWriter
{
    public readonly int Shift;
    private readonly int _series;
    private readonly long _origin;
    private readonly long[] _carry, _min, _max, _last;
    private long _bucket = long.MinValue;
    private readonly BlockBuffer _out = new();
    private byte[] _buf = new byte[1024];
    private int _len, _items;
    private long _blockStart, _prev;
    public long Count;

    public CounterLevelWriter(int shift, int series, long origin)
    {
        Shift = shift;
        _series = series;
        _origin = origin;
        _carry = new long[series];
        _min = new long[series];
        _max = new long[series];
        _last = new long[series];
    }

    public BlockBuffer Buffer => _out;

    /// <summary>Adds a bucket (or a point: min = max = last) starting at <paramref name="t"/>; returns the closed bucket if this one began a new one.</summary>
    public bool Add(long t, ReadOnlySpan<long> min, ReadOnlySpan<long> max, ReadOnlySpan<long> last,
        out long closedStart, long[] cMin, long[] cMax, long[] cLast)
    {
        long b = (t - _origin) >> Shift;
        closedStart = 0;
        bool closed = false;
        if (b != _bucket)
        {
            if (_bucket != long.MinValue)
            {
                closedStart = _origin + (_bucket << Shift);
                _min.CopyTo(cMin, 0);
                _max.CopyTo(cMax, 0);
                _last.CopyTo(cLast, 0);
                Write(closedStart);
                closed = true;
            }
            _bucket = b;
            min.CopyTo(_min);
            max.CopyTo(_max);
            last.CopyTo(_last);
            return closed;
        }
        for (int i = 0; i < _series; i++)
        {
            if (min[i] < _min[i]) _min[i] = min[i];
            if (max[i] > _max[i]) _max[i] = max[i];
            _last[i] = last[i];
        }
        return false;
    }

    /// <summary>Closes the open bucket.</summary>
    public bool Finish(out long closedStart, long[] cMin, long[] cMax, long[] cLast)
    {
        closedStart = 0;
        if (_bucket == long.MinValue) return false;
        closedStart = _origin + (_bucket << Shift);
        _min.CopyTo(cMin, 0);
        _max.CopyTo(cMax, 0);
        _last.CopyTo(cLast, 0);
        Write(closedStart);
        _bucket = long.MinValue;
        if (_items > 0) _out.AddBlock(0, _blockStart, Count - _items, _items, _buf.AsSpan(0, _len));
        _items = 0;
        _len = 0;
        return true;
    }

    private void Write(long start)
    {
        if (_items == RecordStore.BlockItems)
        {
            _out.AddBlock(0, _blockStart, Count - _items, _items, _buf.AsSpan(0, _len));
            _items = 0;
            _len = 0;
        }
        if (_len + 16 + _series * 40 > _buf.Length) Array.Resize(ref _buf, _buf.Length * 2);
        if (_items == 0)
        {
            _blockStart = start;
            _prev = start;
            for (int i = 0; i < _series; i++) _len = Codec.Write(_buf, _len, Codec.Zig(_carry[i]));
        }
        _len = Codec.Write(_buf, _len, Codec.Delta(start - _prev));
        _prev = start;
        for (int i = 0; i < _series; i++)
        {
            _len = Codec.Write(_buf, _len, Codec.Zig(_min[i] - _carry[i]));
            _len = Codec.Write(_buf, _len, (ulong)(_max[i] - _min[i]));
            _len = Codec.Write(_buf, _len, Codec.Zig(_last[i] - _min[i]));
            _carry[i] = _last[i];
        }
        _items++;
        Count++;
    }
}

/// <summary>Decodes a counter pyramid level: bucket start, and per series min/max/last; <see cref="Carry"/> is the value before the bucket.</summary>
internal struct CounterLevelReader
{
    private readonly RecordStore _st;
    private int _block;
    private readonly int _end;
    private byte[] _page;
    private int _pos, _left;
    private long _prev;
    public readonly long[] Carry, Min, Max, Last;
    public long Time;

    public CounterLevelReader(RecordStore st, int stream, int block, int series)
    {
        _st = st;
        _end = st.SFirst[stream] + st.SCount[stream];
        _block = block - 1;
        _page = [];
        Carry = new long[series];
        Min = new long[series];
        Max = new long[series];
        Last = new long[series];
    }

    public bool Read()
    {
        int n = Carry.Length;
        if (_left == 0)
        {
            if (++_block >= _end) return false;
            long off = _st.BOffset[_block];
            _page = _st.Arena.Page(off);
            _pos = (int)(off & ByteArena.PageMask);
            _left = _st.BCount[_block];
            _prev = _st.BStart[_block];
            for (int i = 0; i < n; i++) Last[i] = Codec.UnZig(Codec.Read(_page, ref _pos));
            if (_left == 0) return Read();
        }
        _left--;
        Time = _prev + Codec.UnDelta(Codec.Read(_page, ref _pos));
        _prev = Time;
        for (int i = 0; i < n; i++)
        {
            long carry = Last[i];
            Carry[i] = carry;
            Min[i] = carry + Codec.UnZig(Codec.Read(_page, ref _pos));
            Max[i] = Min[i] + (long)Codec.Read(_page, ref _pos);
            Last[i] = Min[i] + Codec.UnZig(Codec.Read(_page, ref _pos));
        }
        return true;
    }
}

/// <summary>A counter of the index: its change stream and its pyramid levels.</summary>
internal sealed class CounterTrack
{
    public readonly CounterKind Kind;
    public readonly string[] Series;
    public readonly CounterOps Ops;
    public readonly int Stream;
    public long Points;
    public int[] LevelShifts = [];
    public int[] LevelStreams = [];

    public CounterTrack(CounterKind kind, string[] series, CounterWriter w)
    {
        Kind = kind;
        Series = series;
        Ops = w.Ops;
        Stream = w.Stream;
        Points = w.Points;
    }

    /// <summary>Drops the changes at or after <paramref name="cutoff"/>.</summary>
    public void Truncate(RecordStore st, long cutoff)
    {
        while (st.SCount[Stream] > 0 && st.BStart[st.SFirst[Stream] + st.SCount[Stream] - 1] >= cutoff) st.SCount[Stream]--;
        if (st.SCount[Stream] == 0)
        {
            Points = 0;
            return;
        }
        int last = st.SFirst[Stream] + st.SCount[Stream] - 1;
        var r = new CounterReader(st, Stream, last, Series.Length, Ops);
        int keep = 0;
        while (r.Read() && r.Time < cutoff) keep++;
        st.BCount[last] = (byte)keep;
        Points = st.BFirstRaw[last] + keep;
    }

    /// <summary>
    /// Builds the levels (aligned buckets of 2^shift ns from <paramref name="origin"/>) and keeps those that thin out
    /// enough; <see cref="CommitLevels"/> stores them. Only reads the store, so several tracks can build at once.
    /// </summary>
    public void BuildLevels(RecordStore st, long origin, long end, PyramidOptions o)
    {
        if (Points <= o.MinRawItems) return;
        int baseShift = System.Numerics.BitOperations.Log2((ulong)Math.Max(1, o.BaseResolution));
        int step = Math.Max(1, System.Numerics.BitOperations.Log2((ulong)Math.Max(2, o.Factor)));
        long duration = Math.Max(1, end - origin);
        var levels = new List<CounterLevelWriter>();
        for (int sh = baseShift; ; sh += step)
        {
            levels.Add(new CounterLevelWriter(sh, Series.Length, origin));
            if ((1L << sh) >= duration || sh >= 60) break;
        }
        int n = Series.Length;
        // Scratch per level: the bucket a level closes is copied there and fed to the level above.
        var sMin = new long[levels.Count + 1][];
        var sMax = new long[levels.Count + 1][];
        var sLast = new long[levels.Count + 1][];
        for (int k = 0; k <= levels.Count; k++)
        {
            sMin[k] = new long[n];
            sMax[k] = new long[n];
            sLast[k] = new long[n];
        }
        var r = new CounterReader(st, Stream, st.SFirst[Stream], n, Ops);
        while (r.Read())
        {
            Cascade(levels, 0, r.Time, r.Values, r.Values, r.Values, sMin, sMax, sLast);
        }
        for (int k = 0; k < levels.Count; k++)
        {
            if (levels[k].Finish(out long cs, sMin[k], sMax[k], sLast[k]) && k + 1 < levels.Count)
            {
                Cascade(levels, k + 1, cs, sMin[k], sMax[k], sLast[k], sMin, sMax, sLast);
            }
        }
        long lastKept = Points;
        _built = [];
        foreach (var l in levels)
        {
            // Counter levels are small (at most one bucket per 2^shift ns): keep every one that halves the one below.
            if (l.Count <= lastKept * Math.Max(0.5, o.KeepRatio))
            {
                _built.Add((l.Shift, l.Buffer));
                lastKept = l.Count;
                if (l.Count <= o.TopItems) break;
            }
        }
    }

    private List<(int Shift, BlockBuffer Buffer)>? _built;

    /// <summary>Stores the levels made by <see cref="BuildLevels"/>.</summary>
    public void CommitLevels(RecordStore st)
    {
        if (_built is null) return;
        LevelShifts = _built.Select(b => b.Shift).ToArray();
        LevelStreams = _built.Select(b => b.Buffer.CommitTo(st)).ToArray();
        _built = null;
    }

    private static void Cascade(List<CounterLevelWriter> levels, int k, long t, long[] min, long[] max, long[] last,
        long[][] sMin, long[][] sMax, long[][] sLast)
    {
        while (k < levels.Count)
        {
            // A bucket closed at level k lands in scratch k and feeds level k+1.
            if (!levels[k].Add(t, min, max, last, out long cs, sMin[k], sMax[k], sLast[k])) return;
            t = cs;
            min = sMin[k];
            max = sMax[k];
            last = sLast[k];
            k++;
        }
    }
}
