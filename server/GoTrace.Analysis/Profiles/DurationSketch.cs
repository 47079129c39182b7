namespace GoTrace.Analysis;

/// <summary>
/// Distribution of durations in logarithmic buckets of ratio 2^(1/32) (each bucket spans about 2.2%), so quantiles are
/// exact to within about 2.2% while memory stays a few hundred bytes whatever the count. Count, sum and max are exact.
/// Durations of at most 64 ns get one bucket per nanosecond (exact).
/// </summary>
public sealed class DurationSketch
{
    private const int Sub = 32;         // buckets per power of two
    private const int Linear = 64;      // exact buckets for 0..63 ns
    // Bucket -> count. A hash map (adding is the hot path, over millions of waits); the few readers sort the buckets.
    private readonly Dictionary<int, long> _buckets = [];

    public long Count { get; private set; }
    public long Sum { get; private set; }
    public long Max { get; private set; }
    public long Min { get; private set; } = long.MaxValue;

    public void Add(long d)
    {
        if (d < 0) d = 0;
        Count++;
        Sum += d;
        if (d > Max) Max = d;
        if (d < Min) Min = d;
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, Bucket(d), out _)++;
    }

    public void Merge(DurationSketch o)
    {
        if (o.Count == 0) return;
        Count += o.Count;
        Sum += o.Sum;
        Max = Math.Max(Max, o.Max);
        Min = Math.Min(Min, o.Min);
        foreach (var (b, n) in o._buckets)
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, b, out _) += n;
    }

    private static int Bucket(long d)
    {
        if (d < Linear) return (int)d;
        double l = Math.Log2(d) - 6; // 6 = log2(Linear)
        return Linear + (int)(l * Sub);
    }

    private KeyValuePair<int, long>[] Sorted()
    {
        var a = _buckets.ToArray();
        Array.Sort(a, (x, y) => x.Key.CompareTo(y.Key));
        return a;
    }

    /// <summary>Upper bound of bucket <paramref name="b"/> (the value reported for a quantile falling in it).</summary>
    private static long Upper(int b)
    {
        if (b < Linear) return b;
        return (long)Math.Floor(Linear * Math.Pow(2, (double)(b - Linear + 1) / Sub));
    }

    /// <summary>The <paramref name="q"/>-quantile (0..1): the smallest bucket bound below which at least q of the samples lie, capped at the exact max.</summary>
    public long Quantile(double q)
    {
        if (Count == 0) return 0;
        if (q >= 1) return Max;
        long rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        foreach (var (b, n) in Sorted())
        {
            seen += n;
            if (seen >= rank) return Math.Max(Math.Min(Upper(b), Max), Math.Min(Min, Max));
        }
        return Max;
    }
    /// <summary>
    /// The durations counted in power-of-two buckets [2^k, 2^(k+1)) ns (the first is [0, 1)), ascending, empty ones left
    /// out. Exact: the sketch's buckets nest in these (from 64 ns on, 32 of them per power of two).
    /// </summary>
    public IReadOnlyList<(long MinNs, long MaxNs, long Count)> PowerOfTwoHistogram()
    {
        var counts = new SortedDictionary<int, long>();
        foreach (var (b, n) in _buckets)
        {
            // Exponent of the bucket's lower bound.
            int k = b < Linear ? (b == 0 ? -1 : System.Numerics.BitOperations.Log2((uint)b)) : 6 + (b - Linear) / Sub;
            counts.TryGetValue(k, out long m);
            counts[k] = m + n;
        }
        return counts.Select(kv => kv.Key < 0 ? (0L, 1L, kv.Value) : (1L << kv.Key, 1L << (kv.Key + 1), kv.Value)).ToList();
    }
}
