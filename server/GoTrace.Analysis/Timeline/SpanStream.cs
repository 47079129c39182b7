using System.Runtime.CompilerServices;

namespace GoTrace.Analysis.Timeline;

/// <summary>Time per state category of a merged span (at most <see cref="SpanItem.MaxStates"/> categories).</summary>
[InlineArray(SpanItem.MaxStates)]
internal struct StateTimes
{
    private long _e;
}

/// <summary>
/// One item of a span stream: a raw span (state category 0–6 and its details) or, in a pyramid level, a merged
/// run of spans (<see cref="Merged"/>: how many raw spans, and the time per state category).
/// Spans of a stream are contiguous: an item ends where the next begins (the last at the trace end).
/// </summary>
internal struct SpanItem
{
    public const int MaxStates = 7;
    public const byte Merged = 7;

    public long Start, End;
    /// <summary>Raw spans this item stands for (1 for a raw span).</summary>
    public long Count;
    /// <summary>Index of the first raw span it stands for, in the track's raw stream.</summary>
    public long Raw;
    /// <summary>State category 0–6, or <see cref="Merged"/>.</summary>
    public byte Cat;
    public int Code, Stack;
    /// <summary>Track-specific references (goroutine, proc, thread, table index); −1 = none.</summary>
    public long A, B;
    /// <summary>For a merged item: time per state category.</summary>
    public StateTimes Times;

    public readonly bool IsMerged => Cat == Merged;

    /// <summary>The category with the most time (for a raw span, its own).</summary>
    public readonly int Dominant
    {
        get
        {
            if (Cat != Merged) return Cat;
            int best = 0;
            for (int i = 1; i < MaxStates; i++)
            {
                if (Times[i] > Times[best]) best = i;
            }
            return best;
        }
    }

    /// <summary>Adds this item's time per category to <paramref name="t"/>.</summary>
    public readonly void AddTimesTo(ref StateTimes t)
    {
        if (Cat == Merged)
        {
            for (int i = 0; i < MaxStates; i++) t[i] += Times[i];
        }
        else
        {
            t[Cat] += End - Start;
        }
    }
}

/// <summary>
/// Encodes span items into blocks of a <see cref="RecordStore"/> stream.
/// <para>Raw item: <c>Δt</c> (see <see cref="Codec.Delta"/>), a header byte (bits 0–2 the category; bits 3–6 say which
/// of code, stack, A, B follow as varints — B as value + 1, so −1 is 0; A as the zigzag difference from the category's
/// previous A, or value + 1 if there was none), then those fields. A field that does not
/// follow has the value it had in the previous item of the same category in the block (none at a block start): the
/// same block reason, unblocker, stack or proc recurs span after span, so most items are two or three bytes.
/// Merged item: <c>Δt</c>, header 7, count, a mask of the categories with time, and those times.</para>
/// </summary>
internal struct SpanEncoder
{
    private const int MaxItemBytes = 10 + 1 + 10 + 1 + SpanItem.MaxStates * 10;
    private const int Fields = 4 * SpanItem.MaxStates;
    private byte[]? _buf;
    private long[]? _last; // per category: code, stack, A, B of the last item of that category in the block
    private int _len, _items;
    private long _blockStart, _prev, _firstRaw, _raw;

    /// <summary>Raw spans covered by the items encoded so far.</summary>
    public readonly long Raw => _raw;

    /// <summary>Items in the block being filled (the next <see cref="Add"/> writes the block when it is full).</summary>
    public readonly int PendingItems => _items;

    /// <summary>Start time of the block being filled.</summary>
    public readonly long BlockStart => _blockStart;

    /// <summary>Encoded bytes of the block being filled.</summary>
    public readonly ReadOnlySpan<byte> PendingBytes => _buf.AsSpan(0, _len);

    public void Add(IBlockSink store, int stream, in SpanItem it)
    {
        if (_items == RecordStore.BlockItems) Flush(store, stream);
        if (_buf is null)
        {
            _buf = new byte[64];
            _last = new long[Fields];
        }
        if (_len + MaxItemBytes > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + MaxItemBytes));
        var buf = _buf;
        var last = _last!;
        int p = _len;
        if (_items == 0)
        {
            _blockStart = it.Start;
            _prev = it.Start;
            _firstRaw = _raw;
            SpanReader.ResetLast(last);
        }
        p = Codec.Write(buf, p, Codec.Delta(it.Start - _prev));
        _prev = it.Start;
        if (it.Cat == SpanItem.Merged)
        {
            buf[p++] = SpanItem.Merged;
            p = Codec.Write(buf, p, (ulong)it.Count);
            int maskAt = p++;
            int mask = 0;
            for (int i = 0; i < SpanItem.MaxStates; i++)
            {
                long t = it.Times[i];
                if (t == 0) continue;
                mask |= 1 << i;
                p = Codec.Write(buf, p, Codec.Delta(t));
            }
            buf[maskAt] = (byte)mask;
        }
        else
        {
            int hdrAt = p++;
            int hdr = it.Cat;
            int f = it.Cat * 4;
            if (it.Code != last[f])
            {
                hdr |= 8;
                p = Codec.Write(buf, p, (uint)it.Code);
                last[f] = it.Code;
            }
            if (it.Stack != last[f + 1])
            {
                hdr |= 16;
                p = Codec.Write(buf, p, (uint)it.Stack);
                last[f + 1] = it.Stack;
            }
            if (it.A != last[f + 2])
            {
                // A (a goroutine, mostly) as a difference from the category's previous A: goroutines created and run
                // in ID order differ by little. The first A of a category in the block is written as is.
                hdr |= 32;
                long prevA = last[f + 2];
                p = Codec.Write(buf, p, prevA < 0 ? (ulong)(it.A + 1) : Codec.Zig(it.A - prevA));
                last[f + 2] = it.A;
            }
            if (it.B != last[f + 3])
            {
                hdr |= 64;
                p = Codec.Write(buf, p, (ulong)(it.B + 1));
                last[f + 3] = it.B;
            }
            buf[hdrAt] = (byte)hdr;
        }
        _len = p;
        _items++;
        _raw += it.Cat == SpanItem.Merged ? it.Count : 1;
    }

    /// <summary>Writes the block being filled, if any, and keeps the buffer for the next one.</summary>
    public void Flush(IBlockSink store, int stream)
    {
        if (_items == 0) return;
        store.AddBlock(stream, _blockStart, _firstRaw, _items, _buf.AsSpan(0, _len));
        _items = 0;
        _len = 0;
    }

    /// <summary>
    /// Empties this encoder and hands over its buffers, for <see cref="Reuse"/> by the next one (a trace may have
    /// millions of short goroutines, each with a track of its own: allocating a pair for each made gigabytes of garbage).
    /// </summary>
    public (byte[]? Buf, long[]? Last) Detach()
    {
        var r = (_buf, _last);
        this = default;
        return r;
    }

    /// <summary>Gives this empty encoder the buffers another one no longer needs (their contents do not matter).</summary>
    public void Reuse((byte[]? Buf, long[]? Last) buffers)
    {
        if (_buf is not null || _items != 0) throw new InvalidOperationException("the encoder is in use");
        (_buf, _last) = buffers;
    }

    /// <summary>Flushes and drops the buffer (the stream is complete).</summary>
    public void Close(IBlockSink store, int stream)
    {
        Flush(store, stream);
        _buf = null;
        _last = null;
    }
}

/// <summary>Sequential decoder of one span stream from a given block on.</summary>
internal struct SpanReader
{
    private readonly RecordStore _st;
    private int _block;
    private readonly int _end;
    private byte[] _page;
    private int _pos, _left;
    private long _prev, _raw;
    private readonly long[] _last;
    private readonly SpanItem[]? _items;

    public SpanReader(RecordStore st, int stream, int block)
    {
        _st = st;
        _end = st.SFirst[stream] + st.SCount[stream];
        _block = block - 1;
        _page = [];
        _left = 0;
        _last = new long[4 * SpanItem.MaxStates];
    }

    /// <summary>A reader of items made on the spot (a goroutine's region lane, from the region table).</summary>
    public SpanReader(SpanItem[] items)
    {
        _st = null!;
        _end = 0;
        _block = 0;
        _page = [];
        _items = items;
        _left = items.Length;
        _last = [];
    }

    /// <summary>
    /// A reader of one block stored elsewhere (a small goroutine's whole track in the goroutine pack). A caller that
    /// reads millions of these one after the other passes <paramref name="scratch"/> (at least
    /// <see cref="ScratchLength"/> longs), which this reader then owns until the caller makes the next one.
    /// </summary>
    public SpanReader(byte[] page, int pos, int count, long blockStart, long[]? scratch = null)
    {
        _st = null!;
        _end = 0;
        _block = 0;
        _page = page;
        _pos = pos;
        _left = count;
        _prev = blockStart;
        _raw = 0;
        _last = scratch ?? new long[ScratchLength];
        ResetLast(_last);
    }

    /// <summary>Longs a reader keeps per category of the block (see the page constructor's scratch).</summary>
    public const int ScratchLength = 4 * SpanItem.MaxStates;

    /// <summary>The per-category field values at a block start: no code, no stack, no A, no B.</summary>
    public static void ResetLast(long[] last)
    {
        for (int i = 0; i < last.Length; i += 4)
        {
            last[i] = 0;
            last[i + 1] = 0;
            last[i + 2] = -1;
            last[i + 3] = -1;
        }
    }

    public bool Read(ref SpanItem it)
    {
        if (_left == 0)
        {
            if (++_block >= _end) return false; // an inline block has _end = 0
            long off = _st.BOffset[_block];
            _page = _st.Arena.Page(off);
            _pos = (int)(off & ByteArena.PageMask);
            _left = _st.BCount[_block];
            _prev = _st.BStart[_block];
            _raw = _st.BFirstRaw[_block];
            ResetLast(_last);
            if (_left == 0) return Read(ref it);
        }
        _left--;
        if (_items is not null)
        {
            it = _items[_items.Length - 1 - _left];
            return true;
        }
        var buf = _page;
        int p = _pos;
        it.Start = _prev + Codec.UnDelta(Codec.Read(buf, ref p));
        _prev = it.Start;
        int hdr = buf[p++];
        it.Raw = _raw;
        if ((hdr & 7) == SpanItem.Merged)
        {
            it.Cat = SpanItem.Merged;
            it.Count = (long)Codec.Read(buf, ref p);
            int mask = buf[p++];
            for (int i = 0; i < SpanItem.MaxStates; i++)
            {
                it.Times[i] = (mask & (1 << i)) != 0 ? Codec.UnDelta(Codec.Read(buf, ref p)) : 0;
            }
            it.Code = 0;
            it.Stack = 0;
            it.A = -1;
            it.B = -1;
        }
        else
        {
            var last = _last;
            int cat = hdr & 7;
            int f = cat * 4;
            it.Cat = (byte)cat;
            it.Count = 1;
            if ((hdr & 8) != 0) last[f] = (long)Codec.Read(buf, ref p);
            if ((hdr & 16) != 0) last[f + 1] = (long)Codec.Read(buf, ref p);
            if ((hdr & 32) != 0)
            {
                ulong v = Codec.Read(buf, ref p);
                long prevA = last[f + 2];
                last[f + 2] = prevA < 0 ? (long)v - 1 : prevA + Codec.UnZig(v);
            }
            if ((hdr & 64) != 0) last[f + 3] = (long)Codec.Read(buf, ref p) - 1;
            it.Code = (int)last[f];
            it.Stack = (int)last[f + 1];
            it.A = last[f + 2];
            it.B = last[f + 3];
        }
        _raw += it.Count;
        _pos = p;
        return true;
    }
}

/// <summary>
/// Iterates the items of a span stream with their end times (one item of look-ahead), starting at the item that
/// covers a given time. The two items live in two slots that swap roles, so nothing is copied per item.
/// </summary>
internal struct SpanIterator
{
    private SpanReader _r;
    private SpanItem _x, _y;
    private bool _curIsX, _hasCur, _hasNext, _started;
    private long _streamEnd;

    /// <summary>Positions on the item covering <paramref name="time"/> (the first item if it starts later).</summary>
    public static SpanIterator Seek(RecordStore st, int stream, long time, long streamEnd)
    {
        int block = st.FindBlock(stream, time);
        if (block < 0) return new SpanIterator { _streamEnd = streamEnd };
        return Slide(new SpanReader(st, stream, block), time, streamEnd);
    }

    /// <summary>Positions on the item of <paramref name="src"/> covering <paramref name="time"/>.</summary>
    public static SpanIterator Seek(in SpanSource src, int stream, long time, long streamEnd) =>
        src.Items is not null ? Slide(new SpanReader(src.Items), time, streamEnd)
        : src.Page is null ? Seek(src.Store, stream, time, streamEnd)
        : Slide(new SpanReader(src.Page, src.Pos, src.Count, src.BlockStart), time, streamEnd);

    private static SpanIterator Slide(SpanReader r, long time, long streamEnd)
    {
        var it = new SpanIterator { _streamEnd = streamEnd, _r = r };
        // Candidate in X, look-ahead in Y; slide while the look-ahead still starts at or before the time.
        if (!it._r.Read(ref it._x)) return it;
        it._hasCur = true;
        it._curIsX = true;
        it._hasNext = it._r.Read(ref it._y);
        while (it._hasNext && it.Next.Start <= time)
        {
            it._curIsX = !it._curIsX;
            it._hasNext = it._r.Read(ref it.Next);
        }
        return it;
    }

    /// <summary>From the first item.</summary>
    public static SpanIterator First(RecordStore st, int stream, long streamEnd) => Seek(st, stream, long.MinValue, streamEnd);

    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    private ref SpanItem Next => ref _curIsX ? ref _y : ref _x;

    /// <summary>The current item (valid after <see cref="MoveNext()"/> returned true), with its end time.</summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    public ref SpanItem Current => ref _curIsX ? ref _x : ref _y;

    /// <summary>Advances to the next item; the first call yields the item found by the seek.</summary>
    public bool MoveNext()
    {
        if (_started)
        {
            if (!_hasNext) return _hasCur = false;
            _curIsX = !_curIsX; // the look-ahead becomes current; its old slot is read into next
            _hasNext = _r.Read(ref Next);
        }
        else
        {
            if (!_hasCur) return false;
            _started = true;
        }
        ref var cur = ref Current;
        cur.End = _hasNext ? Next.Start : Math.Max(_streamEnd, cur.Start);
        return true;
    }

    /// <summary>Advances and copies the item into <paramref name="cur"/>.</summary>
    public bool MoveNext(ref SpanItem cur)
    {
        if (!MoveNext()) return false;
        cur = Current;
        return true;
    }
}

/// <summary>Stream-level helpers.</summary>
internal static class SpanStreams
{
    /// <summary>Drops every item of <paramref name="stream"/> that starts after <paramref name="cutoff"/>.</summary>
    public static void Truncate(RecordStore st, int stream, long cutoff)
    {
        while (st.SCount[stream] > 0 && st.BStart[st.SFirst[stream] + st.SCount[stream] - 1] > cutoff) st.SCount[stream]--;
        if (st.SCount[stream] == 0) return;
        int last = st.SFirst[stream] + st.SCount[stream] - 1;
        var r = new SpanReader(st, stream, last);
        var it = default(SpanItem);
        int keep = 0;
        while (r.Read(ref it) && it.Start <= cutoff) keep++;
        st.BCount[last] = (byte)keep;
    }

    /// <summary>Number of raw spans in <paramref name="stream"/>.</summary>
    public static long RawCount(RecordStore st, int stream)
    {
        if (st.SCount[stream] == 0) return 0;
        int last = st.SFirst[stream] + st.SCount[stream] - 1;
        var r = new SpanReader(st, stream, last);
        var it = default(SpanItem);
        long n = st.BFirstRaw[last];
        while (r.Read(ref it)) n += it.Count;
        return n;
    }

    /// <summary>Number of items (not raw spans) in <paramref name="stream"/>.</summary>
    public static long ItemCount(RecordStore st, int stream)
    {
        long n = 0;
        for (int b = st.SFirst[stream], e = b + st.SCount[stream]; b < e; b++) n += st.BCount[b];
        return n;
    }
}

/// <summary>
/// Where a span track's raw spans are: a stream of the store (with its pyramid levels), or one block stored inline
/// (a small goroutine in the goroutine pack).
/// </summary>
internal readonly struct SpanSource
{
    public readonly TrackId Id;
    public readonly int States;
    public readonly RecordStore Store;
    public readonly SpanTrack? Track;
    public readonly byte[]? Page;
    public readonly int Pos, Count;
    public readonly long BlockStart;
    public readonly SpanItem[]? Items;

    public SpanSource(RecordStore store, SpanTrack track)
    {
        Id = track.Id;
        States = track.States;
        Store = store;
        Track = track;
    }

    public SpanSource(RecordStore store, TrackId id, int states, byte[] page, int pos, int count, long blockStart)
    {
        Id = id;
        States = states;
        Store = store;
        Page = page;
        Pos = pos;
        Count = count;
        BlockStart = blockStart;
    }

    public SpanSource(RecordStore store, TrackId id, int states, SpanItem[] items)
    {
        Id = id;
        States = states;
        Store = store;
        Items = items;
        Count = items.Length;
    }

    /// <summary>The raw stream (−1 for an inline block).</summary>
    public int Stream => Track?.Stream ?? -1;

    public SpanLevels Levels => Track?.Levels ?? SpanLevels.None;

    public SpanIterator Seek(long time, long end) => SpanIterator.Seek(in this, Stream, time, end);

    /// <summary>The stream to read at resolution <paramref name="r"/> (a level, or the raw spans).</summary>
    public SpanIterator SeekAt(long r, long time, long end) =>
        Track is { } t ? SpanIterator.Seek(Store, t.Levels.Pick(r, t.Stream), time, end) : Seek(time, end);

    public SpanReader Reader() => Items is not null ? new SpanReader(Items)
        : Page is null ? new SpanReader(Store, Track!.Stream, Store.SFirst[Track.Stream])
        : new SpanReader(Page, Pos, Count, BlockStart);
}
