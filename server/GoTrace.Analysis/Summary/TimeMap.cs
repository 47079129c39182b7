namespace GoTrace.Analysis.Summary;

/// <summary>
/// Interned names (block reasons, range names) of one summary: index ↔ string. Indices are dense and stable, so
/// per-goroutine maps are arrays indexed by them instead of string-keyed dictionaries.
/// </summary>
internal sealed class NameTable
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _names.Count;

    public string this[int i] => _names[i];

    public int Intern(string name)
    {
        if (_index.TryGetValue(name, out int i)) return i;
        i = _names.Count;
        _names.Add(name);
        _index.Add(name, i);
        return i;
    }
}

/// <summary>
/// A Go <c>map[string]time.Duration</c> (or <c>map[string]Time</c>) keyed by <see cref="NameTable"/> indices.
/// Presence is tracked separately from the value because Go's pages show a key even when its value is 0
/// (e.g. a "Block time ()" column), and a present key with value 0 differs from a missing one in Go's range logic.
/// </summary>
internal sealed class TimeMap
{
    // Sparse: a goroutine or region meets few reasons and ranges, and a trace may hold millions of these maps. The
    // first entry lives in fields (most maps have at most one), the others in the arrays at index − 1.
    private int _k0;
    private long _v0;
    private int[] _keys;
    private long[] _vals;
    private int _n;

    public TimeMap()
    {
        _keys = [];
        _vals = [];
    }

    private ref long ValAt(int i) => ref i == 0 ? ref _v0 : ref _vals[i - 1];

    private int KeyAt(int i) => i == 0 ? _k0 : _keys[i - 1];

    /// <summary>One more than the largest present key (iterate 0..Length with <see cref="Has"/>).</summary>
    public int Length
    {
        get
        {
            int max = -1;
            for (int i = 0; i < _n; i++) max = Math.Max(max, KeyAt(i));
            return max + 1;
        }
    }

    private int IndexOf(int k)
    {
        if (_n == 0) return -1;
        if (_k0 == k) return 0;
        for (int i = 1; i < _n; i++)
        {
            if (_keys[i - 1] == k) return i;
        }
        return -1;
    }

    public bool Has(int k) => IndexOf(k) >= 0;

    /// <summary>The present keys (in no particular order).</summary>
    public int[] Keys
    {
        get
        {
            var keys = new int[_n];
            for (int i = 0; i < _n; i++) keys[i] = KeyAt(i);
            return keys;
        }
    }

    /// <summary>The value, 0 when absent (as a Go map read).</summary>
    public long Get(int k)
    {
        int i = IndexOf(k);
        return i >= 0 ? ValAt(i) : 0;
    }

    private int Slot(int k)
    {
        int i = IndexOf(k);
        if (i >= 0) return i;
        if (_n == 0)
        {
            _k0 = k;
            _v0 = 0;
            return _n++;
        }
        if (_n - 1 == _keys.Length)
        {
            int cap = Math.Max(2, _keys.Length * 2);
            Array.Resize(ref _keys, cap);
            Array.Resize(ref _vals, cap);
        }
        _keys[_n - 1] = k;
        _vals[_n - 1] = 0;
        return _n++;
    }

    /// <summary><c>m[k] += d</c> (creates the key).</summary>
    public void Add(int k, long d)
    {
        int i = Slot(k);   // first: it may replace _vals
        ValAt(i) += d;
    }

    /// <summary><c>m[k] = v</c>.</summary>
    public void Set(int k, long v)
    {
        int i = Slot(k);
        ValAt(i) = v;
    }

    /// <summary><c>delete(m, k)</c>.</summary>
    public void Remove(int k)
    {
        int i = IndexOf(k);
        if (i < 0) return;
        int last = _n - 1;
        if (i != last)
        {
            // The last entry takes the removed one's place.
            int lk = KeyAt(last);
            long lv = ValAt(last);
            if (i == 0) _k0 = lk;
            else _keys[i - 1] = lk;
            ValAt(i) = lv;
        }
        _n--;
    }

    public void Clear() => _n = 0;

    public bool IsEmpty => _n == 0;

    public TimeMap Clone() => new()
    {
        _k0 = _k0, _v0 = _v0, _n = _n,
        _keys = _n > 1 ? _keys[..(_n - 1)] : [], _vals = _n > 1 ? _vals[..(_n - 1)] : [],
    };

    /// <summary>The present keys and values as a string-keyed dictionary.</summary>
    public Dictionary<string, long> ToDictionary(NameTable names)
    {
        // In key order, as the dense arrays this replaced gave them.
        var order = new int[_n];
        for (int i = 0; i < _n; i++) order[i] = i;
        Array.Sort(order, (a, b) => KeyAt(a).CompareTo(KeyAt(b)));
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (int i in order) d[names[KeyAt(i)]] = ValAt(i);
        return d;
    }
}
