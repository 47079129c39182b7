namespace GoTrace.Format.Tests;

/// <summary>
/// Decoding batches ahead of the ordering (on a second thread for large generations) must not change a single event
/// or error: every trace, whole and damaged, dumps the same with the batches decoded in the ordering's own thread,
/// decoded eagerly before each generation is ordered, and decoded by the worker under a small limit (so that it stops
/// and is restarted, and the ordering decodes some batches itself).
/// </summary>
public sealed class DecodeAheadTests
{
    public static TheoryData<string> Traces() => TestData.ModernTraces();

    private static readonly (string Name, Action<TraceReader> Configure)[] Modes =
    [
        ("eager", r => { r.DecodeAheadEagerly = true; r.DecodeAheadLimit = int.MaxValue; }),
        ("eager, limit 300", r => { r.DecodeAheadEagerly = true; r.DecodeAheadLimit = 300; }),
        ("worker, limit 300", r => { r.DecodeAheadMinBytes = 0; r.DecodeAheadLimit = 300; }),
        ("worker", r => r.DecodeAheadMinBytes = 0),
    ];

    private static (byte[] Output, string? Error) Run(byte[] file, Action<TraceReader>? configure)
    {
        var task = Task.Run(() => Dumper.Dump(new MemoryStream(file, writable: false), int.MaxValue, configure));
        if (!task.Wait(TimeSpan.FromSeconds(30))) Assert.Fail("the reader did not finish within 30 s");
        var (output, error, _) = task.Result;
        return (output, error?.Message);
    }

    private static void AssertSame(byte[] file, string what)
    {
        var (expected, expectedError) = Run(file, r => r.DecodeAheadMinBytes = long.MaxValue);
        foreach (var (name, configure) in Modes)
        {
            var (actual, error) = Run(file, configure);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{what}, decoded ahead ({name}): the events differ");
            Assert.Equal(expectedError, error);
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Decoding_ahead_changes_no_event_and_no_error(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        // The inline mode itself equals Go's golden.
        var golden = TestData.Gunzip(Path.Combine(TestData.Golden, trace + ".parsed.gz"));
        Assert.True(golden.AsSpan().SequenceEqual(Run(good, r => r.DecodeAheadMinBytes = long.MaxValue).Output), $"{trace}: inline decoding differs from the golden");
        AssertSame(good, trace);
        var rng = new Random(20261122 ^ trace.Length);
        for (int i = 0; i < 6; i++)
        {
            int cut = rng.Next(16, good.Length);
            AssertSame(good[..cut], $"{trace} cut at {cut}");
            var bad = (byte[])good.Clone();
            int at = rng.Next(16, good.Length);
            bad[at] ^= (byte)rng.Next(1, 256);
            AssertSame(bad, $"{trace} with byte {at} flipped");
        }
    }
}
