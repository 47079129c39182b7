using System.Text;

namespace GoTrace.Format.Tests;

/// <summary>
/// Damaged variants of the good traces, made in the test: truncations at many points and single-byte flips
/// with a fixed seed. The only acceptable outcomes are a result or <see cref="TraceFormatException"/>, within
/// a time limit; whatever was delivered must equal Go's golden output up to the last generation that lies
/// wholly before the damage.
/// </summary>
public sealed class DamagedInputTests
{
    public static TheoryData<string> Traces() => TestData.ModernTraces();

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>A generation's extent in the file: where reading it ends (v1.26: after 0x34; older: after the next generation's first batch).</summary>
    private static List<long> GenerationReadEnds(byte[] file, int version)
    {
        var ends = new List<long>();
        int pos = 16;
        ulong curGen = 0;
        while (pos < file.Length)
        {
            int start = pos;
            byte t = file[pos++];
            if (t == 0x34)
            {
                ends.Add(pos);
                continue;
            }
            if (t == 0x31) pos++;
            var vals = new ulong[4];
            for (int i = 0; i < 4; i++)
            {
                int n = Uvarint.Decode(file.AsSpan(pos), out vals[i]);
                Assert.True(n > 0, "good trace must have valid framing");
                pos += n;
            }
            pos += (int)vals[3];
            if (version < 26)
            {
                if (curGen != 0 && vals[0] != curGen) ends.Add(pos); // the spill batch is read with the previous generation
                curGen = vals[0];
            }
        }
        if (version < 26) ends.Add(file.Length);
        return ends;
    }

    private static int CountSafeGenerations(List<long> ends, long damageOffset) => ends.Count(e => e <= damageOffset);

    /// <summary>The golden's text before the Sync line numbered <paramref name="n"/> (1-based); the whole golden if there is none.</summary>
    private static byte[] GoldenBeforeSync(byte[] golden, int n)
    {
        var marker = Encoding.ASCII.GetBytes(" Sync Time=");
        int seen = 0, lineStart = 0;
        for (int i = 0; i < golden.Length; i++)
        {
            if (golden[i] != '\n') continue;
            var line = golden.AsSpan(lineStart, i - lineStart);
            if (line.StartsWith("M=-1 P=-1 G=-1"u8) && line.IndexOf(marker) > 0 && ++seen == n) return golden[..lineStart];
            lineStart = i + 1;
        }
        return golden;
    }

    /// <returns>How many whole generations the check compared.</returns>
    private static int Check(string trace, byte[] damaged, long damageOffset, string what)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        int version = TestData.HeaderVersion(Path.Combine(TestData.Traces, trace));
        var golden = TestData.Gunzip(Path.Combine(TestData.Golden, trace + ".parsed.gz"));
        var (output, _, _) = Dumper.DumpWithin(damaged, Limit, $"{trace} {what}");
        int safe = CountSafeGenerations(GenerationReadEnds(good, version), damageOffset);
        var expected = GoldenBeforeSync(golden, safe + 1);
        if (!output.AsSpan().StartsWith(expected))
            Assert.Fail($"{trace} {what}: output does not start with the golden's first {safe} generation(s) ({expected.Length} bytes)");
        return safe;
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Truncation_anywhere_yields_events_or_the_format_exception(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        int version = TestData.HeaderVersion(Path.Combine(TestData.Traces, trace));
        var cuts = new SortedSet<long> { 0, 1, 8, 15, 16, 17, 18, 20, 30, good.Length - 1 };
        foreach (var e in GenerationReadEnds(good, version)) { cuts.Add(e - 1); cuts.Add(e); cuts.Add(e + 1); cuts.Add(e + 13); }
        for (int i = 1; i < 40; i++) cuts.Add(good.Length * i / 40);
        int most = 0;
        foreach (var cut in cuts.Where(c => c >= 0 && c < good.Length))
            most = Math.Max(most, Check(trace, good[..(int)cut], cut, $"cut at {cut}"));
        Assert.True(most >= 2, $"{trace}: the cuts compared at most {most} whole generation(s); the test would prove little");
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Random_byte_flips_yield_events_or_the_format_exception(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        var rng = new Random(20261121 ^ trace.Length);
        for (int i = 0; i < 60; i++)
        {
            var bad = (byte[])good.Clone();
            int at = rng.Next(16, good.Length);
            byte x = (byte)rng.Next(1, 256);
            bad[at] ^= x;
            Check(trace, bad, at, $"byte {at} xor 0x{x:x2}");
        }
    }

    [Fact]
    public void An_empty_file_is_not_a_trace()
    {
        var (output, err, _) = Dumper.Dump([]);
        Assert.Empty(output);
        Assert.NotNull(err);
        Assert.Equal("bad file format: not a Go execution trace?", err.Reason);
        Assert.Equal(0, err.Offset);
    }

    [Fact]
    public void A_text_file_is_not_a_trace()
    {
        var err = Dumper.Dump(Encoding.ASCII.GetBytes("hello, world\nthis is not a trace\n")).Error;
        Assert.Equal("bad file format: not a Go execution trace?", err?.Reason);
    }

    [Theory]
    [InlineData("go 1.99 trace\0\0\0", "unknown or unsupported trace version go 1.99")]
    [InlineData("go 1.24 trace\0\0\0", "unknown or unsupported trace version go 1.24")]
    [InlineData("go 1.27 trace\0\0\0", "unknown or unsupported trace version go 1.27")]
    [InlineData("go 1.5 trace\0\0\0\0", "unknown or unsupported trace version go 1.5 (traces from Go 1.5-1.10 cannot be read: re-capture with Go 1.11 or newer)")]
    [InlineData("go 1.22 trac", "bad file format: not a Go execution trace?")]
    public void Unknown_versions_are_rejected_with_gos_message(string header, string reason)
    {
        var err = Dumper.Dump(Encoding.ASCII.GetBytes(header)).Error;
        Assert.NotNull(err);
        Assert.Equal(reason, err.Reason);
        Assert.Contains("file header", err.Message);
    }

    [Fact]
    public void Header_only_126_trace_is_one_sync()
    {
        var (output, err, _) = Dumper.Dump(Encoding.ASCII.GetBytes("go 1.26 trace\0\0\0"));
        Assert.Null(err);
        Assert.Equal("M=-1 P=-1 G=-1 Sync Time=1 N=1\n", Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void Header_only_122_trace_is_a_sync_then_missing_frequency()
    {
        var (output, err, _) = Dumper.Dump(Encoding.ASCII.GetBytes("go 1.22 trace\0\0\0"));
        Assert.Equal("M=-1 P=-1 G=-1 Sync Time=1 N=1\n", Encoding.ASCII.GetString(output));
        Assert.Equal("no frequency event found", err?.Reason);
    }

    [Fact]
    public void An_oversized_batch_is_refused_before_allocating_it()
    {
        // EventBatch gen=1 m=1 time=1 size=2^40: must fail on the size, not try to read a terabyte.
        var bytes = new List<byte>(Encoding.ASCII.GetBytes("go 1.26 trace\0\0\0")) { 0x01, 0x01, 0x01, 0x01 };
        bytes.AddRange([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
        var err = Dumper.Dump(bytes.ToArray()).Error;
        Assert.Equal("invalid batch size 1099511627776, maximum is 65536", err?.Reason);
        Assert.Equal(16, err!.Offset);
    }
}
