using System.Runtime.CompilerServices;

namespace GoTrace.Format.Legacy;

/// <summary>
/// Map from a 64-bit key (goroutine IDs) to a struct value, with in-place access by reference: directly indexed
/// chunks for the keys below a limit (goroutine IDs are assigned from 1 upwards), an open-addressing hash table for the
/// rest. The limit grows with the count, in powers of two, to four keys per entry (at least 2^18, at most 2^26), and
/// the hashed keys it comes to cover move into the chunks: a trace of millions of goroutines keeps them all in chunks
/// (a hash table at half load, doubling, held 640 MB per map for 6.9 M goroutines and left as much to the collector).
/// The analyses (blocking collector, summarizer) use it too, as their goroutine-ID index.
/// PERF: the legacy passes look up goroutine state several times per event; this is several times cheaper than
/// <see cref="Dictionary{TKey, TValue}"/>, and value refs avoid a second lookup for the write. A reference returned by
/// <see cref="GetOrAdd"/> or <see cref="Find"/> is valid until the next <see cref="GetOrAdd"/> or <see cref="Remove"/>.
/// </summary>
internal sealed class ULongMap<T> where T : struct
{
    private struct Entry
    {
        public ulong Key;
        public bool Used;
        public T Value;
    }

    private struct Slot
    {
        public bool Used;
        public T Value;
    }

    private const int ChunkShift = 12, ChunkSize = 1 << ChunkShift, ChunkMask = ChunkSize - 1;
    private const long MinDense = 1L << 18, MaxDense = 1L << 26;
    private long _denseLimit = MinDense;
    private Slot[]?[] _chunks = new Slot[]?[MinDense >> ChunkShift];
    private Entry[] _e;
    private int _count, _hashCount, _shift;

    public ULongMap(int capacityLog2 = 4)
    {
        _e = new Entry[1 << capacityLog2];
        _shift = 64 - capacityLog2;
    }

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>The value of <paramref name="key"/>, or a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Find(ulong key)
    {
        if (key < (ulong)_denseLimit)
        {
            var chunk = _chunks[(int)(key >> ChunkShift)];
            if (chunk is not null)
            {
                ref var d = ref chunk[(int)key & ChunkMask];
                if (d.Used) return ref d.Value;
            }
            return ref Unsafe.NullRef<T>();
        }
        return ref FindHashed(key);
    }

    private ref T FindHashed(ulong key)
    {
        var e = _e;
        int mask = e.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref var s = ref e[i];
            if (!s.Used) return ref Unsafe.NullRef<T>();
            if (s.Key == key) return ref s.Value;
        }
    }

    /// <summary>The value of <paramref name="key"/> (or default).</summary>
    public T Get(ulong key)
    {
        ref var v = ref Find(key);
        return Unsafe.IsNullRef(ref v) ? default : v;
    }

    public bool ContainsKey(ulong key) => !Unsafe.IsNullRef(ref Find(key));

    /// <summary>The value of <paramref name="key"/>, added as default if absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T GetOrAdd(ulong key)
    {
        if (key < (ulong)_denseLimit)
        {
            var chunk = _chunks[(int)(key >> ChunkShift)];
            if (chunk is not null)
            {
                ref var d = ref chunk[(int)key & ChunkMask];
                if (!d.Used)
                {
                    d.Used = true;
                    _count++;
                }
                return ref d.Value;
            }
        }
        return ref GetOrAddSlow(key);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref T GetOrAddSlow(ulong key)
    {
        if (key >= (ulong)_denseLimit)
        {
            long want = Math.Min(MaxDense, (long)System.Numerics.BitOperations.RoundUpToPowerOf2(4UL * (ulong)(_count + 1)));
            if (want > _denseLimit && key < (ulong)want) RaiseLimit(want);
        }
        if (key < (ulong)_denseLimit)
        {
            ref var chunk = ref _chunks[(int)(key >> ChunkShift)];
            chunk ??= new Slot[ChunkSize];
            ref var d = ref chunk[(int)key & ChunkMask];
            if (!d.Used)
            {
                d.Used = true;
                _count++;
            }
            return ref d.Value;
        }
        var e = _e;
        int mask = e.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref var s = ref e[i];
            if (s.Used)
            {
                if (s.Key == key) return ref s.Value;
                continue;
            }
            if ((_hashCount + 1) * 2 > e.Length)
            {
                Grow();
                return ref GetOrAddSlow(key);
            }
            s.Used = true;
            s.Key = key;
            s.Value = default;
            _hashCount++;
            _count++;
            return ref s.Value;
        }
    }

    /// <summary>Extends the chunks to the keys below <paramref name="limit"/> and moves those keys out of the hash table.</summary>
    private void RaiseLimit(long limit)
    {
        Array.Resize(ref _chunks, (int)(limit >> ChunkShift));
        _denseLimit = limit;
        if (_hashCount == 0) return;
        var old = _e;
        _e = new Entry[old.Length];
        _hashCount = 0;
        int mask = _e.Length - 1;
        foreach (ref var s in old.AsSpan())
        {
            if (!s.Used) continue;
            if (s.Key < (ulong)limit)
            {
                ref var chunk = ref _chunks[(int)(s.Key >> ChunkShift)];
                chunk ??= new Slot[ChunkSize];
                chunk[(int)s.Key & ChunkMask] = new Slot { Used = true, Value = s.Value };
                continue;
            }
            int i = Home(s.Key);
            while (_e[i].Used) i = (i + 1) & mask;
            _e[i] = s;
            _hashCount++;
        }
    }

    private void Grow()
    {
        var old = _e;
        _e = new Entry[old.Length * 2];
        _shift--;
        int mask = _e.Length - 1;
        foreach (ref var s in old.AsSpan())
        {
            if (!s.Used) continue;
            int i = Home(s.Key);
            while (_e[i].Used) i = (i + 1) & mask;
            _e[i] = s;
        }
    }

    /// <summary>Removes <paramref name="key"/> (in the hash table by backward-shift deletion, no tombstones).</summary>
    public bool Remove(ulong key)
    {
        if (key < (ulong)_denseLimit)
        {
            var chunk = _chunks[(int)(key >> ChunkShift)];
            if (chunk is null || !chunk[(int)key & ChunkMask].Used) return false;
            chunk[(int)key & ChunkMask] = default;
            _count--;
            return true;
        }
        var e = _e;
        int mask = e.Length - 1;
        int i = Home(key);
        while (true)
        {
            if (!e[i].Used) return false;
            if (e[i].Key == key) break;
            i = (i + 1) & mask;
        }
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            if (!e[j].Used) break;
            int k = Home(e[j].Key);
            // Move e[j] into the hole at i unless its home lies cyclically in (i, j].
            bool stays = i <= j ? i < k && k <= j : i < k || k <= j;
            if (stays) continue;
            e[i] = e[j];
            i = j;
        }
        e[i] = default;
        _count--;
        _hashCount--;
        return true;
    }
}

/// <summary>
/// Map keyed by a P ID: an array for the small IDs the runtime uses (−1 and up), a dictionary for the rest (the
/// fake Ps 1000000+ and corrupt values).
/// </summary>
internal sealed class ProcMap<T> where T : struct
{
    private const int Dense = 1024;
    private readonly T[] _values = new T[Dense + 1];
    private readonly bool[] _present = new bool[Dense + 1];
    private Dictionary<long, T>? _other;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDense(long p) => (ulong)(p + 1) <= Dense;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(long p, out T value)
    {
        if (IsDense(p))
        {
            int i = (int)(p + 1);
            value = _values[i];
            return _present[i];
        }
        if (_other is not null && _other.TryGetValue(p, out value)) return true;
        value = default;
        return false;
    }

    public T Get(long p) => TryGetValue(p, out var v) ? v : default;

    /// <summary>The value of <paramref name="p"/>, added as default if absent; valid until the next change of the map.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T GetOrAdd(long p)
    {
        if (IsDense(p))
        {
            int i = (int)(p + 1);
            _present[i] = true;
            return ref _values[i];
        }
        return ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_other ??= [], p, out _);
    }
}

/// <summary>Membership of stack IDs: a bitmap for the dense IDs the runtime assigns, a set for the rest.</summary>
internal sealed class StackIdSet
{
    private const uint DenseLimit = 1 << 24;
    private readonly ulong[] _bits;
    private readonly HashSet<uint>? _other;

    public StackIdSet(IEnumerable<uint> ids)
    {
        uint max = 0;
        foreach (uint id in ids)
            if (id < DenseLimit && id > max) max = id;
        _bits = new ulong[max / 64 + 1];
        foreach (uint id in ids)
        {
            if (id < DenseLimit) _bits[id >> 6] |= 1UL << (int)(id & 63);
            else (_other ??= []).Add(id);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(uint id)
    {
        uint w = id >> 6;
        if (w < (uint)_bits.Length) return (_bits[w] & (1UL << (int)(id & 63))) != 0;
        return _other is not null && _other.Contains(id);
    }
}

/// <summary>
/// The converter's per-P facts: the thread a P runs on (while it runs) and whether the P was seen. Dense arrays
/// for the small P IDs, dictionaries for the rest. (Not generic: PERF, generic instantiations over primitive types
/// are not precompiled and start in unoptimized code.)
/// </summary>
internal sealed class ProcThreads
{
    private const int Dense = 1024;
    private readonly long[] _thread = new long[Dense + 1];
    private readonly bool[] _running = new bool[Dense + 1];
    private readonly bool[] _seen = new bool[Dense + 1];
    private Dictionary<long, long>? _otherThread;
    private HashSet<long>? _otherSeen;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDense(long p) => (ulong)(p + 1) <= Dense;

    /// <summary>P <paramref name="p"/> now runs on thread <paramref name="m"/>.</summary>
    public void SetThread(long p, long m)
    {
        if (IsDense(p))
        {
            _thread[p + 1] = m;
            _running[p + 1] = true;
        }
        else (_otherThread ??= [])[p] = m;
    }

    /// <summary>The thread of <paramref name="p"/>, if it has one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetThread(long p, out long m)
    {
        if (IsDense(p))
        {
            m = _thread[p + 1];
            return _running[p + 1];
        }
        m = 0;
        return _otherThread is not null && _otherThread.TryGetValue(p, out m);
    }

    /// <summary>P <paramref name="p"/> stopped: it has no thread.</summary>
    public void RemoveThread(long p)
    {
        if (IsDense(p))
        {
            _thread[p + 1] = 0;
            _running[p + 1] = false;
        }
        else _otherThread?.Remove(p);
    }

    /// <summary>Marks <paramref name="p"/> as seen; whether it had been seen before.</summary>
    public bool See(long p)
    {
        if (IsDense(p))
        {
            bool was = _seen[p + 1];
            _seen[p + 1] = true;
            return was;
        }
        return !(_otherSeen ??= []).Add(p);
    }
}
