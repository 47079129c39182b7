using System.Text.RegularExpressions;
using GoTrace.Analysis.Pprof;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// The per-source-line index against Go's own profiles: for every trace and kind, each line's flat and cumulative
/// time and count equal what Go 1.27's <c>-pprof=TYPE</c> samples give for that line, and the flat totals add up to
/// the profile's total. Plus spot checks on the lines the testdata programs mark with "// BLOCKS:".
/// </summary>
public class LineIndexTests
{
    private static string Golden => Path.Combine(TestData.Root, "testdata", "golden-pprof");

    private static (LineIndex Index, BlockingCollector Collector) Build(string trace)
    {
        var c = new BlockingCollector(new StackTable());
        TracePass.Run(TestData.TracePath(trace), c);
        return (LineIndex.Build(c, ProfileFilter.ByGoroutines(c)), c);
    }

    [Theory]
    [MemberData(nameof(TestData.AllTraces), MemberType = typeof(TestData))]
    public void LineNumbersEqualGoProfiles(string trace)
    {
        var (index, _) = Build(trace);
        foreach (var type in new[] { "net", "sync", "syscall", "sched" })
        {
            var kind = ProfileTests.Kind(type);
            Profile go;
            using (var f = File.OpenRead(Path.Combine(Golden, $"{trace}.{type}.pb.gz"))) go = PprofWriter.Read(f);
            var locs = go.Location.ToDictionary(l => l.Id);
            var funcs = go.Function.ToDictionary(f => f.Id);
            var expect = new Dictionary<SourceLine, (long FlatT, long FlatN, long CumT, long CumN)>();
            long total = 0, stackless = 0;
            foreach (var s in go.Sample)
            {
                total += s.Value[1];
                if (s.LocationId.Count == 0) { stackless += s.Value[1]; continue; }
                var seen = new HashSet<SourceLine>();
                for (int i = 0; i < s.LocationId.Count; i++)
                {
                    var l = locs[s.LocationId[i]];
                    var key = new SourceLine(go.StringTable[(int)funcs[l.Line[0].FunctionId].Filename], (ulong)l.Line[0].Line_);
                    expect.TryGetValue(key, out var e);
                    if (i == 0) { e.FlatT += s.Value[1]; e.FlatN += s.Value[0]; }
                    if (seen.Add(key)) { e.CumT += s.Value[1]; e.CumN += s.Value[0]; }
                    expect[key] = e;
                }
            }
            long flat = 0;
            foreach (var line in index.Lines)
            {
                var st = index.Get(line.File, line.Line, kind);
                if (st is null) continue;
                flat += st.FlatTime;
                Assert.True(expect.TryGetValue(line, out var e), $"{trace} {type}: {line} is not in Go's profile");
                Assert.True((st.FlatTime, st.FlatCount, st.CumTime, st.CumCount) == e,
                    $"{trace} {type} {line}: ours flat {st.FlatTime}/{st.FlatCount} cum {st.CumTime}/{st.CumCount}, Go's flat {e.FlatT}/{e.FlatN} cum {e.CumT}/{e.CumN}");
                Assert.Equal(st.CumCount, st.Durations.Count);
                Assert.Equal(st.CumTime, st.Groups.Values.Sum(g => g.Time));
            }
            Assert.Equal(expect.Count, index.Lines.Count(l => index.Get(l.File, l.Line, kind) is not null));
            Assert.Equal(total, flat + index.StacklessTime[kind]);
            Assert.Equal(stackless, index.StacklessTime[kind]);
        }
    }

    public static TheoryData<string> BlockingAndNetTraces()
    {
        var d = new TheoryData<string>();
        foreach (var t in TestData.AllTraceNames().Where(n => n.StartsWith("blocking.", StringComparison.Ordinal) || n.StartsWith("netio.", StringComparison.Ordinal)
            || n.StartsWith("lifecycle.", StringComparison.Ordinal)))
            d.Add(t);
        return d;
    }

    /// <summary>Every line a program marks "// BLOCKS: ... -pprof=KIND, group G" has blocking time of that kind, from goroutines of group G.</summary>
    [Theory]
    [MemberData(nameof(BlockingAndNetTraces))]
    public void MarkedLinesHaveBlockingTime(string trace)
    {
        var program = trace[..trace.IndexOf('.')];
        var src = File.ReadAllLines(Path.Combine(TestData.Root, "testdata", "programs", program, "main.go"));
        var (index, _) = Build(trace);
        var file = index.Files.Single(f => f.EndsWith($"/{program}/main.go", StringComparison.Ordinal));
        int marks = 0;
        for (int i = 0; i < src.Length; i++)
        {
            var m = Regex.Match(src[i], @"// BLOCKS: .*-pprof=(\w+), group (\S+)");
            if (!m.Success) continue;
            marks++;
            var st = index.Get(file, (ulong)(i + 1), ProfileTests.Kind(m.Groups[1].Value));
            Assert.True(st is not null && st.CumTime > 0, $"{trace}: {file}:{i + 1} has no {m.Groups[1].Value} time");
            Assert.Contains(m.Groups[2].Value, st!.Groups.Keys);
            Assert.True(st.Durations.Quantile(0.99) <= st.Durations.Max && st.Durations.Max > 0);
        }
        Assert.True(marks >= 4);
    }

    /// <summary>
    /// The sites of all four kinds, built in one pass over the intervals, against a plain sum per interval: for each
    /// kind and profile key the count, time, max, quantiles and per-group shares. Over the whole trace and over the
    /// middle half of it (the window clips waits).
    /// </summary>
    [Theory]
    [MemberData(nameof(TestData.AllTraces), MemberType = typeof(TestData))]
    public void SitesOfAllKindsEqualAPlainSumOfTheWaits(string trace)
    {
        var c = new BlockingCollector(new StackTable());
        var end = TracePass.Run(TestData.TracePath(trace), c);
        long q = (end.EndTime - end.StartTime) / 4;
        foreach (var filter in new[] { ProfileFilter.ByGoroutines(c), ProfileFilter.ByGoroutines(c, window: new TimeInterval(end.StartTime + q, end.EndTime - q)) })
        {
            var built = BlockingSites.BuildKinds(c, BlockingKinds.All, filter);
            var keys = new BlockingProfile.ProfileKeys(c.Stacks);
            var expect = new Dictionary<(BlockingKind, int), (List<long> Waits, Dictionary<string, (long N, long T)> Groups)>();
            foreach (var iv in c.Intervals)
            {
                long d = filter.Overlap(c.GoroutineAt(iv.GoroutineIndex).Id, new TimeInterval(iv.Start, iv.End));
                if (d <= 0) continue;
                var k = (iv.Kind, keys.KeyOf(iv.Stack));
                if (!expect.TryGetValue(k, out var e)) expect[k] = e = ([], new Dictionary<string, (long, long)>());
                e.Waits.Add(d);
                string g = c.NameOf(c.GoroutineAt(iv.GoroutineIndex));
                var (n, t) = e.Groups.GetValueOrDefault(g);
                e.Groups[g] = (n + 1, t + d);
            }
            int sites = 0;
            foreach (var (kind, ks) in built)
            {
                Assert.Equal(BlockingSites.Build(c, kind, filter).Sites.Select(x => (x.Stack, x.Count, x.Time)), ks.Sites.Select(x => (x.Stack, x.Count, x.Time)));
                foreach (var site in ks.Sites)
                {
                    sites++;
                    Assert.True(expect.Remove((kind, keys.KeyOf(site.Stack)), out var e), $"{trace} {kind}: site of stack {site.Stack} has no waits");
                    var plain = new DurationSketch();
                    foreach (var w in e.Waits) plain.Add(w);
                    Assert.Equal((e.Waits.Count, e.Waits.Sum(), e.Waits.Max()), (site.Count, site.Time, site.Durations.Max));
                    foreach (var p in new[] { 0.01, 0.5, 0.9, 0.99 }) Assert.Equal(plain.Quantile(p), site.Durations.Quantile(p));
                    Assert.Equal(e.Groups.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => (x.Key, x.Value.N, x.Value.T)),
                        site.Groups.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => (x.Key, x.Value.Count, x.Value.Time)));
                }
            }
            Assert.Empty(expect);
        }
    }

    [Fact]
    public void DurationSketchQuantilesAreWithinTwoPercent()
    {
        var s = new DurationSketch();
        var values = Enumerable.Range(1, 10000).Select(i => (long)i * 1000 + (i % 7)).ToArray();
        foreach (var v in values) s.Add(v);
        Array.Sort(values);
        foreach (var q in new[] { 0.5, 0.9, 0.99 })
        {
            long exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            long got = s.Quantile(q);
            Assert.InRange(got, exact, (long)(exact * 1.025));
        }
        Assert.Equal(values[^1], s.Quantile(1));
        Assert.Equal(values.Sum(), s.Sum);
    }

    [Theory]
    [InlineData("main.main", true)]
    [InlineData("main.(*server).handle", true)]
    [InlineData("example.com/app/internal/db.(*Pool).Get", true)]
    [InlineData("gotrace.test/gotest.TestCounter", true)]
    [InlineData("sync.(*Mutex).Lock", false)]
    [InlineData("internal/poll.(*FD).Read", false)]
    [InlineData("runtime.chanrecv1", false)]
    [InlineData("", false)]
    public void UserFunctions(string function, bool user) => Assert.Equal(user, SourceFrames.IsUserFunction(function));
}
