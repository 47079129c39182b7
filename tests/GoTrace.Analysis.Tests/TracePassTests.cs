using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// The pipelined pass (reading on a thread of its own, consumers fed in batches) makes exactly the calls of the
/// sequential one: every event in order, checkpoints after each Sync, a rollback on damage, one Complete.
/// </summary>
public sealed class TracePassTests
{
    private sealed class Recorder : IPrefixConsumer
    {
        public readonly List<string> Calls = [];
        private long _hash = 17;

        public void OnEvent(in Event ev)
        {
            // Every event enters the hash; a line every so often and at every Sync keeps a failure readable.
            _hash = unchecked(_hash * 31 + ev.Time * 7 + (long)ev.Kind * 3 + ev.Goroutine + ev.Proc * 5 + ev.Thread * 11);
            if (ev.Kind == EventKind.Sync || Calls.Count % 64 == 0) Calls.Add($"event {ev.Time} {ev.Kind} {_hash}");
        }

        public void Checkpoint() => Calls.Add($"checkpoint {_hash}");

        public void Rollback() => Calls.Add($"rollback {_hash}");

        public void Complete(in PassEnd end) => Calls.Add($"complete {_hash} {end with { Error = null }} {end.Error?.Message}");
    }

    private static (List<string> Calls, PassEnd? End, string? Error) Pass(byte[] trace, bool pipelined)
    {
        var r = new Recorder();
        try
        {
            var end = TracePass.Run(new MemoryStream(trace), [r, new Recorder()], default, null, pipelined);
            return (r.Calls, end, null);
        }
        catch (TraceFormatException e)
        {
            return (r.Calls, null, e.Message);
        }
    }

    public static TheoryData<string> Traces() => new(Directory.GetFiles(Path.Combine(TestData.Root, "testdata", "traces"), "*.trace")
        .Select(Path.GetFileName).Where(n => n!.Contains("go1.27") || n.Contains("go1.21") || n.Contains("go1.22")).Order()!);

    [Theory]
    [MemberData(nameof(Traces))]
    public void Pipelined_and_sequential_passes_make_the_same_calls(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Root, "testdata", "traces", name));
        var seq = Pass(bytes, pipelined: false);
        Assert.NotNull(seq.End);
        Assert.Equal(seq.Calls, Pass(bytes, pipelined: true).Calls);
        // Damaged: cut at several places (inside the first generation: an error without a valid prefix; later: a
        // rollback to the last Sync), and one flipped byte.
        foreach (double at in new[] { 0.05, 0.4, 0.77, 0.99 })
        {
            var cut = bytes.AsSpan(0, (int)(bytes.Length * at)).ToArray();
            var a = Pass(cut, pipelined: false);
            var b = Pass(cut, pipelined: true);
            Assert.Equal(a.Error, b.Error);
            Assert.Equal(a.Calls, b.Calls);
            Assert.Equal(a.End is { } ea ? (PassEnd?)(ea with { Error = null }) : null, b.End is { } eb ? (PassEnd?)(eb with { Error = null }) : null);
            Assert.Equal(a.End?.Error?.Message, b.End?.Error?.Message);
        }
        var flipped = (byte[])bytes.Clone();
        flipped[flipped.Length / 2] ^= 0x5a;
        var f1 = Pass(flipped, pipelined: false);
        var f2 = Pass(flipped, pipelined: true);
        Assert.Equal((f1.Error, f1.End?.Error?.Message, f1.End?.Events), (f2.Error, f2.End?.Error?.Message, f2.End?.Events));
        Assert.Equal(f1.Calls, f2.Calls);
    }

    private sealed class Failing(int after) : IEventConsumer
    {
        private int _n;

        public void OnEvent(in Event ev)
        {
            if (++_n == after) throw new InvalidOperationException("consumer failed");
        }

        public void Complete(in PassEnd end)
        {
        }
    }

    [Fact]
    public void A_consumer_that_throws_stops_the_pass_with_its_exception()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Root, "testdata", "traces", "blocking.go1.27.trace"));
        foreach (int after in new[] { 1, 100, 3000 })
        {
            var e = Assert.Throws<InvalidOperationException>(() => TracePass.Run(new MemoryStream(bytes), [new Failing(after)], default, null, pipelined: true));
            Assert.Equal("consumer failed", e.Message);
        }
    }

    [Fact]
    public void A_cancelled_pass_ends_with_OperationCanceledException()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Root, "testdata", "traces", "blocking.go1.27.trace"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TracePass.Run(new MemoryStream(bytes), [new Recorder()], cts.Token, null, pipelined: true));
    }
}
