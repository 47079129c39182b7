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
    // Sparse: a goroutine or region meets few reasons and ranges, and a trace may hold millions of these maps.
    private int[] _keys;
    private long[] _vals;
    private int _n;

    public TimeMap(int capacity = 0)
    {
        _keys = capacity > 0 ? new int[capacity] : [];
        _vals = capacity > 0 ? new long[capacity] : [];
    }

    private TimeMap(int[] keys, long[] vals, int n)
    {
        _keys = keys;
        _vals = vals;
        _n = n;
    }

    /// <summary>One more than the largest present key (iterate 0..Length with <see cref="Has"/>).</summary>
    public int Length
    {
        get
        {
            int max = -1;
            for (int i = 0; i < _n; i++) max = Math.Max(max, _keys[i]);
            return max + 1;
        }
    }

    private int IndexOf(int k)
    {
        for (int i = 0; i < _n; i++)
        {
            if (_keys[i] == k) return i;
        }
        return -1;
    }

    public bool Has(int k) => IndexOf(k) >= 0;

    /// <summary>The present keys (in no particular order).</summary>
    public ReadOnlySpan<int> Keys => _keys.AsSpan(0, _n);

    /// <summary>The value, 0 when absent (as a Go map read).</summary>
    public long Get(int k)
    {
        int i = IndexOf(k);
        return i >= 0 ? _vals[i] : 0;
    }

    private int Slot(int k)
    {
        int i = IndexOf(k);
        if (i >= 0) return i;
        if (_n == _keys.Length)
        {
            int cap = Math.Max(2, _n * 2);
            Array.Resize(ref _keys, cap);
            Array.Resize(ref _vals, cap);
        }
        _keys[_n] = k;
        _vals[_n] = 0;
        return _n++;
    }

    /// <summary><c>m[k] += d</c> (creates the key).</summary>
    public void Add(int k, long d)
    {
        int i = Slot(k);   // first: it may replace _vals
        _vals[i] += d;
    }

    /// <summary><c>m[k] = v</c>.</summary>
    public void Set(int k, long v)
    {
        int i = Slot(k);
        _vals[i] = v;
    }

    /// <summary><c>delete(m, k)</c>.</summary>
    public void Remove(int k)
    {
        int i = IndexOf(k);
        if (i < 0) return;
        _n--;
        _keys[i] = _keys[_n];
        _vals[i] = _vals[_n];
    }

    public void Clear() => _n = 0;

    public bool IsEmpty => _n == 0;

    public TimeMap Clone() => _n == 0 ? new TimeMap() : new(_keys[.._n], _vals[.._n], _n);

    /// <summary>The present keys and values as a string-keyed dictionary.</summary>
    public Dictionary<string, long> ToDictionary(NameTable names)
    {
        // In key order, as the dense arrays this replaced gave them.
        var order = new int[_n];
        for (int i = 0; i < _n; i++) order[i] = i;
        Array.Sort(order, (a, b) => _keys[a].CompareTo(_keys[b]));
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (int i in order) d[names[_keys[i]]] = _vals[i];
        return d;
    }
}
