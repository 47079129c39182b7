using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using GoTrace.Analysis.Mmu;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// Our MMU plot and worst-window lists, computed with <see cref="MmuOptions.Go"/>, against what Go 1.27's
/// <c>go tool trace</c> web server answered on <c>/mmu?mode=plot</c> and <c>/mmu?mode=details</c> for the same traces
/// (testdata/golden-mmu, made by testdata/tools/capture-mmu.sh). Every number must be identical: window sizes,
/// xMin/xMax, each MMU and percentile value bit for bit, each worst window's time, utilization and URL.
/// </summary>
public class MmuGoldenTests
{
    internal static string GoldenDir => Path.Combine(TestData.Root, "testdata", "golden-mmu");

    /// <summary>One request recorded from Go: kind (plot/details), flag-set name, flags, window (details), body.</summary>
    internal sealed record GoldenRequest(string Kind, string Set, string Flags, long Window, string Body);

    private static readonly ConcurrentDictionary<string, MmuTrace> Traces = new();

    internal static string TraceFile(string name)
    {
        var t = TestData.TracePath(name);
        if (File.Exists(t)) return t;
        var extra = Path.Combine(GoldenDir, "traces", name);   // traces made for these tests (capture-mmu.sh)
        return File.Exists(extra) ? extra : Path.Combine(TestData.Root, "testdata", "damaged", name);
    }

    internal static MmuTrace Load(string name) => Traces.GetOrAdd(name, n =>
    {
        var b = new MmuBuilder();
        TracePass.Run(TraceFile(n), b);
        return b.Result;
    });

    internal static List<GoldenRequest> Golden(string name)
    {
        var text = Encoding.UTF8.GetString(TestData.Gunzip(Path.Combine(GoldenDir, name, "mmu.tsv.gz")));
        var list = new List<GoldenRequest>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            if (f[0] == "plot") list.Add(new GoldenRequest("plot", f[1], f[2], 0, f[3]));
            else list.Add(new GoldenRequest("details", f[1], f[2], long.Parse(f[3]), f[4]));
        }
        return list;
    }

    /// <summary>Every recorded (trace, flag set): all committed traces, the damaged variants and extra traces the script captured.</summary>
    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(GoldenDir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (!File.Exists(Path.Combine(dir, "mmu.tsv.gz"))) continue;
            foreach (var set in Golden(name).Select(r => r.Set).Distinct()) d.Add(name, set);
        }
        return d;
    }

    [Fact]
    public void EveryCommittedTraceHasGoldens()
    {
        foreach (var t in TestData.AllTraceNames())
            Assert.True(File.Exists(Path.Combine(GoldenDir, t, "mmu.tsv.gz")), "no MMU golden for " + t);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlotAndWorstWindowsEqualGo(string trace, string set)
    {
        var mmu = Load(trace);
        foreach (var req in Golden(trace).Where(r => r.Set == set))
        {
            var flags = UtilFlagsText.Parse(req.Flags, out bool percentiles);
            var curve = mmu.Curve(flags, MmuOptions.Go);
            var where = $"{trace} flags={req.Flags} {req.Kind} {(req.Kind == "details" ? "window=" + req.Window : "")}";
            if (req.Kind == "plot") ComparePlot(where, req.Body, curve, percentiles);
            else CompareDetails(where, req.Body, curve, req.Window);
        }
    }

    private static void ComparePlot(string where, string body, MmuCurve curve, bool percentiles)
    {
        var plot = MmuPlot.Compute(curve, percentiles);
        if (body.Length == 0)
        {
            // Go's handler panicked (no utilization function at all): the server answered nothing.
            Assert.True(plot is null || curve.GoWouldCrash, where + ": Go failed, we did not");
            return;
        }
        Assert.NotNull(plot);
        Assert.False(curve.GoWouldCrash, where);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal(root.GetProperty("xMin").GetInt64(), plot.XMin);
        Assert.Equal(root.GetProperty("xMax").GetInt64(), plot.XMax);
        var q = root.GetProperty("quantiles");
        if (q.ValueKind == JsonValueKind.Null) Assert.Null(plot.Quantiles);
        else Assert.Equal(q.EnumerateArray().Select(e => e.GetDouble()).ToArray(), plot.Quantiles!);
        var rows = root.GetProperty("curve").EnumerateArray().ToArray();
        Assert.Equal(rows.Length, plot.Curve.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            var go = rows[i].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var ours = plot.Curve[i];
            Assert.True(go[0] == ours.Window, $"{where}: row {i}: window Go {go[0]}, ours {ours.Window}");
            Assert.Equal(go.Length - 1, ours.Values.Length);
            for (int k = 1; k < go.Length; k++)
                Assert.True(BitConverter.DoubleToInt64Bits(go[k]) == BitConverter.DoubleToInt64Bits(ours.Values[k - 1]),
                    $"{where}: row {i} (window {ours.Window}) value {k}: Go {go[k]:R}, ours {ours.Values[k - 1]:R}");
        }
    }

    private static void CompareDetails(string where, string body, MmuCurve curve, long window)
    {
        var ours = MmuDetails.Compute(curve, window);
        if (body.Length == 0)
        {
            Assert.True(curve.GoWouldCrash, where + ": Go failed, we did not");
            return;
        }
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.ValueKind == JsonValueKind.Null)
        {
            Assert.Empty(ours);   // Go encodes its nil list as null
            return;
        }
        var go = doc.RootElement.EnumerateArray().ToArray();
        Assert.True(go.Length == ours.Length, $"{where}: Go has {go.Length} windows, we have {ours.Length}");
        for (int i = 0; i < go.Length; i++)
        {
            var g = go[i];
            Assert.True(g.GetProperty("Time").GetInt64() == ours[i].Time, $"{where}: window {i}: time Go {g.GetProperty("Time")}, ours {ours[i].Time}");
            double gu = g.GetProperty("MutatorUtil").GetDouble();
            Assert.True(BitConverter.DoubleToInt64Bits(gu) == BitConverter.DoubleToInt64Bits(ours[i].MutatorUtil),
                $"{where}: window {i}: utilization Go {gu:R}, ours {ours[i].MutatorUtil:R}");
            Assert.Equal(g.GetProperty("URL").GetString(), ours[i].Url);
        }
    }
}
