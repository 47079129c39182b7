using System.Globalization;

namespace GoTrace.Analysis.Mmu;

/// <summary>One row of <see cref="MmuPlot.Curve"/>: a window size and its MMU, or its percentiles.</summary>
/// <param name="Window">Window size, ns.</param>
/// <param name="Values">The MMU (one value), or one value per quantile of <see cref="MmuPlot.Quantiles"/>.</param>
public readonly record struct MmuPlotRow(long Window, double[] Values);

/// <summary>
/// The data of Go's MMU page (<c>/mmu?mode=plot</c>, trace-analyses.md §6.6): 100 window sizes spaced evenly on a
/// log scale from <see cref="XMin"/> (the largest of 1 s, 1 ms, 1 µs, 1 ns whose MMU is below 0.0001, else 1 ns)
/// over six orders of magnitude, capped at the trace length.
/// </summary>
public sealed class MmuPlot
{
    /// <summary>Go's page asks for these quantiles when "Show percentiles" is on (0, 0.1%, 1%, 5%).</summary>
    public static readonly double[] PercentileQuantiles = [0, 0.001, 0.01, 0.05];

    private MmuPlot(long xMin, long xMax, double[]? quantiles, MmuPlotRow[] curve)
    {
        XMin = xMin;
        XMax = xMax;
        Quantiles = quantiles;
        Curve = curve;
    }

    /// <summary>Smallest window, ns.</summary>
    public long XMin { get; }

    /// <summary>Largest window, ns.</summary>
    public long XMax { get; }

    /// <summary>The quantiles of each row's values, or null when the rows hold the MMU.</summary>
    public double[]? Quantiles { get; }

    /// <summary>100 rows in increasing window order (sizes may repeat for short ranges).</summary>
    public IReadOnlyList<MmuPlotRow> Curve { get; }

    /// <summary>Number of rows Go computes.</summary>
    public const int Samples = 100;

    /// <summary>
    /// Computes the plot of <paramref name="curve"/>; with <paramref name="percentiles"/> each row holds
    /// <see cref="PercentileQuantiles"/> instead of the MMU. Null when there is no utilization function (Go's page
    /// fails then).
    /// </summary>
    public static MmuPlot? Compute(MmuCurve curve, bool percentiles = false)
    {
        var series = curve.Utilization.Series;
        if (series.Count == 0 || series[0].Length == 0) return null;

        long xMin = 1_000_000_000;
        while (xMin > 1)
        {
            if (curve.Mmu(xMin) < 0.0001) break;
            xMin /= 1000;
        }
        long xMax = xMin * 1_000_000;
        long maxMax = curve.MaxTime - curve.MinTime;
        if (xMax > maxMax) xMax = maxMax;

        double[]? quantiles = percentiles ? (double[])PercentileQuantiles.Clone() : null;
        var windows = MmuAnalysis.LogWindows(xMin, xMax, Samples);
        var rows = new MmuPlotRow[Samples];
        if (quantiles is null)
        {
            for (int i = 0; i < Samples; i++) rows[i] = new MmuPlotRow(windows[i], [curve.Mmu(windows[i])]);
        }
        else
        {
            // Percentiles refine most bands (seconds on a large GC-heavy trace): rows are independent, use every core.
            Parallel.For(0, Samples, i => rows[i] = new MmuPlotRow(windows[i], curve.Percentiles(windows[i], quantiles)));
        }
        return new MmuPlot(xMin, xMax, quantiles, rows);
    }
}

/// <summary>A range of the split timeline (Go's <c>traceviewer.Range</c>): event indices and relative times (ns).</summary>
public readonly record struct MmuViewRange(long Start, long End, long StartTime, long EndTime);

/// <summary>A worst window with the link to it in the timeline viewer (Go's <c>linkedUtilWindow</c>).</summary>
public readonly record struct LinkedUtilWindow(long Time, double MutatorUtil, string Url);

/// <summary>Go's <c>/mmu?mode=details</c>: the 10 worst windows of a size, with timeline links.</summary>
public static class MmuDetails
{
    /// <summary>
    /// The <paramref name="n"/> worst windows of <paramref name="window"/> ns with links into the proc timeline.
    /// <paramref name="ranges"/> are the timeline's split ranges (empty when the trace is shown unsplit).
    /// </summary>
    public static LinkedUtilWindow[] Compute(MmuCurve curve, long window, IReadOnlyList<MmuViewRange>? ranges = null, int n = 10)
    {
        var worst = curve.WorstWindows(window, n);
        var result = new LinkedUtilWindow[worst.Length];
        for (int i = 0; i < worst.Length; i++)
            result[i] = new LinkedUtilWindow(worst[i].Time, worst[i].MutatorUtil,
                Link(worst[i], window, curve.TraceStart, ranges ?? [], curve.Options.GoCompatible));
        return result;
    }

    /// <summary>
    /// The timeline link of a window: <c>/trace?view=proc[&amp;start=S&amp;end=E]#from:to</c> (viewer milliseconds).
    /// Correct: the range holding the window's start, times relative to the trace start (the viewer's origin), no
    /// range parameters for an unsplit trace. Go (<paramref name="goCompatible"/>) compares the absolute time with
    /// the ranges' relative end times, so it picks the last range (or an all-zero one, <c>start=0&amp;end=0</c>,
    /// for an unsplit trace), and writes absolute times.
    /// </summary>
    public static string Link(UtilWindow w, long window, long traceStart, IReadOnlyList<MmuViewRange> ranges, bool goCompatible)
    {
        if (goCompatible)
        {
            var r = default(MmuViewRange);
            foreach (var candidate in ranges)
            {
                r = candidate;
                if (candidate.EndTime > w.Time) break;
            }
            return $"/trace?view=proc&start={r.Start}&end={r.End}#{GoFormat.FloatV(w.Time / 1e6)}:{GoFormat.FloatV((w.Time + window) / 1e6)}";
        }
        long rel = w.Time - traceStart;
        string view = "/trace?view=proc";
        if (ranges.Count > 0)
        {
            var r = ranges[^1];
            foreach (var candidate in ranges)
            {
                if (candidate.EndTime > rel)
                {
                    r = candidate;
                    break;
                }
            }
            view = $"/trace?view=proc&start={r.Start}&end={r.End}";
        }
        return $"{view}#{GoFormat.FloatV(rel / 1e6)}:{GoFormat.FloatV((rel + window) / 1e6)}";
    }
}
