namespace GoTrace.Analysis.Summary;

/// <summary>
/// Go's latency histogram (<c>TimeHistogram</c>, <c>src/internal/trace/traceviewer/histogram.go</c>, spec §5.3):
/// five logarithmic buckets per decade, bucket = ⌊ln(d) / ln(10^(1/5))⌋ for d &gt; 0, else 0.
/// <para>
/// Bucket indices and lower bounds come from tables computed with Go's own amd64 <c>math.Log</c> and
/// <c>math.Exp</c> (C#'s can differ in the last ulp, which moves a duration sitting on a boundary into the
/// neighbouring bucket): <see cref="Thresholds"/>[k-1] is the smallest duration Go puts in bucket k or above.
/// </para>
/// </summary>
public sealed class TimeHistogram
{
    // Smallest d (ns) with int(math.Log(float64(d))/logDiv) >= k, for k = 1..94 (Go 1.27, linux/amd64;
    // binary search over Go's own bucket function, monotonicity checked at every threshold).
    internal static readonly long[] Thresholds =
    [
        2, 3, 4, 7, 11, 16, 26, 40, 64, 101, 159, 252, 399, 631, 1001, 1585, 2512, 3982, 6310, 10001, 15849, 25119,
        39811, 63096, 100001, 158490, 251189, 398108, 630958, 1000001, 1584894, 2511887, 3981072, 6309574, 10000001,
        15848932, 25118865, 39810718, 63095735, 100000001, 158489320, 251188644, 398107171, 630957345, 1000000001,
        1584893193, 2511886432, 3981071706, 6309573445, 10000000001, 15848931925, 25118864316, 39810717056,
        63095734449, 100000000001, 158489319247, 251188643151, 398107170554, 630957344481, 1000000000001,
        1584893192462, 2511886431510, 3981071705535, 6309573444802, 10000000000001, 15848931924612, 25118864315096,
        39810717055350, 63095734448020, 100000000000001, 158489319246112, 251188643150959, 398107170553500,
        630957344480196, 1000000000000003, 1584893192461115, 2511886431509595, 3981071705534988, 6309573444801944,
        10000000000000071, 15848931924611218, 25118864315095883, 39810717055349781, 63095734448019733,
        100000000000000457, 158489319246111761, 251188643150959984, 398107170553499616, 630957344480195776,
        1000000000000002113, 1584893192461124992, 2511886431509593856, 3981071705534986497, 6309573444801942017,
    ];

    // time.Duration(math.Exp(float64(i) * logDiv)) for i = 0..95 (Go 1.27, amd64; the last overflows to MinInt64).
    internal static readonly long[] Mins =
    [
        1, 1, 2, 3, 6, 10, 15, 25, 39, 63, 100, 158, 251, 398, 630, 1000, 1584, 2511, 3981, 6309, 10000, 15848, 25118,
        39810, 63095, 100000, 158489, 251188, 398107, 630957, 1000000, 1584893, 2511886, 3981071, 6309573, 10000000,
        15848931, 25118864, 39810717, 63095734, 100000000, 158489319, 251188643, 398107170, 630957344, 1000000000,
        1584893192, 2511886431, 3981071705, 6309573444, 10000000000, 15848931924, 25118864315, 39810717055,
        63095734448, 100000000000, 158489319246, 251188643150, 398107170553, 630957344480, 1000000000000,
        1584893192461, 2511886431509, 3981071705534, 6309573444801, 10000000000000, 15848931924611, 25118864315095,
        39810717055349, 63095734448019, 100000000000000, 158489319246112, 251188643150959, 398107170553501,
        630957344480198, 1000000000000005, 1584893192461119, 2511886431509603, 3981071705535001, 6309573444801966,
        10000000000000034, 15848931924611272, 25118864315095968, 39810717055349920, 63095734448019960,
        100000000000000816, 158489319246112320, 251188643150959104, 398107170553500992, 630957344480198016,
        1000000000000005760, 1584893192461130752, 2511886431509602816, 3981071705535000576, 6309573444801965056,
        long.MinValue,
    ];

    private int[] _buckets = [];

    /// <summary>Number of samples.</summary>
    public int Count { get; private set; }

    /// <summary>Lowest bucket shown (Go's rule: a sample in bucket 0 is overwritten as minimum while MaxBucket is 0).</summary>
    public int MinBucket { get; private set; }

    /// <summary>
    /// The lowest bucket that has samples. Differs from <see cref="MinBucket"/> only through Go's quirk: samples of
    /// 0–1 ns (bucket 0) added before any longer one are dropped from the rendered rows (still in
    /// <see cref="Count"/>) because MinBucket is overwritten while MaxBucket is 0.
    /// </summary>
    public int TrueMinBucket
    {
        get
        {
            for (int i = 0; i < _buckets.Length; i++)
            {
                if (_buckets[i] > 0) return i;
            }
            return 0;
        }
    }

    /// <summary>Highest bucket with a sample.</summary>
    public int MaxBucket { get; private set; }

    /// <summary>Samples per bucket (index = bucket; may be longer than MaxBucket + 1).</summary>
    public IReadOnlyList<int> Buckets => _buckets;

    /// <summary>Bucket count of bucket <paramref name="i"/> (0 outside).</summary>
    public int this[int i] => (uint)i < (uint)_buckets.Length ? _buckets[i] : 0;

    /// <summary>Go's bucket of a duration.</summary>
    public static int BucketOf(long d)
    {
        if (d <= 0) return 0;
        // Number of thresholds <= d.
        int lo = 0, hi = Thresholds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Thresholds[mid] <= d) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Go's <c>BucketMin</c>: lower bound of bucket <paramref name="bucket"/> in ns.</summary>
    public static long BucketMin(int bucket) => bucket >= 0 && bucket < Mins.Length ? Mins[bucket] : long.MinValue;

    /// <summary>Adds one duration (Go's <c>Add</c>).</summary>
    public void Add(long d)
    {
        int b = BucketOf(d);
        if (_buckets.Length <= b) Array.Resize(ref _buckets, Math.Max(b + 1, _buckets.Length * 2));
        _buckets[b]++;
        if (b < MinBucket || MaxBucket == 0) MinBucket = b;
        if (b > MaxBucket) MaxBucket = b;
        Count++;
    }

    /// <summary>
    /// The rows Go's <c>ToHTML</c> renders, MinBucket..MaxBucket (none when Count is 0): label = Go duration of the
    /// bucket's lower bound, link range [Min, Max) when the bucket has samples, bar width = count·400/max count.
    /// </summary>
    public IReadOnlyList<HistogramRow> Rows()
    {
        var rows = new List<HistogramRow>();
        if (Count == 0) return rows;
        int max = 0;
        foreach (int c in _buckets) max = Math.Max(max, c);
        for (int i = MinBucket; i <= MaxBucket; i++)
        {
            int n = this[i];
            rows.Add(new HistogramRow(i, BucketMin(i), BucketMin(i + 1), GoFormat.Duration(BucketMin(i)), n, n * 400 / max));
        }
        return rows;
    }

    /// <summary>The label under the last row: the upper bound of MaxBucket ("" when Count is 0).</summary>
    public string FinalLabel => Count == 0 ? "" : GoFormat.Duration(BucketMin(MaxBucket + 1));
}

/// <summary>One rendered histogram row.</summary>
/// <param name="Bucket">Bucket index.</param>
/// <param name="Min">Lower bound, ns (the link's latmin).</param>
/// <param name="Max">Next bucket's lower bound, ns (the link's latmax).</param>
/// <param name="Label">Go duration string of <paramref name="Min"/>.</param>
/// <param name="Count">Samples in the bucket (rows with 0 have no link).</param>
/// <param name="BarWidth">Bar width in px: Count·400 / the largest bucket count.</param>
public sealed record HistogramRow(int Bucket, long Min, long Max, string Label, int Count, int BarWidth);
