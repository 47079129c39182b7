using System.Runtime.CompilerServices;

namespace GoTrace.Format;

/// <summary>Values by small non-negative ID (proc IDs): an array for IDs below 4096, a dictionary for anything else.</summary>
internal sealed class SmallIdMap<T> where T : class
{
    private const int Dense = 4096;
    private T?[] _dense = new T?[64];
    private readonly Dictionary<long, T> _sparse = [];

    public bool TryGetValue(long id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        if ((ulong)id < (ulong)_dense.Length)
        {
            value = _dense[id];
            return value is not null;
        }
        if ((ulong)id < Dense)
        {
            value = null;
            return false;
        }
        return _sparse.TryGetValue(id, out value);
    }

    public void Add(long id, T value)
    {
        if ((ulong)id < Dense)
        {
            if (id >= _dense.Length) Array.Resize(ref _dense, Math.Min(Dense, Math.Max((int)id + 1, _dense.Length * 2)));
            _dense[id] = value;
        }
        else
        {
            _sparse[id] = value;
        }
    }
}

/// <summary>An inconsistency found by the ordering; the reader wraps it into a <see cref="TraceFormatException"/>.</summary>
internal sealed class OrderingException(string reason) : Exception(reason);

/// <summary>Growable FIFO ring buffer of events (Go's <c>queue[Event]</c>); capacity is a power of two.</summary>
internal sealed class EventQueue
{
    private Event[] _buf = new Event[16];
    private int _start, _count;

    public int Count => _count;

    public ref Event PushRef()
    {
        if (_count == _buf.Length)
        {
            var n = new Event[_buf.Length * 2];
            for (int i = 0; i < _count; i++) n[i] = _buf[(_start + i) & (_buf.Length - 1)];
            _buf = n;
            _start = 0;
        }
        return ref _buf[(_start + _count++) & (_buf.Length - 1)];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPop(out Event ev)
    {
        if (_count == 0)
        {
            Unsafe.SkipInit(out ev);
            return false;
        }
        ref var slot = ref _buf[_start];
        ev = slot;
        slot.Generation = null; // do not keep old generations alive
        _start = (_start + 1) & (_buf.Length - 1);
        _count--;
        return true;
    }
}

/// <summary>
/// Open-addressing hash map from 64-bit IDs (goroutine IDs) to objects: one probe sequence, no per-entry
/// allocation, deletion by backward shift.
/// </summary>
internal sealed class LongMap<T> where T : class
{
    private long[] _keys = new long[256];
    private T?[] _values = new T?[256];
    private int _count;

    private static int Hash(long key, int mask)
    {
        ulong h = (ulong)key * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 40) & mask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(long key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        int mask = _keys.Length - 1;
        for (int i = Hash(key, mask); ; i = (i + 1) & mask)
        {
            var v = _values[i];
            if (v is null)
            {
                value = null;
                return false;
            }
            if (_keys[i] == key)
            {
                value = v;
                return true;
            }
        }
    }

    public bool ContainsKey(long key) => TryGetValue(key, out _);

    public T this[long key]
    {
        set
        {
            if ((_count + 1) * 2 > _keys.Length) Grow();
            int mask = _keys.Length - 1;
            for (int i = Hash(key, mask); ; i = (i + 1) & mask)
            {
                if (_values[i] is null)
                {
                    _keys[i] = key;
                    _values[i] = value;
                    _count++;
                    return;
                }
                if (_keys[i] == key)
                {
                    _values[i] = value;
                    return;
                }
            }
        }
    }

    public bool Remove(long key)
    {
        int mask = _keys.Length - 1;
        int i = Hash(key, mask);
        while (true)
        {
            if (_values[i] is null) return false;
            if (_keys[i] == key) break;
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps every remaining key reachable from its home slot.
        int hole = i;
        for (int j = (i + 1) & mask; _values[j] is not null; j = (j + 1) & mask)
        {
            int home = Hash(_keys[j], mask);
            // Move the entry into the hole unless its home lies cyclically after the hole (it would become unreachable).
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                _keys[hole] = _keys[j];
                _values[hole] = _values[j];
                hole = j;
            }
        }
        _values[hole] = null;
        _keys[hole] = 0;
        _count--;
        return true;
    }

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        _keys = new long[keys.Length * 2];
        _values = new T?[keys.Length * 2];
        _count = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (values[i] is { } v) this[keys[i]] = v;
        }
    }
}
