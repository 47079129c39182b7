namespace GoTrace.Analysis.Timeline;

/// <summary>
/// Greedy merging of contiguous spans at a resolution: a span at least <see cref="Res"/> long passes through; runs of
/// shorter spans are gathered into one merged item that closes as soon as it is <see cref="Res"/> long (or when a
/// long span or the end comes). A group of one passes through unchanged. Consequences: every emitted item is either
/// ≥ Res long or directly followed by one that is, so a window of length W holds at most 2·W/Res + 2 items; the
/// time per state category and the raw count are conserved exactly.
/// </summary>
internal struct SpanMerger
{
    public long Res;
    private bool _has;
    private int _n;
    private SpanItem _first;
    private long _end, _count;
    private StateTimes _times;

    public SpanMerger(long res) => Res = res;

    /// <summary>
    /// Adds <paramref name="it"/>. Returns bit 1 when a closed group is in <paramref name="group"/> (emit it first),
    /// bit 2 when <paramref name="it"/> itself is to be emitted as it is (a span at least <see cref="Res"/> long).
    /// </summary>
    public int Add(in SpanItem it, ref SpanItem group)
    {
        if (it.End - it.Start >= Res)
        {
            if (_has)
            {
                Close(ref group);
                return 3;
            }
            return 2;
        }
        if (!_has)
        {
            _has = true;
            _n = 1;
            _first = it;
            _end = it.End;
            _count = it.Count;
            _times = default;
            it.AddTimesTo(ref _times);
        }
        else
        {
            _n++;
            _end = it.End;
            _count += it.Count;
            it.AddTimesTo(ref _times);
        }
        if (_end - _first.Start >= Res)
        {
            Close(ref group);
            return 1;
        }
        return 0;
    }

    /// <summary>Emits the open group, if any.</summary>
    public bool Flush(ref SpanItem out0)
    {
        if (!_has) return false;
        Close(ref out0);
        return true;
    }

    private void Close(ref SpanItem o)
    {
        _has = false;
        if (_n == 1)
        {
            o = _first;
            return;
        }
        o = default;
        o.Start = _first.Start;
        o.End = _end;
        o.Count = _count;
        o.Raw = _first.Raw;
        o.Cat = SpanItem.Merged;
        o.A = -1;
        o.B = -1;
        o.Times = _times;
    }
}

/// <summary>Encoded blocks held in memory until they are committed to the store (pyramid levels are built in parallel).</summary>
internal sealed class BlockBuffer : IBlockSink
{
    private byte[] _data = new byte[256];
    private int _len;
    private Growable<(long Start, long FirstRaw, int Count, int Offset, int Length)> _blocks = new(4);

    public int Items { get; private set; }

    public long Bytes => _len + _blocks.Count * 28L;

    public void AddBlock(int stream, long start, long firstRaw, int count, ReadOnlySpan<byte> bytes)
    {
        if (_len + bytes.Length > _data.Length) Array.Resize(ref _data, Math.Max(_data.Length * 2, _len + bytes.Length));
        bytes.CopyTo(_data.AsSpan(_len));
        _blocks.Add((start, firstRaw, count, _len, bytes.Length));
        _len += bytes.Length;
        Items += count;
    }

    /// <summary>The bytes of the only block.</summary>
    public ReadOnlySpan<byte> SingleBlock()
    {
        if (_blocks.Count != 1) throw new InvalidOperationException("not one block");
        var b = _blocks[0];
        return _data.AsSpan(b.Offset, b.Length);
    }

    /// <summary>Copies the blocks into a new stream of <paramref name="store"/>.</summary>
    public int CommitTo(RecordStore store)
    {
        int s = store.NewStream();
        foreach (var b in _blocks.Span) store.AddBlock(s, b.Start, b.FirstRaw, b.Count, _data.AsSpan(b.Offset, b.Length));
        return s;
    }
}

/// <summary>Tuning of the span pyramids.</summary>
public sealed record PyramidOptions
{
    /// <summary>Resolution of the finest level, ns (a power of two).</summary>
    public long BaseResolution { get; init; } = 1 << 14;

    /// <summary>Ratio between the resolutions of consecutive levels (a power of two).</summary>
    public int Factor { get; init; } = 4;

    /// <summary>Tracks with at most this many raw spans get no pyramid (a query reads them whole).</summary>
    public int MinRawItems { get; init; } = 256;

    /// <summary>A level is kept only if it has at most this fraction of the items of the level below that was kept.</summary>
    public double KeepRatio { get; init; } = 0.5;

    /// <summary>No coarser level is built once a kept level has at most this many items.</summary>
    public int TopItems { get; init; } = 64;

    /// <summary>
    /// A goroutine with more regions (or goroutine-scoped ranges) than this gets stored lanes with pyramids; the lanes
    /// of the others are made from the tables on each request (no memory per goroutine).
    /// </summary>
    public int LaneStreamMin { get; init; } = 512;
}

/// <summary>The kept pyramid levels of one span track, finest first.</summary>
internal sealed class SpanLevels
{
    public static readonly SpanLevels None = new([], []);

    public readonly long[] Res;
    public readonly int[] Streams;

    public SpanLevels(long[] res, int[] streams)
    {
        Res = res;
        Streams = streams;
    }

    /// <summary>The stream to read at resolution <paramref name="r"/>: the coarsest level with Res ≤ r, else the raw stream.</summary>
    public int Pick(long r, int raw)
    {
        int s = raw;
        for (int i = 0; i < Res.Length && Res[i] <= r; i++) s = Streams[i];
        return s;
    }
}

/// <summary>Sees every raw span while a pyramid is built.</summary>
internal delegate void SpanObserver(in SpanItem it);

/// <summary>Builds the pyramid levels of one raw span stream in one pass (the levels cascade: each merges the one below).</summary>
internal static class PyramidBuilder
{
    /// <summary>Result of building: level buffers to commit (null when the track gets none) and time per category.</summary>
    public sealed class Result
    {
        public List<(long Res, BlockBuffer Buffer)>? Levels;
        public StateTimes Totals;
        public long RawCount;
    }

    public static Result Build(RecordStore st, int rawStream, long start, long end, PyramidOptions o, SpanObserver? observe = null)
    {
        var res = new Result();
        long duration = Math.Max(1, end - start);
        int nLevels = 0;
        for (long r = o.BaseResolution; ; r *= o.Factor)
        {
            nLevels++;
            if (r >= duration || nLevels >= 40) break;
        }
        var it = SpanIterator.First(st, rawStream, end);
        // Count first: small tracks get no levels, and only need their totals.
        long rawItems = SpanStreams.ItemCount(st, rawStream);
        res.RawCount = rawItems;
        if (rawItems <= o.MinRawItems)
        {
            while (it.MoveNext())
            {
                it.Current.AddTimesTo(ref res.Totals);
                observe?.Invoke(in it.Current);
            }
            return res;
        }

        var mergers = new SpanMerger[nLevels];
        var enc = new SpanEncoder[nLevels];
        var bufs = new BlockBuffer[nLevels];
        var counts = new long[nLevels];
        long rr = o.BaseResolution;
        for (int k = 0; k < nLevels; k++, rr *= o.Factor)
        {
            mergers[k] = new SpanMerger(rr);
            bufs[k] = new BlockBuffer();
        }
        while (it.MoveNext())
        {
            ref var cur = ref it.Current;
            cur.AddTimesTo(ref res.Totals);
            observe?.Invoke(in cur);
            Feed(0, in cur, mergers, enc, bufs, counts);
        }
        // Close the levels from the finest: a flushed group feeds the next level before that one is flushed.
        for (int k = 0; k < nLevels; k++)
        {
            var o0 = default(SpanItem);
            if (mergers[k].Flush(ref o0)) Emit(k, in o0, mergers, enc, bufs, counts);
            enc[k].Close(bufs[k], 0);
        }

        long lastKept = rawItems;
        var kept = new List<(long, BlockBuffer)>();
        rr = o.BaseResolution;
        for (int k = 0; k < nLevels; k++, rr *= o.Factor)
        {
            if (counts[k] <= lastKept * o.KeepRatio)
            {
                kept.Add((rr, bufs[k]));
                lastKept = counts[k];
                if (counts[k] <= o.TopItems) break;
            }
        }
        res.Levels = kept.Count > 0 ? kept : null;
        return res;
    }

    private static void Feed(int k, in SpanItem item, SpanMerger[] m, SpanEncoder[] enc, BlockBuffer[] bufs, long[] counts)
    {
        if (k == m.Length) return;
        var o0 = default(SpanItem);
        int n = m[k].Add(in item, ref o0);
        if ((n & 1) != 0) Emit(k, in o0, m, enc, bufs, counts);
        if ((n & 2) != 0) Emit(k, in item, m, enc, bufs, counts);
    }

    private static void Emit(int k, in SpanItem item, SpanMerger[] m, SpanEncoder[] enc, BlockBuffer[] bufs, long[] counts)
    {
        enc[k].Add(bufs[k], 0, in item);
        counts[k]++;
        Feed(k + 1, in item, m, enc, bufs, counts);
    }
}
