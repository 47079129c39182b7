using GoTrace.Analysis.Pprof;
using GoTrace.Analysis.Summary;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// The filtered profiles of go tool trace's web UI (<c>/block?name=GROUP</c>, <c>/regionblock?type=T&amp;latmin=..</c>, ...)
/// against Go 1.27's answers (testdata/golden-pprof/http, made by capture-pprof.sh).
/// </summary>
public class ProfileFilterTests
{
    private static string Dir => Path.Combine(TestData.Root, "testdata", "golden-pprof", "http");

    public static TheoryData<string, string, string> Cases()
    {
        var d = new TheoryData<string, string, string>();
        foreach (var trace in Directory.GetDirectories(Dir).Order(StringComparer.Ordinal))
            foreach (var line in File.ReadAllLines(Path.Combine(trace, "MANIFEST.tsv")))
            {
                var parts = line.Split('\t');
                d.Add(Path.GetFileName(trace), parts[0], parts[1]);
            }
        return d;
    }

    private static BlockingKind KindOf(string endpoint) => endpoint switch
    {
        "io" or "regionio" => BlockingKind.Net,
        "block" or "regionblock" => BlockingKind.Sync,
        "syscall" or "regionsyscall" => BlockingKind.Syscall,
        "sched" or "regionsched" => BlockingKind.Sched,
        _ => throw new ArgumentException(endpoint),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FilteredProfileEqualsGoWebUI(string trace, string n, string url)
    {
        int q = url.IndexOf('?');
        var endpoint = url[1..q];
        var query = url[(q + 1)..];
        var c = new BlockingCollector(new StackTable());
        var summarizer = new Summarizer();
        TracePass.Run(TestData.TracePath(trace), c, summarizer);
        var kind = KindOf(endpoint);

        Func<ProfileFilter> filter = endpoint.StartsWith("region", StringComparison.Ordinal)
            ? () => ProfileFilter.ByRegions(summarizer.Result, RegionFilter.FromQuery(query))
            : () => ProfileFilter.ByGoroutines(c, GoQuery.Value(GoQuery.Parse(query), "name"));

        var err = Path.Combine(Dir, trace, n + ".err");
        if (File.Exists(err))
        {
            var goText = File.ReadAllText(err).Trim();
            var e = Assert.Throws<ArgumentException>(() => filter());
            Assert.Equal("failed to get records: " + e.Message, goText);
            return;
        }
        Profile go;
        using (var f = File.OpenRead(Path.Combine(Dir, trace, n + ".pb.gz"))) go = PprofWriter.Read(f);
        var records = BlockingProfile.Compute(c, kind, filter());
        var ms = new MemoryStream();
        PprofWriter.Write(ms, c.Stacks, records);
        ms.Position = 0;
        ProfileTests.AssertSameSamples(go, PprofWriter.Read(ms), $"{trace} {url}");
    }

    [Fact]
    public void GroupFilterIsAPartOfTheWholeProfile()
    {
        var c = new BlockingCollector(new StackTable());
        TracePass.Run(TestData.TracePath("blocking.go1.27.trace"), c);
        var all = BlockingProfile.Compute(c, BlockingKind.Sync, ProfileFilter.ByGoroutines(c));
        var groups = c.Goroutines.Select(g => c.NameOf(g)).Distinct().ToList();
        long sum = groups.Sum(g => BlockingProfile.Compute(c, BlockingKind.Sync, ProfileFilter.ByGoroutines(c, g.Length == 0 ? null : g)).Sum(r => g.Length == 0 ? 0 : r.Time));
        Assert.True(sum <= all.Sum(r => r.Time) && sum > 0);

        // A time window keeps only the overlap with the window.
        var end = c.TraceEnd;
        var half = new TimeInterval(c.TraceStart, c.TraceStart + (end - c.TraceStart) / 2);
        var first = BlockingProfile.Compute(c, BlockingKind.Sync, ProfileFilter.ByGoroutines(c, null, half)).Sum(r => r.Time);
        var second = BlockingProfile.Compute(c, BlockingKind.Sync, ProfileFilter.ByGoroutines(c, null, new TimeInterval(half.End, end))).Sum(r => r.Time);
        Assert.Equal(all.Sum(r => r.Time), first + second);
    }
}
