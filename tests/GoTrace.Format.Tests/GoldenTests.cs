namespace GoTrace.Format.Tests;

/// <summary>
/// Our dump of every committed trace equals Go 1.27's <c>go tool trace -d=parsed</c> output byte for byte.
/// On a mismatch the actual output is written beside the golden as <c>.actual</c>.
/// </summary>
public sealed class GoldenTests
{
    public static TheoryData<string> Traces() => TestData.ModernTraces();

    [Fact]
    public void Testdata_has_traces_of_every_modern_format()
    {
        var versions = TestData.ModernTraceNames().Select(t => TestData.HeaderVersion(Path.Combine(TestData.Traces, t))).ToHashSet();
        Assert.Equal([22, 23, 25, 26], versions.Order());
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Dump_equals_go_tool_trace_parsed(string trace)
    {
        var golden = Path.Combine(TestData.Golden, trace + ".parsed.gz");
        var expected = TestData.Gunzip(golden);
        var (goExit, goErr) = TestData.GoOutcome(Path.Combine(TestData.Golden, trace + ".parsed.err"));
        var (actual, error, _) = Dumper.Dump(File.ReadAllBytes(Path.Combine(TestData.Traces, trace)));
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            var actualPath = Path.Combine(TestData.Golden, trace + ".parsed.actual");
            File.WriteAllBytes(actualPath, actual);
            Assert.Fail($"dump of {trace} differs from {golden}; ours is in {actualPath} (gunzip the golden and diff)");
        }
        Assert.Equal(goExit == 0, error is null);
        if (error is not null) Assert.Equal(goErr.TrimEnd('\n'), error.Reason);
    }

    public static TheoryData<string> AllTraces() => TestData.AllTraces();

    [Theory]
    [MemberData(nameof(AllTraces))]
    public void Reading_in_chunks_of_1_7_and_4096_bytes_gives_the_same_events(string trace)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        var whole = Dumper.Dump(bytes).Output;
        foreach (int chunk in new[] { 1, 7, 4096 })
        {
            var chunked = Dumper.Dump(new ChunkedStream(bytes, chunk)).Output;
            Assert.True(whole.AsSpan().SequenceEqual(chunked), $"chunk size {chunk} changed the output of {trace}");
        }
    }
}
