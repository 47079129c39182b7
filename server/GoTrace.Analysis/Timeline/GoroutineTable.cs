namespace GoTrace.Analysis.Timeline;

/// <summary>A finished goroutine whose track needed more than one block: it keeps its stream.</summary>
internal struct LargeGoroutine
{
    public long Id, NameTime, LabelTime;
    public int Stream, Name, Label, StartStack;
}

/// <summary>
/// Collects goroutines as they finish during the pass. A track that fits one block (at most 128 spans: nearly every
/// goroutine of a program that starts one per request) is copied into a compact record and its build state is freed,
/// so memory follows the goroutines alive, not the goroutines ever created.
/// <para>Record: varints ID, name, label, start stack, name time + 1 and label time + 1 (0 = never; from the trace
/// start), block start (from the trace start), span count, byte length; then the encoded block. <see cref="Finished"/>
/// holds, in finish order, the offset of each record (≥ 0) or ~index of a large goroutine (&lt; 0).</para>
/// </summary>
internal sealed class GoroutineTableBuilder
{
    public readonly ByteArena Bytes = new();
    public readonly ChunkedList<long> Finished = new();
    public readonly List<LargeGoroutine> Large = [];
    /// <summary>Times in records are relative to this (the first event).</summary>
    public long Origin;
    private byte[] _tmp = new byte[256];

    public void AddSmall(long id, int name, int label, int startStack, long nameTime, long labelTime, long blockStart, int count,
        ReadOnlySpan<byte> block, long origin)
    {
        Origin = origin;
        int need = 9 * Codec.MaxVarint + block.Length;
        if (_tmp.Length < need) _tmp = new byte[Math.Max(need, _tmp.Length * 2)];
        int p = 0;
        p = Codec.Write(_tmp, p, (ulong)id);
        p = Codec.Write(_tmp, p, (uint)name);
        p = Codec.Write(_tmp, p, (uint)label);
        p = Codec.Write(_tmp, p, (uint)startStack);
        p = Codec.Write(_tmp, p, nameTime == long.MaxValue ? 0 : (ulong)(nameTime - origin + 1));
        p = Codec.Write(_tmp, p, labelTime == long.MaxValue ? 0 : (ulong)(labelTime - origin + 1));
        p = Codec.Write(_tmp, p, (ulong)(blockStart - origin));
        p = Codec.Write(_tmp, p, (uint)count);
        p = Codec.Write(_tmp, p, (uint)block.Length);
        block.CopyTo(_tmp.AsSpan(p));
        p += block.Length;
        long off = Bytes.Append(_tmp.AsSpan(0, p));
        Finished.Add(off);
    }

    public void AddLarge(long id, int stream, int name, int label, int startStack, long nameTime, long labelTime)
    {
        Large.Add(new LargeGoroutine
        {
            Id = id, Stream = stream, Name = name, Label = label, StartStack = startStack, NameTime = nameTime, LabelTime = labelTime,
        });
        Finished.Add(~(long)(Large.Count - 1));
    }
}

/// <summary>One goroutine of the index, as read from the pack.</summary>
internal struct GRef
{
    public long Id;
    public int Ordinal, Name, Label, StartStack;
    /// <summary>Index into <see cref="GoroutineTable.Large"/>, or −1 for a small goroutine (its block is inline).</summary>
    public int Large;
    public byte[]? Page;
    public int Pos, Count;
    public long BlockStart;
}

/// <summary>
/// Every goroutine of the index, sorted by ID, in one packed byte sequence with a directory entry every
/// <see cref="DirEvery"/> goroutines (first ID and offset): a look-up is a binary search and a scan of at most 64
/// records. Record: ID delta, length, label·2 + large flag, name, start stack; then for a small goroutine the
/// block start (from the trace start), span count and its encoded spans, for a large one its index in
/// <see cref="Large"/> (a stream with pyramid levels). About 10 bytes plus the spans per goroutine.
/// </summary>
internal sealed class GoroutineTable
{
    public const int DirEvery = 64;
    public readonly ByteArena Pack = new();
    public long[] DirFirstId = [], DirOffset = [];
    /// <summary>Per directory block: the earliest and latest span start of its goroutines other than "not seen" (a search skips blocks outside its window).</summary>
    public long[] DirMinTime = [], DirMaxTime = [];
    public int Count;
    public SpanTrack[] Large = [];
    private readonly long _origin;

    private GoroutineTable(long origin) => _origin = origin;

    /// <summary>
    /// Sorts the finished goroutines by ID and packs them. Lives of a reused ID (cgo callback goroutines) are joined
    /// into one track; with a cutoff (damaged trace) everything from the cutoff on is dropped.
    /// </summary>
    public static GoroutineTable Build(GoroutineTableBuilder b, RecordStore store, long origin, long end, long cutoff)
    {
        var t = new GoroutineTable(origin);
        bool cut = cutoff != long.MaxValue;
        int n = checked((int)b.Finished.Count);
        var ids = new long[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            long f = b.Finished[i];
            ids[i] = f < 0 ? b.Large[(int)~f].Id : IdOf(b, f);
            order[i] = i;
        }
        Array.Sort(ids, order);
        var large = new List<SpanTrack>();
        var dirFirst = new Growable<long>(n / DirEvery + 1);
        var dirOff = new Growable<long>(n / DirEvery + 1);
        var dirMin = new Growable<long>(n / DirEvery + 1);
        var dirMax = new Growable<long>(n / DirEvery + 1);
        var buf = new byte[4096];
        int len = 0, inBlock = 0;
        long prevId = 0;
        var lives = new List<int>();
        var header = new byte[2 * Codec.MaxVarint];
        var scratch = new long[SpanReader.ScratchLength];

        void Flush()
        {
            if (inBlock == 0) return;
            dirOff.Add(t.Pack.Append(buf.AsSpan(0, len)));
            len = 0;
            inBlock = 0;
        }

        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && ids[j] == ids[i]) j++;
            lives.Clear();
            for (int k = i; k < j; k++) lives.Add(order[k]);
            lives.Sort(); // finish order = time order
            long id = ids[i];
            i = j;

            var rec = t.Make(b, store, id, lives, cut, cutoff, end, large, out var block);
            if (rec is null) continue;
            if (inBlock == DirEvery || len + block.Length + 64 > ByteArena.PageSize / 2) Flush();
            if (inBlock == 0)
            {
                dirFirst.Add(id);
                dirMin.Add(long.MaxValue);
                dirMax.Add(long.MinValue);
                prevId = id;
            }
            int need = len + block.Length + 16 * Codec.MaxVarint;
            if (need > buf.Length) Array.Resize(ref buf, Math.Max(need, buf.Length * 2));
            var (flags, name, label, startStack, blockStart, count, largeIndex) = rec.Value;
            // Content first into the tail of the buffer, then the header in front of it.
            int c = len + 2 * Codec.MaxVarint;
            int p = c;
            p = Codec.Write(buf, p, ((ulong)(uint)label << 1) | flags);
            p = Codec.Write(buf, p, (uint)name);
            p = Codec.Write(buf, p, (uint)startStack);
            int blockAt = -1;
            if (flags == 0)
            {
                p = Codec.Write(buf, p, Codec.Delta(blockStart - origin));
                p = Codec.Write(buf, p, (uint)count);
                blockAt = p - c;
                block.CopyTo(buf.AsSpan(p));
                p += block.Length;
            }
            else
            {
                p = Codec.Write(buf, p, (uint)largeIndex);
            }
            int contentLen = p - c;
            int h = Codec.Write(header, 0, (ulong)(id - prevId));
            h = Codec.Write(header, h, (uint)contentLen);
            header.AsSpan(0, h).CopyTo(buf.AsSpan(len));
            Buffer.BlockCopy(buf, c, buf, len + h, contentLen);
            // The time range of its events, for the directory.
            long first = origin, last = end;
            if (blockAt >= 0)
            {
                var r = new SpanReader(buf, len + h + blockAt, count, blockStart, scratch);
                var x = default(SpanItem);
                first = long.MaxValue;
                while (r.Read(ref x))
                {
                    if (x.Cat != (byte)GoroutineState.NotSeen && first == long.MaxValue) first = x.Start;
                    last = x.Start;
                }
            }
            dirMin[dirMin.Count - 1] = Math.Min(dirMin[dirMin.Count - 1], first);
            dirMax[dirMax.Count - 1] = Math.Max(dirMax[dirMax.Count - 1], last);
            len += h + contentLen;
            prevId = id;
            inBlock++;
            t.Count++;
        }
        Flush();
        t.Pack.Trim();
        dirFirst.Trim();
        dirOff.Trim();
        t.DirFirstId = dirFirst.Items;
        t.DirOffset = dirOff.Items;
        dirMin.Trim();
        dirMax.Trim();
        t.DirMinTime = dirMin.Items;
        t.DirMaxTime = dirMax.Items;
        t.Large = [.. large];
        return t;
    }

    /// <summary>The final record of one goroutine (null: it does not exist before the cutoff).</summary>
    private (byte Flags, int Name, int Label, int StartStack, long BlockStart, int Count, int Large)? Make(GoroutineTableBuilder b,
        RecordStore store, long id, List<int> lives, bool cut, long cutoff, long end, List<SpanTrack> large, out ReadOnlySpan<byte> block)
    {
        block = default;
        int name = 0, label = 0, startStack = 0;
        long nameTime = long.MaxValue, labelTime = long.MaxValue;
        // Fast path: one life, nothing cut.
        if (lives.Count == 1 && !cut)
        {
            long f = b.Finished[lives[0]];
            if (f < 0)
            {
                var lg = b.Large[(int)~f];
                large.Add(new SpanTrack(TrackId.Goroutine(id), lg.Stream, SpanItem.MaxStates));
                return (1, lg.Name, lg.Label, lg.StartStack, 0, 0, large.Count - 1);
            }
            var s = ReadSmall(b, f, out name, out label, out startStack, out _, out _, out long bs, out int count);
            block = s;
            return (0, name, label, startStack, bs, count, 0);
        }

        // General path: decode every life, join them, cut, encode again.
        var items = new List<SpanItem>();
        foreach (int li in lives)
        {
            long f = b.Finished[li];
            SpanReader r;
            int lname, llabel, lstack;
            long lnameTime, llabelTime;
            if (f < 0)
            {
                var lg = b.Large[(int)~f];
                (lname, llabel, lstack, lnameTime, llabelTime) = (lg.Name, lg.Label, lg.StartStack, lg.NameTime, lg.LabelTime);
                if (store.SCount[lg.Stream] == 0) continue;
                r = new SpanReader(store, lg.Stream, store.SFirst[lg.Stream]);
            }
            else
            {
                var s = ReadSmall(b, f, out lname, out llabel, out lstack, out lnameTime, out llabelTime, out long bs, out int count);
                r = new SpanReader(b.Bytes.Page(f), BlockOffset(b, f), count, bs);
                _ = s;
            }
            if (name == 0 && lname != 0)
            {
                name = lname;
                nameTime = lnameTime;
            }
            if (llabel != 0)
            {
                label = llabel;
                labelTime = llabelTime;
            }
            startStack = lstack;
            var it = default(SpanItem);
            bool first = true;
            while (r.Read(ref it))
            {
                // A later life begins with "not seen" from the trace start: the previous life's Dead span covers that.
                if (first && items.Count > 0 && it.Cat == (byte)GoroutineState.NotSeen)
                {
                    first = false;
                    continue;
                }
                first = false;
                items.Add(it);
            }
        }
        if (cut)
        {
            // A loop, not RemoveAll with a lambda: capturing the parameter allocated a closure on every call, that is
            // for every goroutine (112 MiB on a trace of 4.9 M goroutines), cut or not.
            int kept = 0;
            for (int i = 0; i < items.Count; i++)
            {
                if (items[i].Start < cutoff) items[kept++] = items[i];
            }
            items.RemoveRange(kept, items.Count - kept);
            if (nameTime >= cutoff) name = 0;
            if (labelTime >= cutoff) label = 0;
        }
        if (!items.Any(x => x.Cat != (byte)GoroutineState.NotSeen)) return null;
        var enc = new SpanEncoder();
        if (items.Count <= RecordStore.BlockItems)
        {
            var bb = new BlockBuffer();
            foreach (var x in items) enc.Add(bb, 0, x);
            enc.Close(bb, 0);
            block = bb.SingleBlock();
            return (0, name, label, startStack, items[0].Start, items.Count, 0);
        }
        int stream = store.NewStream();
        foreach (var x in items) enc.Add(store, stream, x);
        enc.Close(store, stream);
        large.Add(new SpanTrack(TrackId.Goroutine(id), stream, SpanItem.MaxStates));
        return (1, name, label, startStack, 0, 0, large.Count - 1);
    }

    private static ReadOnlySpan<byte> ReadSmall(GoroutineTableBuilder b, long off, out int name, out int label, out int startStack,
        out long nameTime, out long labelTime, out long blockStart, out int count)
    {
        var page = b.Bytes.Page(off);
        int p = (int)(off & ByteArena.PageMask);
        Codec.Read(page, ref p); // ID
        name = (int)Codec.Read(page, ref p);
        label = (int)Codec.Read(page, ref p);
        startStack = (int)Codec.Read(page, ref p);
        ulong nt = Codec.Read(page, ref p), lt = Codec.Read(page, ref p);
        long origin = b.Origin;
        nameTime = nt == 0 ? long.MaxValue : origin + (long)nt - 1;
        labelTime = lt == 0 ? long.MaxValue : origin + (long)lt - 1;
        blockStart = origin + (long)Codec.Read(page, ref p);
        count = (int)Codec.Read(page, ref p);
        int len = (int)Codec.Read(page, ref p);
        return page.AsSpan(p, len);
    }

    private static int BlockOffset(GoroutineTableBuilder b, long off)
    {
        var page = b.Bytes.Page(off);
        int p = (int)(off & ByteArena.PageMask);
        for (int k = 0; k < 9; k++) Codec.Read(page, ref p);
        return p;
    }

    private static long IdOf(GoroutineTableBuilder b, long off)
    {
        int p = (int)(off & ByteArena.PageMask);
        return (long)Codec.Read(b.Bytes.Page(off), ref p);
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Reads the record at <paramref name="p"/> (after its ID delta and length).</summary>
    private void ReadRecord(byte[] page, int p, ref GRef g)
    {
        ulong head = Codec.Read(page, ref p);
        int flags = (int)(head & 1);
        g.Label = (int)(head >> 1);
        g.Name = (int)Codec.Read(page, ref p);
        g.StartStack = (int)Codec.Read(page, ref p);
        if (flags == 0)
        {
            g.Large = -1;
            g.BlockStart = _origin + Codec.UnDelta(Codec.Read(page, ref p));
            g.Count = (int)Codec.Read(page, ref p);
            g.Page = page;
            g.Pos = p;
        }
        else
        {
            g.Large = (int)Codec.Read(page, ref p);
            g.Page = null;
            g.Count = 0;
        }
    }

    /// <summary>Goroutine <paramref name="id"/>.</summary>
    public bool TryFind(long id, out GRef g)
    {
        g = default;
        int lo = 0, hi = DirFirstId.Length - 1;
        if (hi < 0 || id < DirFirstId[0]) return false;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (DirFirstId[mid] <= id) lo = mid;
            else hi = mid - 1;
        }
        long off = DirOffset[lo];
        var page = Pack.Page(off);
        int p = (int)(off & ByteArena.PageMask);
        long cur = DirFirstId[lo];
        int n = Math.Min(DirEvery, Count - lo * DirEvery);
        for (int k = 0; k < n; k++)
        {
            cur += (long)Codec.Read(page, ref p);
            int len = (int)Codec.Read(page, ref p);
            if (cur == id)
            {
                g.Id = id;
                g.Ordinal = lo * DirEvery + k;
                ReadRecord(page, p, ref g);
                return true;
            }
            if (cur > id) return false;
            p += len;
        }
        return false;
    }

    /// <summary>The goroutine with rank <paramref name="ordinal"/> in ID order.</summary>
    public GRef At(int ordinal)
    {
        if ((uint)ordinal >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(ordinal));
        int d = ordinal / DirEvery;
        long off = DirOffset[d];
        var page = Pack.Page(off);
        int p = (int)(off & ByteArena.PageMask);
        long cur = DirFirstId[d];
        for (int k = 0; ; k++)
        {
            cur += (long)Codec.Read(page, ref p);
            int len = (int)Codec.Read(page, ref p);
            if (k == ordinal % DirEvery)
            {
                var g = new GRef { Id = cur, Ordinal = ordinal };
                ReadRecord(page, p, ref g);
                return g;
            }
            p += len;
        }
    }

    /// <summary>Every goroutine in ID order (a sequential scan of the pack).</summary>
    public IEnumerable<GRef> All() => All(long.MinValue, long.MaxValue);

    /// <summary>
    /// The goroutines in ID order, skipping directory blocks none of whose goroutines has a span starting in
    /// [<paramref name="start"/>, <paramref name="end"/>) (the others may or may not).
    /// </summary>
    public IEnumerable<GRef> All(long start, long end)
    {
        for (int d = 0; d < DirFirstId.Length; d++)
        {
            if (DirMaxTime[d] < start || DirMinTime[d] >= end) continue;
            long off = DirOffset[d];
            var page = Pack.Page(off);
            int p = (int)(off & ByteArena.PageMask);
            long cur = DirFirstId[d];
            int n = Math.Min(DirEvery, Count - d * DirEvery);
            for (int k = 0; k < n; k++)
            {
                cur += (long)Codec.Read(page, ref p);
                int len = (int)Codec.Read(page, ref p);
                var g = new GRef { Id = cur, Ordinal = d * DirEvery + k };
                ReadRecord(page, p, ref g);
                yield return g;
                p += len;
            }
        }
    }

    /// <summary>Where the spans of <paramref name="g"/> are.</summary>
    public SpanSource Source(RecordStore store, in GRef g) => g.Large >= 0
        ? new SpanSource(store, Large[g.Large])
        : new SpanSource(store, TrackId.Goroutine(g.Id), SpanItem.MaxStates, g.Page!, g.Pos, g.Count, g.BlockStart);

    public long Bytes => Pack.Bytes + DirFirstId.Length * 32L;
}
