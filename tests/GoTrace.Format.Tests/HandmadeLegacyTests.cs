using Xunit.Abstractions;

namespace GoTrace.Format.Tests;

/// <summary>
/// Hand-built legacy traces (testdata/handmade: a readable <c>.txt</c> per trace, turned into bytes by
/// testdata/tools/handmade; see testdata/handmade/README.md). They cover what no available Go runtime can write —
/// mainly the <c>go 1.11 trace</c> header of Go 1.11–1.18 (timer goroutines, STW kinds, CPU samples being
/// invalid) — plus a few deliberately broken traces that pin Go's error texts. For each trace, Go 1.27's
/// <c>go tool trace -d=parsed</c> output and outcome were recorded by testdata/handmade/regen.sh; our dump must equal
/// that output (up to Go's random order of equal-time events, as in <see cref="LegacyGoldenTests"/>) and, where Go
/// failed, our error's reason must be Go's message.
/// </summary>
public sealed class HandmadeLegacyTests
{
    private static string Dir => Path.Combine(TestData.Root, "testdata", "handmade");

    public static TheoryData<string> Traces()
    {
        var data = new TheoryData<string>();
        foreach (var t in TraceNames()) data.Add(t);
        return data;
    }

    private static List<string> TraceNames() =>
        Directory.GetFiles(Dir, "*.trace").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    private readonly ITestOutputHelper _out;

    public HandmadeLegacyTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Handmade_set_has_traces_with_headers_1_11_1_19_and_1_21()
    {
        var versions = TraceNames().Select(t => TestData.HeaderVersion(Path.Combine(Dir, t))).ToHashSet();
        Assert.Superset(new HashSet<int> { 11, 19, 21 }, versions);
        // Go accepted at least one trace of each legacy header, so each is compared event for event.
        foreach (int v in new[] { 11, 19, 21 })
            Assert.Contains(TraceNames(), t => TestData.HeaderVersion(Path.Combine(Dir, t)) == v
                && TestData.GoOutcome(Path.Combine(Dir, t + ".parsed.err")).Exit == 0);
    }

    [Fact]
    public void Every_text_form_has_its_trace_and_gos_output()
    {
        var texts = Directory.GetFiles(Dir, "*.txt").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(texts);
        Assert.Equal(texts, TraceNames().Select(t => t[..^".trace".Length]).ToList());
        foreach (var t in TraceNames())
        {
            Assert.True(File.Exists(Path.Combine(Dir, t + ".parsed")), $"{t}.parsed is missing (run testdata/handmade/regen.sh)");
            Assert.True(File.Exists(Path.Combine(Dir, t + ".parsed.err")), $"{t}.parsed.err is missing (run testdata/handmade/regen.sh)");
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Dump_equals_go_tool_trace_parsed(string trace)
    {
        var expected = File.ReadAllBytes(Path.Combine(Dir, trace + ".parsed"));
        var (goExit, goErr) = TestData.GoOutcome(Path.Combine(Dir, trace + ".parsed.err"));
        var (actual, error, _) = Dumper.DumpWithin(File.ReadAllBytes(Path.Combine(Dir, trace)), TimeSpan.FromSeconds(30), trace);
        bool exact = LegacyGoldenTests.AssertSameUpToTies(expected, actual, trace, Path.Combine(Dir, trace + ".parsed.actual"));
        if (goExit == 0)
        {
            Assert.True(error is null, $"{trace}: Go accepts it, we fail with: {error?.Reason}");
        }
        else
        {
            goErr = goErr.TrimEnd('\n');
            Assert.True(error is not null, $"{trace}: Go fails with \"{goErr}\", we accept it");
            if (TestData.HeaderVersion(Path.Combine(Dir, trace)) is >= 5 and <= 10)
                // Deliberate: for the headers of Go 1.5-1.10 our reader appends a hint in parentheses to Go's message
                // (TraceHeader.Read; pinned in DamagedInputTests).
                Assert.StartsWith(goErr + " (", error.Reason);
            else
                Assert.Equal(goErr, error.Reason);
        }
        _out.WriteLine(exact ? $"{trace}: byte-identical" : $"{trace}: identical up to the order of equal-time events");
    }
}
