namespace GoTrace.Analysis.Mmu;

/// <summary>MMU results for one window size.</summary>
/// <param name="Window">Window size, ns.</param>
/// <param name="Mmu">Minimum mutator utilization over all windows of that size.</param>
/// <param name="Percentiles">Utilization at each requested quantile (empty if none were asked for).</param>
/// <param name="WorstWindows">The worst windows, worst first (empty if none were asked for).</param>
public sealed record MmuPoint(long Window, double Mmu, double[] Percentiles, UtilWindow[] WorstWindows);

/// <summary>
/// Entry points for callers (command line, JSON-RPC): collect once with <see cref="MmuBuilder"/> (or
/// <see cref="Collect"/>), then compute curves for any flags. For Go's exact page data use <see cref="MmuPlot"/> and
/// <see cref="MmuDetails"/> on <see cref="MmuTrace.Curve"/>.
/// </summary>
public static class MmuAnalysis
{
    /// <summary>Reads the trace at <paramref name="path"/> once, keeping what MMU needs.</summary>
    public static MmuTrace Collect(string path)
    {
        var builder = new MmuBuilder();
        TracePass.Run(path, builder);
        return builder.Result;
    }

    /// <summary>
    /// MMU (and optionally percentiles and worst windows) for each of <paramref name="windows"/> under
    /// <paramref name="flags"/>. For several calls with the same flags, build the curve once with
    /// <see cref="MmuTrace.Curve"/> and use <see cref="Compute(MmuCurve, IReadOnlyList{long}, double[], int)"/>.
    /// </summary>
    public static MmuPoint[] Compute(MmuTrace trace, UtilFlags flags, IReadOnlyList<long> windows, MmuOptions? options = null,
        double[]? quantiles = null, int worst = 0) =>
        Compute(trace.Curve(flags, options), windows, quantiles, worst);

    /// <summary>MMU, percentiles at <paramref name="quantiles"/> and <paramref name="worst"/> worst windows per window size.</summary>
    public static MmuPoint[] Compute(MmuCurve curve, IReadOnlyList<long> windows, double[]? quantiles = null, int worst = 0)
    {
        var result = new MmuPoint[windows.Count];
        for (int i = 0; i < result.Length; i++)
        {
            long w = windows[i];
            result[i] = new MmuPoint(w, curve.Mmu(w),
                quantiles is { Length: > 0 } ? curve.Percentiles(w, quantiles) : [],
                worst > 0 ? curve.WorstWindows(w, worst) : []);
        }
        return result;
    }

    /// <summary>
    /// <paramref name="count"/> window sizes spaced evenly on a log scale from <paramref name="min"/> to
    /// <paramref name="max"/> ns (Go's plot uses 100 between its xMin and xMax), with Go's rounding.
    /// </summary>
    public static long[] LogWindows(long min, long max, int count = MmuPlot.Samples)
    {
        if (count < 2) return count == 1 ? [min] : [];
        double logMin = Math.Log(min), logMax = Math.Log(max);
        var result = new long[count];
        for (int i = 0; i < count; i++) result[i] = (long)Math.Exp((double)i / (count - 1) * (logMax - logMin) + logMin);
        return result;
    }
}
