namespace GoTrace.Analysis.Timeline;

/// <summary>Where encoders put finished blocks.</summary>
internal interface IBlockSink
{
    void AddBlock(int stream, long start, long firstRaw, int count, ReadOnlySpan<byte> bytes);
}

/// <summary>
/// Streams of time-ordered records, encoded in blocks of at most <see cref="BlockItems"/> records in one
/// <see cref="ByteArena"/>, with a block index per stream (start time of the block's first record, arena offset, raw
/// index of its first record, record count). A record always begins with its time delta from the previous record of
/// the block (the first record's delta is 0: its time is the block's start), so a seek is a binary search over the
/// stream's blocks and a scan of at most one block.
/// <para>
/// While the pass runs, blocks of all streams arrive interleaved; <see cref="Freeze"/> groups them by stream. Streams
/// created after that (pyramid levels, lanes) append their blocks contiguously.
/// </para>
/// </summary>
internal sealed class RecordStore : IBlockSink
{
    public const int BlockItems = 128;

    public readonly ByteArena Arena = new();

    private struct BuildBlock
    {
        public int Stream, Count;
        public long Start, FirstRaw, Offset;
    }

    private ChunkedList<BuildBlock>? _build = new(); // chunked: growing never copies
    private bool _frozen;

    // Frozen index: blocks sorted by stream, then time.
    public long[] BStart = [], BOffset = [];
    public int[] BFirstRaw = [];
    public byte[] BCount = [];
    public int Blocks;

    // Per stream: first block and number of blocks.
    public int[] SFirst = new int[64], SCount = new int[64];
    public int Streams;

    public int NewStream()
    {
        if (Streams == SFirst.Length)
        {
            Array.Resize(ref SFirst, Streams * 2);
            Array.Resize(ref SCount, Streams * 2);
        }
        SFirst[Streams] = _frozen ? Blocks : 0;
        SCount[Streams] = 0;
        return Streams++;
    }

    /// <summary>Stores one encoded block of <paramref name="stream"/>.</summary>
    public void AddBlock(int stream, long start, long firstRaw, int count, ReadOnlySpan<byte> bytes)
    {
        long off = Arena.Append(bytes);
        if (!_frozen)
        {
            ref var b = ref _build!.AddRef();
            b.Stream = stream;
            b.Count = count;
            b.Start = start;
            b.FirstRaw = firstRaw;
            b.Offset = off;
            return;
        }
        // After the freeze, a stream's blocks must arrive together, the stream being the newest one.
        if (SCount[stream] > 0 && SFirst[stream] + SCount[stream] != Blocks) throw new InvalidOperationException("non-contiguous stream");
        if (SCount[stream] == 0) SFirst[stream] = Blocks;
        EnsureBlocks(Blocks + 1);
        BStart[Blocks] = start;
        BOffset[Blocks] = off;
        BFirstRaw[Blocks] = checked((int)firstRaw);
        BCount[Blocks] = (byte)count;
        Blocks++;
        SCount[stream]++;
    }

    private void EnsureBlocks(int n)
    {
        if (n <= BStart.Length) return;
        int cap = Math.Max(n, Math.Max(1024, BStart.Length * 2));
        Array.Resize(ref BStart, cap);
        Array.Resize(ref BOffset, cap);
        Array.Resize(ref BFirstRaw, cap);
        Array.Resize(ref BCount, cap);
    }

    /// <summary>Groups the blocks written so far by stream (a stable counting sort: time order within a stream is kept).</summary>
    public void Freeze()
    {
        if (_frozen) return;
        _frozen = true;
        var build = _build!;
        int n = checked((int)build.Count);
        Array.Clear(SCount, 0, Streams);
        for (int i = 0; i < n; i++) SCount[build[i].Stream]++;
        int acc = 0;
        for (int s = 0; s < Streams; s++)
        {
            SFirst[s] = acc;
            acc += SCount[s];
        }
        EnsureBlocks(n);
        var next = new int[Streams];
        for (int s = 0; s < Streams; s++) next[s] = SFirst[s];
        for (int i = 0; i < n; i++)
        {
            ref var b = ref build[i];
            int k = next[b.Stream]++;
            BStart[k] = b.Start;
            BOffset[k] = b.Offset;
            BFirstRaw[k] = checked((int)b.FirstRaw);
            BCount[k] = (byte)b.Count;
        }
        Blocks = n;
        _build = null;
    }

    /// <summary>Releases spare capacity once everything is written.</summary>
    public void Trim()
    {
        Arena.Trim();
        Array.Resize(ref BStart, Blocks);
        Array.Resize(ref BOffset, Blocks);
        Array.Resize(ref BFirstRaw, Blocks);
        Array.Resize(ref BCount, Blocks);
        Array.Resize(ref SFirst, Streams);
        Array.Resize(ref SCount, Streams);
    }

    /// <summary>Index of the last block of <paramref name="stream"/> whose start is ≤ <paramref name="time"/> (the first block if none).</summary>
    public int FindBlock(int stream, long time)
    {
        int lo = SFirst[stream], hi = lo + SCount[stream] - 1;
        if (hi < lo) return -1;
        if (BStart[lo] > time) return lo;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (BStart[mid] <= time) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Bytes of index held (for memory reports).</summary>
    public long IndexBytes => (long)BStart.Length * 21 + (long)SFirst.Length * 8;
}
