namespace GoTrace.Analysis;

/// <summary>
/// An append-only list of structs stored in fixed-size chunks: growing never copies, and memory stays proportional
/// to the count (a <see cref="List{T}"/> of millions of elements doubles and copies, holding both arrays at once).
/// </summary>
public sealed class ChunkedList<T> where T : struct
{
    private readonly int Shift, ChunkSize, Mask;
    private readonly List<T[]> _chunks = [];

    /// <summary>Creates an empty list whose chunks hold 2^<paramref name="chunkShift"/> elements.</summary>
    public ChunkedList(int chunkShift = 16)
    {
        if (chunkShift is < 4 or > 24) throw new ArgumentOutOfRangeException(nameof(chunkShift));
        Shift = chunkShift;
        ChunkSize = 1 << chunkShift;
        Mask = ChunkSize - 1;
    }

    /// <summary>Number of elements.</summary>
    public long Count { get; private set; }

    /// <summary>Appends a default element and returns a reference to it.</summary>
    public ref T AddRef()
    {
        int c = (int)(Count >> Shift), i = (int)(Count & Mask);
        if (c == _chunks.Count) _chunks.Add(new T[ChunkSize]);
        Count++;
        return ref _chunks[c][i];
    }

    /// <summary>Appends <paramref name="item"/>.</summary>
    public void Add(in T item) => AddRef() = item;

    /// <summary>Element <paramref name="index"/>.</summary>
    public ref T this[long index]
    {
        get
        {
            if ((ulong)index >= (ulong)Count) throw new ArgumentOutOfRangeException(nameof(index));
            return ref _chunks[(int)(index >> Shift)][(int)(index & Mask)];
        }
    }

    /// <summary>Drops every element from <paramref name="count"/> on.</summary>
    public void Truncate(long count)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
        int keep = (int)((count + Mask) >> Shift);
        if (keep < _chunks.Count) _chunks.RemoveRange(keep, _chunks.Count - keep);
    }

    /// <summary>The elements in order, chunk by chunk.</summary>
    public IEnumerable<ReadOnlyMemory<T>> Chunks()
    {
        long left = Count;
        foreach (var c in _chunks)
        {
            if (left <= 0) yield break;
            int n = (int)Math.Min(left, ChunkSize);
            yield return new ReadOnlyMemory<T>(c, 0, n);
            left -= n;
        }
    }
}
