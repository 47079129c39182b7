using System.Runtime.CompilerServices;
using GoTrace.Format;

namespace GoTrace.Analysis.Timeline;

/// <summary>Open-addressing map from a 64-bit ID to a dense index (goroutines, threads, procs); no allocation per lookup.</summary>
internal sealed class LongIntMap
{
    private long[] _keys = new long[64];
    private int[] _vals = new int[64];
    private bool[] _used = new bool[64];
    private int _count;

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(long k)
    {
        ulong h = (ulong)k * 0x9E3779B97F4A7C15UL;
        return (int)(h >> 33);
    }

    public bool TryGet(long key, out int value)
    {
        int mask = _keys.Length - 1;
        for (int i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            if (!_used[i])
            {
                value = -1;
                return false;
            }
            if (_keys[i] == key)
            {
                value = _vals[i];
                return true;
            }
        }
    }

    public void Set(long key, int value)
    {
        if ((_count + 1) * 2 > _keys.Length) Grow();
        int mask = _keys.Length - 1;
        for (int i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            if (!_used[i])
            {
                _used[i] = true;
                _keys[i] = key;
                _vals[i] = value;
                _count++;
                return;
            }
            if (_keys[i] == key)
            {
                _vals[i] = value;
                return;
            }
        }
    }

    /// <summary>Removes <paramref name="key"/> if present (backward-shift deletion: no tombstones).</summary>
    public bool Remove(long key)
    {
        int mask = _keys.Length - 1;
        int i = Hash(key) & mask;
        while (true)
        {
            if (!_used[i]) return false;
            if (_keys[i] == key) break;
            i = (i + 1) & mask;
        }
        // Shift back the entries of the run after i that may not stay behind the hole.
        int hole = i;
        for (int j = (i + 1) & mask; _used[j]; j = (j + 1) & mask)
        {
            int home = Hash(_keys[j]) & mask;
            // The entry at j may move to the hole if its home is not in (hole, j] (cyclically).
            bool between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (between) continue;
            _keys[hole] = _keys[j];
            _vals[hole] = _vals[j];
            hole = j;
        }
        _used[hole] = false;
        _count--;
        return true;
    }

    private void Grow()
    {
        var (k, v, u) = (_keys, _vals, _used);
        _keys = new long[k.Length * 2];
        _vals = new int[k.Length * 2];
        _used = new bool[k.Length * 2];
        _count = 0;
        for (int i = 0; i < k.Length; i++)
        {
            if (u[i]) Set(k[i], v[i]);
        }
    }
}

/// <summary>
/// Interned strings of the timeline (reasons, names, messages): one ID per distinct string for the whole trace, ID 0
/// = "". Event strings are cached per (generation, string ID), so a string is decoded once per generation.
/// </summary>
internal sealed class StringTable
{
    private readonly List<string> _list = [""];
    private readonly Dictionary<string, int> _map = new(StringComparer.Ordinal) { [""] = 0 };
    private GenerationData? _gen;
    private int[] _dense = new int[256];
    private readonly Dictionary<ulong, int> _sparse = [];

    public int Count => _list.Count;

    public string this[int id] => (uint)id < (uint)_list.Count ? _list[id] : "";

    public int Intern(string s)
    {
        if (_map.TryGetValue(s, out int id)) return id;
        id = _list.Count;
        _list.Add(s);
        _map.Add(s, id);
        return id;
    }

    public int Find(string s) => _map.TryGetValue(s, out int id) ? id : -1;

    /// <summary>String <paramref name="id"/> of generation <paramref name="gen"/>, interned.</summary>
    public int OfGeneration(GenerationData? gen, ulong id)
    {
        if (id == 0 || gen is null) return 0;
        if (!ReferenceEquals(gen, _gen))
        {
            _gen = gen;
            Array.Clear(_dense);
            _sparse.Clear();
        }
        if (id < 1 << 16)
        {
            if (id >= (ulong)_dense.Length) Array.Resize(ref _dense, Math.Max(_dense.Length * 2, (int)id + 1));
            int c = _dense[id];
            if (c != 0) return c - 1;
            int s = Intern(gen.String(id));
            _dense[id] = s + 1;
            return s;
        }
        if (_sparse.TryGetValue(id, out int v)) return v;
        v = Intern(gen.String(id));
        _sparse[id] = v;
        return v;
    }

    /// <summary>IDs of every string containing <paramref name="text"/> (ordinal, ignoring case).</summary>
    public HashSet<int> Matching(string text)
    {
        var r = new HashSet<int>();
        for (int i = 0; i < _list.Count; i++)
        {
            if (_list[i].Contains(text, StringComparison.OrdinalIgnoreCase)) r.Add(i);
        }
        return r;
    }

    public long Bytes
    {
        get
        {
            long n = 0;
            foreach (var s in _list) n += 24 + 2L * s.Length + 40;
            return n;
        }
    }
}
