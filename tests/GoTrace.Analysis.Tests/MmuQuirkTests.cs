using System.Text.Json;
using GoTrace.Analysis.Mmu;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// Where Go 1.27's MMU is wrong (server/GoTrace.Analysis/Mmu/README.md), both numbers pinned: Go's (which
/// <see cref="MmuOptions.Go"/> reproduces, checked against Go's own output where the goldens have it) and ours.
/// </summary>
public class MmuQuirkTests
{
    private static JsonElement GoPlot(string trace, string set) =>
        JsonDocument.Parse(MmuGoldenTests.Golden(trace).Single(r => r.Kind == "plot" && r.Set == set).Body).RootElement;

    private static JsonElement GoDetails(string trace, string set, long window) =>
        JsonDocument.Parse(MmuGoldenTests.Golden(trace).Single(r => r.Kind == "details" && r.Set == set && r.Window == window).Body).RootElement;

    /// <summary>
    /// 1. Background workers: Go counts a worker twice on each run after its first (its start and its label), so the
    /// P stays "GC" after the worker stops and the utilization function ends at the last drop to 0.
    /// </summary>
    [Fact]
    public void BackgroundWorkersCountedOncePerRun()
    {
        var mmu = MmuGoldenTests.Load("allocfree.go1.23.trace");
        var go = mmu.Curve(UtilFlags.Background, MmuOptions.Go);
        var ours = mmu.Curve(UtilFlags.Background);

        // Go's series ends 34.16 ms into the 60.84 ms trace, ours at the trace end
        Assert.Equal(34_161_472, go.Utilization.Series[0][^1].Time - mmu.StartTime);
        Assert.Equal(mmu.EndTime, ours.Utilization.Series[0][^1].Time);
        Assert.Equal(60_835_777, mmu.EndTime - mmu.StartTime);

        // so Go's plot stops at 34.14 ms (its xMax, from Go itself), ours covers the trace
        Assert.Equal(34_140_160, GoPlot("allocfree.go1.23.trace", "background").GetProperty("xMax").GetInt64());
        Assert.Equal(34_140_160, MmuPlot.Compute(go)!.XMax);
        Assert.Equal(60_814_465, MmuPlot.Compute(ours)!.XMax);

        Assert.Equal(0.9577504, go.Mmu(10_000_000));
        Assert.Equal(0.9924576, ours.Mmu(10_000_000));
        Assert.Equal(0.577504, go.Mmu(1_000_000));
        Assert.Equal(0.924576, ours.Mmu(1_000_000));

        // per P: Go's P stays at 0 after the second run of the worker, and its series ends there
        var goP = mmu.Curve(UtilFlags.Background | UtilFlags.PerProc, MmuOptions.Go);
        var oursP = mmu.Curve(UtilFlags.Background | UtilFlags.PerProc);
        Assert.Equal(0.20352, goP.Mmu(1_000_000));
        Assert.Equal(0.897664, oursP.Mmu(1_000_000));
    }

    /// <summary>
    /// 2. Windows past the trace end: Go evaluates the first window of a band at the band's start even when that is
    /// after the last window that fits, where the utilization is 0; so MMU(1 ns) is 0 with no GC at all.
    /// </summary>
    [Fact]
    public void NoWindowPastTheTraceEnd()
    {
        const string trace = "blocking.go1.27.trace";
        var mmu = MmuGoldenTests.Load(trace);
        var go = mmu.Curve(UtilFlags.None, MmuOptions.Go);
        var ours = mmu.Curve(UtilFlags.None);

        var goRow0 = GoPlot(trace, "none").GetProperty("curve")[0];
        Assert.Equal(1, goRow0[0].GetDouble());   // Go: MMU(1 ns) = 0 ...
        Assert.Equal(0, goRow0[1].GetDouble());
        Assert.Equal(0, go.Mmu(1));
        Assert.Equal(1, ours.Mmu(1));             // ... although nothing is GC
        var goPlot = MmuPlot.Compute(go)!;
        var ourPlot = MmuPlot.Compute(ours)!;
        Assert.Equal(0, goPlot.Curve[0].Values[0]);
        Assert.All(ourPlot.Curve, r => Assert.Equal(1.0, r.Values[0]));

        // Go's worst 1-ns window starts 1 ns after the last event
        var goWorst = GoDetails(trace, "none", 1)[0];
        Assert.Equal(mmu.EndTime + 1, goWorst.GetProperty("Time").GetInt64());
        Assert.Equal(0, goWorst.GetProperty("MutatorUtil").GetDouble());
        Assert.Equal(new UtilWindow(mmu.EndTime + 1, 0), go.WorstWindows(1)[0]);
        Assert.All(ours.WorstWindows(1), w =>
        {
            Assert.Equal(1, w.MutatorUtil);
            Assert.True(w.Time + 1 <= mmu.EndTime);
        });

        // Longer windows too, when the last band starts less than one window before the end: 3 points give bands
        // of 334 ns starting at 0, 334 and 668; with 333-ns windows Go evaluates [668, 1001), 1 ns past the end.
        var util = new MutatorUtilization(UtilFlags.None, [[new UtilPoint(0, 1), new UtilPoint(500, 0.5), new UtilPoint(1000, 0)]], false);
        Assert.Equal(0.5 * 332 / 333, new MmuCurve(util, MmuOptions.Go).Mmu(333));
        Assert.Equal(0.5, new MmuCurve(util, MmuOptions.Correct).Mmu(333));
    }

    /// <summary>3. Percentiles: Go's distribution is never filled (an early return), so every percentile is the MMU.</summary>
    [Fact]
    public void PercentilesAreADistribution()
    {
        const string trace = "gcheavy.go1.23.trace";
        var mmu = MmuGoldenTests.Load(trace);
        var flags = UtilFlagsText.Parse("stw|background|assist");
        var go = mmu.Curve(flags, MmuOptions.Go);
        var ours = mmu.Curve(flags);

        // Go's own "mut" plot: the four columns are equal on every row
        foreach (var row in GoPlot(trace, "mut").GetProperty("curve").EnumerateArray())
        {
            var v = row.EnumerateArray().Skip(1).Select(e => e.GetDouble()).Distinct().ToArray();
            Assert.Single(v);
        }
        Assert.Equal([0.555008, 0.555008, 0.555008, 0.555008], go.Percentiles(1_000_000, MmuPlot.PercentileQuantiles));
        Assert.Equal([0.555008, 0.557056, 0.575761200625, 0.67392], ours.Percentiles(1_000_000, MmuPlot.PercentileQuantiles));
        Assert.Equal(0.555008, ours.Mmu(1_000_000));
    }

    /// <summary>
    /// 4. Worst-window links: Go compares the window's absolute time with the viewer ranges' relative end times,
    /// so it links the last range (or start=0&amp;end=0 when the trace is not split), with absolute milliseconds.
    /// </summary>
    [Fact]
    public void WorstWindowLinksUseViewerTimes()
    {
        const string trace = "gcheavy.go1.27.trace";
        var mmu = MmuGoldenTests.Load(trace);
        var flags = UtilFlagsText.Parse("stw|background|assist");
        var goFirst = GoDetails(trace, "default", 1_000_000)[0];
        var go = MmuDetails.Compute(mmu.Curve(flags, MmuOptions.Go), 1_000_000);
        var ours = MmuDetails.Compute(mmu.Curve(flags), 1_000_000);
        Assert.Equal(goFirst.GetProperty("URL").GetString(), go[0].Url);
        Assert.Equal("/trace?view=proc&start=0&end=0#942424.708416:942425.708416", go[0].Url);
        Assert.Equal(942_424_708_416, go[0].Time);
        Assert.Equal(go[0].Time, ours[0].Time);
        Assert.Equal(99_959_104, ours[0].Time - mmu.StartTime);
        Assert.Equal("/trace?view=proc#99.959104:100.959104", ours[0].Url);
    }

    /// <summary>
    /// 5. A mark assist already running when the trace starts, reported from another goroutine: Go checks whether
    /// the reporting goroutine runs (it does) instead of the assisting one (it waits), takes 1/GOMAXPROCS off the
    /// utilization since the trace start, and counts the assist on the reporter's P for good.
    /// </summary>
    [Fact]
    public void AssistsInProgressAtTheStart()
    {
        const string trace = "gcstart.go1.27.trace";
        var mmu = MmuGoldenTests.Load(trace);
        var go = mmu.Curve(UtilFlags.Assist, MmuOptions.Go);
        var ours = mmu.Curve(UtilFlags.Assist);
        Assert.Equal(0, go.Utilization.Series[0][0].Util);     // three such assists: 1 - 3/2, clamped to 0
        Assert.Equal(1, ours.Utilization.Series[0][0].Util);
        Assert.Equal(0, go.Mmu(1_000_000));
        Assert.Equal(0.519488, ours.Mmu(1_000_000));

        // per P: Go's P 0 is GC from the first assist on, and its series ends there
        var goP = mmu.Curve(UtilFlags.Assist | UtilFlags.PerProc, MmuOptions.Go);
        var oursP = mmu.Curve(UtilFlags.Assist | UtilFlags.PerProc);
        Assert.Equal(2, goP.Utilization.Series[0].Length);
        Assert.Equal(0.840256, goP.Mmu(1_000_000));
        Assert.Equal(0.519488, oursP.Mmu(1_000_000));
    }

    /// <summary>
    /// 6. Worst windows overlap in Go when a new window overlaps two kept ones: Go replaces only the first it finds.
    /// </summary>
    [Fact]
    public void WorstWindowsAreDisjoint()
    {
        // Utilization 0 from 23 to 48 ns: with 17-ns windows and 2 examples, Go first keeps the windows at 19 (0.235)
        // and 38 (0.412); the window at 23 (0) overlaps both but replaces only the first it finds (38); the window
        // at 31 (0) then replaces 19: Go reports 23 and 31, which overlap. We drop 31.
        UtilPoint[] u = [new(0, 1), new(23, 0), new(48, 1), new(74, 0)];
        var util = new MutatorUtilization(UtilFlags.None, [u], false);
        Assert.Equal([new UtilWindow(23, 0), new UtilWindow(31, 0)], new MmuCurve(util, MmuOptions.Go).WorstWindows(17, 2));
        Assert.Equal([new UtilWindow(23, 0)], new MmuCurve(util, MmuOptions.Correct).WorstWindows(17, 2));
    }
}
