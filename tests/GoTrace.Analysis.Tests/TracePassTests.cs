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

    private static (List<string> Calls, PassEnd? End, string? Error) Pass(byte[] trace, bool pipelined, bool readAhead = false)
    {
        var r = new Recorder();
        try
        {
            // Progress reports go into the same list, so their values and their place among the calls are compared too.
            var end = TracePass.RunChoosing(new MemoryStream(trace), [r, new Recorder()], default, (bytes, n) => r.Calls.Add($"progress {bytes} {n}"),
                pipelined, readAhead);
            return (r.Calls, end, null);
        }
        catch (TraceFormatException e)
        {
            return (r.Calls, null, e.Message);
        }
    }

    public static TheoryData<string> Traces() => new(Directory.GetFiles(Path.Combine(TestData.Root, "testdata", "traces"), "*.trace")
        .Select(Path.GetFileName).Where(n => n!.Contains("go1.27") || n.Contains("go1.21") || n.Contains("go1.22")).Order()!);

    /// <summary>
    /// Sequential, pipelined, and each with the next generation read ahead: the same calls, progress reports (bytes
    /// read included), outcome and error, for the whole trace, cut at several places (inside the first generation: an
    /// error without a valid prefix; later: a rollback to the last Sync) and with one flipped byte.
    /// </summary>
    [Theory]
    [MemberData(nameof(Traces))]
    public void Pipelined_and_sequential_passes_make_the_same_calls(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Root, "testdata", "traces", name));
        var flipped = (byte[])bytes.Clone();
        flipped[flipped.Length / 2] ^= 0x5a;
        var inputs = new List<(string What, byte[] Bytes)> { ("whole", bytes), ("flipped", flipped) };
        foreach (double at in new[] { 0.05, 0.4, 0.77, 0.99 }) inputs.Add(($"cut at {at}", bytes.AsSpan(0, (int)(bytes.Length * at)).ToArray()));
        foreach (var (what, input) in inputs)
        {
            var a = Pass(input, pipelined: false);
            if (what == "whole") Assert.NotNull(a.End);
            foreach (var (pipelined, readAhead) in new[] { (true, false), (false, true), (true, true) })
            {
                var b = Pass(input, pipelined, readAhead);
                string mode = $"{what}, pipelined {pipelined}, read-ahead {readAhead}";
                Assert.True(a.Error == b.Error, $"{mode}: {a.Error} / {b.Error}");
                Assert.True(a.Calls.SequenceEqual(b.Calls), $"{mode}: first difference at call {a.Calls.Zip(b.Calls).TakeWhile(x => x.First == x.Second).Count()}"
                    + $" of {a.Calls.Count} / {b.Calls.Count}: {a.Calls.Zip(b.Calls).FirstOrDefault(x => x.First != x.Second)}");
                Assert.Equal(a.End is { } ea ? (PassEnd?)(ea with { Error = null }) : null, b.End is { } eb ? (PassEnd?)(eb with { Error = null }) : null);
                Assert.Equal(a.End?.Error?.Message, b.End?.Error?.Message);
            }
        }
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
            var e = Assert.Throws<InvalidOperationException>(() => TracePass.RunChoosing(new MemoryStream(bytes), [new Failing(after)], default, null, pipelined: true, readAhead: false));
            Assert.Equal("consumer failed", e.Message);
        }
    }

    [Fact]
    public void A_cancelled_pass_ends_with_OperationCanceledException()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Root, "testdata", "traces", "blocking.go1.27.trace"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TracePass.RunChoosing(new MemoryStream(bytes), [new Recorder()], cts.Token, null, pipelined: true, readAhead: false));
    }
}
