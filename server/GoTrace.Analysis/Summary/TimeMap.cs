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
    private long[] _values;
    private bool[] _present;

    public TimeMap(int capacity = 4)
    {
        _values = new long[Math.Max(capacity, 1)];
        _present = new bool[_values.Length];
    }

    private TimeMap(long[] values, bool[] present)
    {
        _values = values;
        _present = present;
    }

    /// <summary>Slots (not all present).</summary>
    public int Length => _values.Length;

    public bool Has(int k) => (uint)k < (uint)_present.Length && _present[k];

    /// <summary>The value, 0 when absent (as a Go map read).</summary>
    public long Get(int k) => (uint)k < (uint)_values.Length ? _values[k] : 0;

    /// <summary><c>m[k] += d</c> (creates the key).</summary>
    public void Add(int k, long d)
    {
        if ((uint)k >= (uint)_values.Length) Grow(k);
        _values[k] += d;
        _present[k] = true;
    }

    /// <summary><c>m[k] = v</c>.</summary>
    public void Set(int k, long v)
    {
        if ((uint)k >= (uint)_values.Length) Grow(k);
        _values[k] = v;
        _present[k] = true;
    }

    /// <summary><c>delete(m, k)</c>.</summary>
    public void Remove(int k)
    {
        if ((uint)k >= (uint)_values.Length) return;
        _values[k] = 0;
        _present[k] = false;
    }

    public void Clear()
    {
        Array.Clear(_values);
        Array.Clear(_present);
    }

    public bool IsEmpty
    {
        get
        {
            foreach (bool p in _present) if (p) return false;
            return true;
        }
    }

    public TimeMap Clone() => new((long[])_values.Clone(), (bool[])_present.Clone());

    private void Grow(int k)
    {
        int n = Math.Max(k + 1, _values.Length * 2);
        Array.Resize(ref _values, n);
        Array.Resize(ref _present, n);
    }

    /// <summary>The present keys and values as a string-keyed dictionary.</summary>
    public Dictionary<string, long> ToDictionary(NameTable names)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < _present.Length; i++)
        {
            if (_present[i]) d[names[i]] = _values[i];
        }
        return d;
    }
}
