namespace GoTrace.Format.Tests;

/// <summary>
/// Decoding batches ahead of the ordering (on a second thread for large generations), and reading the next generation
/// while one is ordered, must not change a single event or error: every trace, whole and damaged, dumps the same with
/// the batches decoded in the ordering's own thread, decoded eagerly before each generation is ordered, decoded by the
/// worker under a small limit (so that it stops and is restarted, and the ordering decodes some batches itself), and
/// with the generations read ahead.
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
        // Reading the next generation while this one is ordered (the CLI's mode), with and without the decode worker.
        ("read ahead", r => { r.ReadAhead = true; r.ReadAheadOnOneCore = true; r.DecodeAheadMinBytes = long.MaxValue; }),
        ("read ahead, worker, limit 300", r => { r.ReadAhead = true; r.ReadAheadOnOneCore = true; r.DecodeAheadMinBytes = 0; r.DecodeAheadLimit = 300; }),
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

/// <summary>
/// An event whose stack argument names no stack of its generation: the reader stops there with Go's message
/// ("found invalid stack ID N for event T"), after every event ordered before it, in every decode mode (the table
/// check runs in the batch decoder, and is repeated in stream order for an event that fails it).
/// </summary>
public sealed class InvalidTableIdTests
{
    public static TheoryData<string> Traces() => TestData.ModernTraces();

    /// <summary>Rewrites the first one-byte stack argument of a GoBlock to an ID absent from its generation; null if there is none.</summary>
    private static (byte[] File, ulong Id)? WithBadStack(byte[] good)
    {
        var src = new ByteSource(new MemoryStream(good, writable: false));
        int v = TraceHeader.Read(src);
        var gens = new GenerationReader(src, v);
        var pool = new BlockPool();
        while (true)
        {
            var g = v >= 26 ? gens.ReadGeneration26() : gens.ReadGenerationWithSpill().Item1;
            if (g is null) return null;
            var clock = new TickClock(g.Data.NsPerTick);
            ulong bad = 0x7F;
            while (bad > 0 && g.Data.HasStack(bad)) bad--;
            if (bad == 0) continue;
            foreach (var (m, list) in g.Batches)
            {
                foreach (var b in list)
                {
                    if (b.Length == 0) continue;
                    var d = DecodedBatch.Decode(b, clock, g.Data, m, pool);
                    for (int i = 0; i < d.Count; i++)
                    {
                        ref var e = ref d.Events[i];
                        if (e.Type != Ev.GoBlock || e.A1 == 0 || e.A1 >= 0x80) continue;
                        // GoBlock: type, dt, reason, stack; find the stack byte by walking the varints.
                        long off = d.FileBase + e.Pos;
                        int p = (int)off + 1;
                        for (int k = 0; k < 2; k++) { while (good[p] >= 0x80) p++; p++; }
                        if (good[p] != (byte)e.A1) continue;
                        var file = (byte[])good.Clone();
                        file[p] = (byte)bad;
                        return (file, bad);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void An_unknown_stack_id_stops_the_reader_with_gos_message(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        if (WithBadStack(good) is not var (file, id)) return; // no GoBlock with a small stack ID in this trace
        var (goodOut, _, _) = Dumper.Dump(good);
        foreach (var configure in new Action<TraceReader>[]
                 {
                     r => r.DecodeAheadMinBytes = long.MaxValue, r => { r.DecodeAheadEagerly = true; r.DecodeAheadLimit = int.MaxValue; },
                     r => r.DecodeAheadMinBytes = 0,
                 })
        {
            var (output, error, _) = Dumper.Dump(new MemoryStream(file, writable: false), int.MaxValue, configure);
            Assert.NotNull(error);
            Assert.Equal($"found invalid stack ID {id} for event GoBlock", error!.Reason);
            Assert.True(output.Length > 0 && goodOut.AsSpan().StartsWith(output), $"{trace}: the events before the bad one differ");
        }
    }
}

/// <summary>
/// Reading ahead reads generation N+1 while generation N is still being ordered: with double buffering, N's batch
/// bytes must survive the reading of N+1 (without it, N+1 lands in the same chunks).
/// </summary>
public sealed class DoubleBufferTests
{
    public static TheoryData<string> Traces() => TestData.ModernTraces();

    [Theory]
    [MemberData(nameof(Traces))]
    public void A_generation_keeps_its_bytes_while_the_next_is_read(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        var src = new ByteSource(new MemoryStream(good, writable: false));
        int v = TraceHeader.Read(src);
        var gens = new GenerationReader(src, v) { DoubleBuffered = true };
        RawGeneration? Next() => v >= 26 ? gens.ReadGeneration26() : gens.ReadGenerationWithSpill().Gen;
        var prev = Next();
        Assert.NotNull(prev);
        int checkedGens = 0;
        while (true)
        {
            var before = Snapshot(prev!);
            RawGeneration? next;
            try
            {
                next = Next();
            }
            catch (TraceFormatException)
            {
                break; // a cut flight-recorder tail: what was read before still counts
            }
            Assert.Equal(before, Snapshot(prev!));
            // And the bytes are the file's own.
            foreach (var list in prev!.Batches.Values)
                foreach (var b in list)
                    Assert.True(b.Chunk.AsSpan(b.Start, b.Length).SequenceEqual(good.AsSpan((int)(b.FileOffset), b.Length)), $"{trace}: batch at {b.FileOffset}");
            checkedGens++;
            if (next is null) break;
            prev = next;
        }
        Assert.True(checkedGens >= 2, $"{trace}: only {checkedGens} generations");
    }

    private static string Snapshot(RawGeneration g) =>
        string.Join(",", g.Batches.OrderBy(kv => kv.Key).SelectMany(kv => kv.Value).Select(b => Convert.ToHexString(b.Chunk, b.Start, b.Length)));
}
