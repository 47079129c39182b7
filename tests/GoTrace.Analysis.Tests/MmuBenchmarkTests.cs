using System.Diagnostics;
using GoTrace.Analysis.Mmu;
using Xunit.Abstractions;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// Timing of the MMU pass and curves on a big trace, only when GOTRACE_MMU_BENCH names one (e.g. the output of
/// testdata/bench/bigtrace); otherwise it does nothing.
/// <c>GOTRACE_MMU_BENCH=/tmp/big.trace dotnet test tests/GoTrace.Analysis.Tests -c Release --filter MmuBenchmark --logger "console;verbosity=detailed"</c>
/// </summary>
public class MmuBenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void MmuOnABigTrace()
    {
        var path = Environment.GetEnvironmentVariable("GOTRACE_MMU_BENCH");
        if (string.IsNullOrEmpty(path)) return;

        var sw = new Stopwatch();
        MmuTrace mmu = null!;
        for (int run = 0; run < 3; run++)   // the first run includes JIT compilation
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            var end = TracePass.Run(path);
            double read = sw.Elapsed.TotalSeconds;
            long readBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            before = GC.GetAllocatedBytesForCurrentThread();
            sw.Restart();
            var builder = new MmuBuilder();
            TracePass.Run(path, builder);
            mmu = builder.Result;
            output.WriteLine($"run {run}: read only {read:F2} s ({readBytes / 1e6:F0} MB allocated), read + MmuBuilder " +
                $"{sw.Elapsed.TotalSeconds:F2} s ({(GC.GetAllocatedBytesForCurrentThread() - before) / 1e6:F0} MB allocated); " +
                $"{end.Events:N0} events, {end.BytesRead:N0} bytes, {mmu.RecordCount:N0} events kept");
        }

        foreach (var flagText in new[] { "stw|background|assist", "stw|background|assist|sweep", "perProc|stw|background|assist|sweep" })
        {
            var flags = UtilFlagsText.Parse(flagText);
            foreach (var options in new[] { MmuOptions.Correct, MmuOptions.Go })
            {
                sw.Restart();
                var curve = mmu.Curve(flags, options);
                double tCurve = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var plot = MmuPlot.Compute(curve);
                double tPlot = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var details = MmuDetails.Compute(curve, plot!.Curve[50].Window);
                double tDetails = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var pct = MmuPlot.Compute(curve, percentiles: true);
                double tPct = sw.Elapsed.TotalMilliseconds;
                output.WriteLine($"{flagText} {(options.GoCompatible ? "Go" : "correct")}: {curve.Utilization.Series.Count} series, " +
                    $"{curve.Utilization.Series.Sum(s => s.Length):N0} points; functions+bands {tCurve:F0} ms, plot (100 MMUs) {tPlot:F0} ms, " +
                    $"10 worst windows {tDetails:F0} ms, percentile plot {tPct:F0} ms; MMU(1ms)={curve.Mmu(1_000_000):F4}, xMax={plot.XMax}, " +
                    $"{details.Length} windows, p1(1ms)={pct!.Curve.First(r => r.Window >= 1_000_000).Values[2]:F4}");
            }
        }
    }
}
