namespace GoTrace.Analysis;

/// <summary>
/// Goroutine ID → a consumer's dense index (0, 1, 2, … in order of first sight), for traces with up to millions of
/// goroutines. Go numbers goroutines from 1 up, so the IDs are dense: an array covers them up to four IDs per
/// goroutine seen (at least 2^20 IDs, at most 2^25: 128 MiB), a dictionary takes the others, and <see cref="Seal"/>
/// turns that dictionary into a sorted array once nothing is added any more. A map growing by doubling held both
/// copies at each growth and left the old ones to the collector (hundreds of MB for 4.9 M goroutines).
/// </summary>
internal sealed class GoroutineIdIndex
{
    private const long MinDense = 1L << 20, MaxDense = 1L << 25;
    private int[] _dense = new int[4096];   // ID -> index + 1; 0 = absent
    private readonly Dictionary<long, int> _sparse = [];
    private long[]? _sealedIds;
    private int[]? _sealedIndex;
    private int _count;

    /// <summary>Number of IDs added.</summary>
    public int Count => _count;

    /// <summary>The index of <paramref name="id"/>, or -1.</summary>
    public int Find(long id)
    {
        if ((ulong)id < (ulong)_dense.Length) return _dense[id] - 1;
        if (_sealedIds is { } ids)
        {
            int k = Array.BinarySearch(ids, id);
            return k >= 0 ? _sealedIndex![k] : -1;
        }
        return _sparse.TryGetValue(id, out int i) ? i : -1;
    }

    /// <summary>Maps <paramref name="id"/> to <paramref name="index"/> (a new ID, or a new index for a known one).</summary>
    public void Set(long id, int index)
    {
        if (_sealedIds is not null) throw new InvalidOperationException("the index is sealed");
        if (Find(id) < 0) _count++;
        long dense = Math.Min(MaxDense, Math.Max(MinDense, 4L * _count));
        if ((ulong)id < (ulong)_dense.Length || (ulong)id < (ulong)dense)
        {
            if ((ulong)id >= (ulong)_dense.Length) Grow(id, dense);
            _dense[id] = index + 1;
        }
        else _sparse[id] = index;
    }

    /// <summary>Makes the array cover <paramref name="id"/> and moves there the IDs it now covers from the dictionary.</summary>
    private void Grow(long id, long limit)
    {
        int len = (int)Math.Min(limit, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)id + 1));
        Array.Resize(ref _dense, len);
        if (_sparse.Count == 0) return;
        List<long>? moved = null;
        foreach (var (k, v) in _sparse)
        {
            if ((ulong)k >= (ulong)len) continue;
            _dense[k] = v + 1;
            (moved ??= []).Add(k);
        }
        if (moved is not null) foreach (var k in moved) _sparse.Remove(k);
    }

    /// <summary>No more additions: the IDs outside the array go into a sorted array (12 bytes each instead of about 30).</summary>
    public void Seal()
    {
        if (_sealedIds is not null) return;
        var ids = new long[_sparse.Count];
        var index = new int[_sparse.Count];
        int n = 0;
        foreach (var (id, i) in _sparse)
        {
            ids[n] = id;
            index[n++] = i;
        }
        Array.Sort(ids, index);
        _sealedIds = ids;
        _sealedIndex = index;
        _sparse.Clear();
        _sparse.TrimExcess();
    }
}
