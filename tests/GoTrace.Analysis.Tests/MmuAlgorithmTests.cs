using GoTrace.Analysis.Mmu;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// The correct MMU, worst windows and percentiles against a brute-force evaluation of every window on random
/// utilization functions, and small unit tests (Go's %v float format, links into split timelines).
/// </summary>
public class MmuAlgorithmTests
{
    internal static UtilPoint[] RandomSeries(Random rnd, long start, int n, bool discrete)
    {
        var pts = new List<UtilPoint>();
        long t = start;
        double last = -1;
        for (int i = 0; i < n; i++)
        {
            double u = discrete ? rnd.Next(5) / 4.0 : rnd.NextDouble();
            if (u != last) pts.Add(new UtilPoint(t, u));
            last = u;
            t += 1 + rnd.Next(rnd.Next(2) == 0 ? 5 : 200);
        }
        pts.Add(new UtilPoint(t, 0));   // every series ends with 0 at its end, as Go's
        if (pts.Count >= 2 && pts[^2].Util == 0) pts.RemoveAt(pts.Count - 1);
        return pts.ToArray();
    }

    /// <summary>Mean of the step function over [t, t + w] (within the series), summed piece by piece.</summary>
    internal static double MU(UtilPoint[] u, long t, long w)
    {
        int lo = 0, hi = u.Length - 1;   // last point at or before t
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (u[mid].Time <= t) lo = mid; else hi = mid - 1;
        }
        int k = lo;
        double sum = 0;
        for (long from = t; from < t + w; k++)
        {
            long to = k + 1 < u.Length ? Math.Min(u[k + 1].Time, t + w) : t + w;
            sum += u[k].Util * (to - from);
            from = to;
        }
        return sum / w;
    }

    /// <summary>Left edges where the windowed utilization may change slope, within [start, end - w].</summary>
    internal static long[] Breakpoints(UtilPoint[] u, long w)
    {
        long lo = u[0].Time, hi = u[^1].Time - w;
        var set = new SortedSet<long> { lo, hi };
        foreach (var p in u)
        {
            if (p.Time >= lo && p.Time <= hi) set.Add(p.Time);
            if (p.Time - w >= lo && p.Time - w <= hi) set.Add(p.Time - w);
        }
        return set.ToArray();
    }

    internal static double BruteMmu(UtilPoint[][] series, long window)
    {
        double mmu = 1;
        foreach (var u in series)
        {
            long w = Math.Min(window, u[^1].Time - u[0].Time);
            foreach (var t in Breakpoints(u, w)) mmu = Math.Min(mmu, MU(u, t, w));
        }
        return mmu;
    }

    /// <summary>For each q, the utilization x at which the time spent with windowed utilization &lt;= x reaches q of all time.</summary>
    internal static double[] BruteQuantiles(UtilPoint[][] series, long window, double[] qs)
    {
        var segments = new List<(double A, double B, double Len)>();
        double duration = 0;
        foreach (var u in series)
        {
            long span = u[^1].Time - u[0].Time;
            if (span < window) continue;
            duration += span - window;
            var bp = Breakpoints(u, window);
            for (int i = 0; i + 1 < bp.Length; i++)
                segments.Add((MU(u, bp[i], window), MU(u, bp[i + 1], window), bp[i + 1] - bp[i]));
        }
        double Mass(double x) => segments.Sum(s =>
        {
            double lo = Math.Min(s.A, s.B), hi = Math.Max(s.A, s.B);
            if (hi == lo) return lo <= x ? s.Len : 0;
            return s.Len * Math.Clamp((x - lo) / (hi - lo), 0, 1);
        });
        return qs.Select(q =>
        {
            double y = duration * q, a = 0, b = 1;
            if (Mass(0) >= y) return segments.Count == 0 ? double.NaN : segments.Min(s => Math.Min(s.A, s.B));
            for (int i = 0; i < 60; i++)
            {
                double m = (a + b) / 2;
                if (Mass(m) >= y) b = m; else a = m;
            }
            return b;
        }).ToArray();
    }

    internal static MmuCurve Curve(UtilPoint[][] series, MmuOptions options) =>
        new(new MutatorUtilization(UtilFlags.None, series, false), options);

    public static TheoryData<int> Seeds()
    {
        var d = new TheoryData<int>();
        for (int i = 0; i < 32; i++) d.Add(i);
        return d;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MmuAndWorstWindowsEqualBruteForce(int seed)
    {
        var rnd = new Random(seed);
        int nSeries = 1 + rnd.Next(3);
        var series = Enumerable.Range(0, nSeries)
            .Select(_ => RandomSeries(rnd, 1_000 + rnd.Next(300), 3 + rnd.Next(seed % 4 == 0 ? 1000 : 60), seed % 2 == 0)).ToArray();
        var curve = Curve(series, MmuOptions.Correct);
        long span = series.Max(s => s[^1].Time - s[0].Time);
        foreach (long w in new long[] { 1, 2, 3, 7, 50, 1 + rnd.Next((int)span), span / 2 + 1, span, span + 10 })
        {
            double expected = BruteMmu(series, w);
            double mmu = curve.Mmu(w);
            Assert.True(Math.Abs(expected - mmu) < 1e-12, $"seed {seed} window {w}: brute force {expected:R}, ours {mmu:R}");

            var worst = curve.WorstWindows(w, 5);
            Assert.NotEmpty(worst);
            Assert.True(Math.Abs(worst[0].MutatorUtil - mmu) < 1e-12, $"seed {seed} window {w}: worst {worst[0].MutatorUtil:R} != MMU {mmu:R}");
            for (int i = 0; i < worst.Length; i++)
            {
                // inside some series, with the utilization that series has there
                bool found = series.Any(u =>
                {
                    long ws = Math.Min(w, u[^1].Time - u[0].Time);
                    return worst[i].Time >= u[0].Time && worst[i].Time + ws <= u[^1].Time
                        && Math.Abs(MU(u, worst[i].Time, ws) - worst[i].MutatorUtil) < 1e-12;
                });
                Assert.True(found, $"seed {seed} window {w}: worst window {worst[i]} is not a window of the trace");
                if (i > 0) Assert.True(worst[i - 1].MutatorUtil <= worst[i].MutatorUtil);
                if (nSeries == 1)
                    for (int k = 0; k < i; k++)
                        Assert.False(worst[k].Time + w > worst[i].Time && worst[i].Time + w > worst[k].Time, "overlapping worst windows");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void PercentilesEqualBruteForce(int seed)
    {
        var rnd = new Random(1000 + seed);
        int nSeries = 1 + rnd.Next(2);
        var series = Enumerable.Range(0, nSeries)
            .Select(_ => RandomSeries(rnd, 5_000, 5 + rnd.Next(seed % 4 == 0 ? 600 : 80), seed % 2 == 1)).ToArray();
        var curve = Curve(series, MmuOptions.Correct);
        var go = Curve(series, MmuOptions.Go);
        long span = series.Min(s => s[^1].Time - s[0].Time);
        double[] qs = [0, 0.001, 0.01, 0.05, 0.2, 0.5];
        foreach (long w in new long[] { 1, 5, 40, 1 + rnd.Next((int)span), span / 3 + 1 })
        {
            var ours = curve.Percentiles(w, qs);
            var goValues = go.Percentiles(w, qs);
            double mmu = curve.Mmu(w);
            var brute = BruteQuantiles(series, w, qs);
            for (int i = 0; i < qs.Length; i++)
            {
                double expected = brute[i];
                Assert.True(Math.Abs(expected - ours[i]) < 5e-7, $"seed {seed} window {w} q {qs[i]}: brute force {expected:R}, ours {ours[i]:R}");
                Assert.Equal(go.Mmu(w), goValues[i]);   // Go: every percentile is the MMU
                if (i > 0) Assert.True(ours[i] >= ours[i - 1]);
            }
            Assert.True(Math.Abs(ours[0] - mmu) < 1e-12);
        }
        Assert.Empty(curve.Percentiles(10, []));
    }

    [Fact]
    public void EdgeCases()
    {
        var s = new[] { new UtilPoint(100, 1), new UtilPoint(200, 0.5), new UtilPoint(300, 0) };
        var c = Curve([s], MmuOptions.Correct);
        Assert.Equal(0, c.Mmu(0));
        Assert.Equal(0, c.Mmu(-5));
        Assert.Equal(0.5, c.Mmu(1));
        Assert.Equal(0.5, c.Mmu(100));
        Assert.Equal(0.75, c.Mmu(200));
        Assert.Equal(0.75, c.Mmu(10_000));          // longer than the trace: the whole trace
        Assert.Equal(0, Curve([s], MmuOptions.Go).Mmu(1));   // Go measures [300, 301), after the end
        Assert.Equal([new UtilWindow(100, 0.75)], c.WorstWindows(200));
        Assert.Equal([0.75, 0.75], c.Percentiles(200, [0, 0.5]));   // a single window: no distribution, the MMU

        var empty = Curve([], MmuOptions.Correct);
        Assert.True(empty.IsEmpty);
        Assert.Equal(1, empty.Mmu(10));
        Assert.Empty(empty.WorstWindows(10));
        Assert.Null(MmuPlot.Compute(empty));

        // A series without duration: Go would index out of range; we leave it out.
        var point = Curve([[new UtilPoint(5, 0)], s], MmuOptions.Correct);
        Assert.True(point.GoWouldCrash);
        Assert.Equal(0.5, point.Mmu(100));
    }

    [Theory]
    [InlineData(419.026304, "419.026304")]
    [InlineData(123456.0, "123456")]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(1234567.5, "1.2345675e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(942415.147712, "942415.147712")]
    [InlineData(942415.28864, "942415.28864")]
    [InlineData(8051317.775232, "8.051317775232e+06")]
    [InlineData(0.0, "0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e21, "1e+21")]
    [InlineData(123.0, "123")]
    [InlineData(0.5, "0.5")]
    public void GoFloatFormat(double v, string expected) => Assert.Equal(expected, GoFormat.FloatV(v));

    [Fact]
    public void LinksIntoSplitTimelines()
    {
        MmuViewRange[] ranges = [new(0, 1000, 0, 400_000_000), new(1000, 2000, 400_000_000, 900_000_000), new(2000, 2500, 900_000_000, 1_000_000_000)];
        long start = 5_000_000_000;
        var w = new UtilWindow(start + 450_000_000, 0.25);
        // ours: the range holding the window, times relative to the trace start
        Assert.Equal("/trace?view=proc&start=1000&end=2000#450:451", MmuDetails.Link(w, 1_000_000, start, ranges, goCompatible: false));
        Assert.Equal("/trace?view=proc#450:451", MmuDetails.Link(w, 1_000_000, start, [], goCompatible: false));
        Assert.Equal("/trace?view=proc&start=2000&end=2500#1050:1051",
            MmuDetails.Link(new UtilWindow(start + 1_050_000_000, 0), 1_000_000, start, ranges, goCompatible: false));
        // Go: absolute times, compared with the relative range ends -> the last range; all-zero when unsplit
        Assert.Equal("/trace?view=proc&start=2000&end=2500#5450:5451", MmuDetails.Link(w, 1_000_000, start, ranges, goCompatible: true));
        Assert.Equal("/trace?view=proc&start=0&end=0#5450:5451", MmuDetails.Link(w, 1_000_000, start, [], goCompatible: true));
        // Go can hit a range when absolute times are small (legacy traces start near 0)
        Assert.Equal("/trace?view=proc&start=0&end=1000#300:301", MmuDetails.Link(new UtilWindow(300_000_000, 0), 1_000_000, 0, ranges, goCompatible: true));
    }
}
