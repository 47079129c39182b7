using System.Globalization;
using System.Text;
using GoTrace.Format.Legacy;

namespace GoTrace.Format.Tests;

/// <summary>
/// The legacy (Go 1.11–1.21) parser against Go 1.27's <c>internal/trace/internal/tracev1</c>: goldens in
/// testdata/golden-v1 were written by the dumper described in testdata/tools/v1dump/README.md, one line per parsed
/// event and then the stack, frame, string and inline-string tables, or Go's error message.
/// </summary>
public sealed class LegacyParserTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static string GoldenDir => Path.Combine(TestData.Root, "testdata", "golden-v1");

    /// <summary>Every file with a v1 golden: the legacy traces and their damaged variants.</summary>
    public static TheoryData<string> GoldenNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in GoldenNameList()) data.Add(name);
        return data;
    }

    private static List<string> GoldenNameList() =>
        Directory.GetFiles(GoldenDir, "*.v1events.err")
            .Select(f => Path.GetFileName(f)[..^".v1events.err".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>The good legacy traces.</summary>
    public static TheoryData<string> LegacyTraces()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TestData.Traces, "*.trace").Order(StringComparer.Ordinal))
            if (TraceHeader.IsLegacy(TestData.HeaderVersion(f))) data.Add(Path.GetFileName(f));
        return data;
    }

    private static string SourcePath(string name) =>
        File.Exists(Path.Combine(TestData.Traces, name)) ? Path.Combine(TestData.Traces, name) : Path.Combine(TestData.Damaged, name);

    /// <summary>The version of an exact legacy header ("go 1.NN trace" and three NULs, NN in 11/19/21), else 0.</summary>
    private static int LegacyHeader(ReadOnlySpan<byte> file)
    {
        if (file.Length < 16) return 0;
        foreach (int v in new[] { 11, 19, 21 })
            if (file[..16].SequenceEqual(Encoding.ASCII.GetBytes($"go 1.{v} trace\0\0\0"))) return v;
        return 0;
    }

    /// <summary>Parses a whole file with a legacy header, reading through <paramref name="stream"/>.</summary>
    private static LegacyTrace ParseStream(Stream stream, int version)
    {
        var src = new ByteSource(stream);
        for (int i = 0; i < 16; i++) Assert.True(src.ReadByte() >= 0);
        return LegacyParser.Parse(src, version);
    }

    /// <summary>Our result in the dumper's text format, or the error reason.</summary>
    private static (string Text, TraceFormatException? Error) Outcome(Stream stream, int version)
    {
        try
        {
            return (Format(ParseStream(stream, version)), null);
        }
        catch (TraceFormatException e)
        {
            return ("", e);
        }
    }

    /// <summary>The same text as the Go dumper prints for a parsed trace.</summary>
    internal static string Format(LegacyTrace tr)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        foreach (var e in tr.Events)
            sb.Append(inv, $"{e.Ts} {e.P} {e.G} {e.Type} {e.StkID} {e.A0} {e.A1} {e.A2} {e.A3}\n");
        sb.Append(inv, $"stacks {tr.Stacks.Count}\n");
        foreach (var id in tr.Stacks.Keys.Order())
        {
            sb.Append(inv, $"stack {id}");
            foreach (var pc in tr.Stacks[id]) sb.Append(inv, $" {pc}");
            sb.Append('\n');
        }
        sb.Append(inv, $"pcs {tr.PCs.Count}\n");
        foreach (var pc in tr.PCs.Keys.Order())
        {
            var f = tr.PCs[pc];
            sb.Append(inv, $"pc {f.PC} {f.Fn} {f.File} {f.Line}\n");
        }
        sb.Append(inv, $"strings {tr.Strings.Count}\n");
        foreach (var id in tr.Strings.Keys.Order())
            sb.Append(inv, $"string {id} {Convert.ToHexStringLower(tr.Strings[id])}\n");
        sb.Append(inv, $"inline {tr.InlineStrings.Count}\n");
        for (int i = 0; i < tr.InlineStrings.Count; i++)
            sb.Append(inv, $"inline {i} {Convert.ToHexStringLower(tr.InlineStrings[i])}\n");
        return sb.ToString();
    }

    private static (string Text, TraceFormatException? Error) OutcomeWithin(byte[] file, int version, string what)
    {
        var task = Task.Run(() => Outcome(new MemoryStream(file, writable: false), version));
        if (!task.Wait(Limit)) Assert.Fail($"{what}: the legacy parser did not finish within {Limit}");
        return task.Result; // any exception other than TraceFormatException fails the test here
    }

    [Theory]
    [MemberData(nameof(GoldenNames))]
    public void Matches_gos_tracev1(string name)
    {
        var file = File.ReadAllBytes(SourcePath(name));
        var (exit, stderr) = TestData.GoOutcome(Path.Combine(GoldenDir, name + ".v1events.err"));
        var golden = Encoding.ASCII.GetString(TestData.Gunzip(Path.Combine(GoldenDir, name + ".v1events.gz")));
        int version = LegacyHeader(file);
        if (version == 0)
        {
            // Damaged headers never reach the legacy parser; the dumper reported the header check's message.
            Assert.Equal(1, exit);
            Assert.Matches("^(bad file format|unknown or unsupported trace version)", stderr);
            return;
        }

        var (text, err) = OutcomeWithin(file, version, name);
        if (exit == 0)
        {
            Assert.Null(err);
            if (text != golden) Assert.Fail($"{name}: output differs from Go's at line {FirstDifferentLine(text, golden)}");
        }
        else
        {
            Assert.Equal(1, exit);
            Assert.NotNull(err);
            Assert.Equal(stderr.TrimEnd('\n'), err.Reason);
        }
    }

    private static int FirstDifferentLine(string a, string b)
    {
        var la = a.Split('\n');
        var lb = b.Split('\n');
        int i = 0;
        while (i < la.Length && i < lb.Length && la[i] == lb[i]) i++;
        return i + 1;
    }

    [Fact]
    public void Every_legacy_trace_and_damaged_variant_has_a_golden()
    {
        static bool IsLegacyTrace(string n) => n.EndsWith(".go1.19.trace", StringComparison.Ordinal) || n.EndsWith(".go1.21.trace", StringComparison.Ordinal);
        static bool IsLegacyVariant(string n) =>
            (n.StartsWith("blocking.go1.19.trace.", StringComparison.Ordinal) || n.StartsWith("blocking.go1.21.trace.", StringComparison.Ordinal))
            && !n.Contains(".parsed.", StringComparison.Ordinal);
        var expected = Directory.GetFiles(TestData.Traces).Select(f => Path.GetFileName(f)).Where(IsLegacyTrace)
            .Concat(Directory.GetFiles(TestData.Damaged).Select(f => Path.GetFileName(f)).Where(IsLegacyVariant))
            .Order(StringComparer.Ordinal).ToList();
        var goldens = GoldenNameList();
        Assert.Equal(expected, goldens);
        Assert.True(goldens.Count >= 40);
    }

    [Theory]
    [MemberData(nameof(LegacyTraces))]
    public void Read_sizes_do_not_matter(string trace)
    {
        var file = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        int version = LegacyHeader(file);
        var (whole, err) = Outcome(new MemoryStream(file, writable: false), version);
        Assert.Null(err);
        foreach (int chunk in new[] { 1, 7, 4096 })
        {
            var (text, e) = Outcome(new ChunkedStream(file, chunk), version);
            Assert.Null(e);
            Assert.True(text == whole, $"{trace}: reading {chunk} byte(s) at a time gives a different result");
        }
    }

    [Theory]
    [MemberData(nameof(LegacyTraces))]
    public void Read_sizes_do_not_matter_for_errors(string trace)
    {
        var file = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        int version = LegacyHeader(file);
        foreach (int cut in new[] { 17, file.Length / 3, file.Length - 1 })
        {
            var (_, whole) = Outcome(new MemoryStream(file, 0, cut, writable: false), version);
            Assert.NotNull(whole);
            foreach (int chunk in new[] { 1, 7, 4096 })
            {
                var (_, e) = Outcome(new ChunkedStream(file[..cut], chunk), version);
                Assert.Equal(whole.Message, e?.Message);
            }
        }
    }

    [Theory]
    [MemberData(nameof(LegacyTraces))]
    public void Truncation_anywhere_yields_a_result_or_the_format_exception(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        int version = LegacyHeader(good);
        var cuts = new SortedSet<int> { 16, 17, 18, 20, 23, 30, good.Length - 2, good.Length - 1 };
        for (int i = 1; i < 200; i++) cuts.Add(16 + (good.Length - 16) * i / 200);
        int failed = 0, parsed = 0;
        foreach (var cut in cuts.Where(c => c >= 16 && c < good.Length))
        {
            var (_, err) = OutcomeWithin(good[..cut], version, $"{trace} cut at {cut}");
            if (err is null) parsed++;
            else
            {
                failed++;
                Assert.InRange(err.Offset, -1, cut);
            }
        }
        Assert.True(failed > 0, $"{trace}: no truncation was rejected ({parsed} parsed)");
    }

    [Theory]
    [MemberData(nameof(LegacyTraces))]
    public void Random_byte_flips_yield_a_result_or_the_format_exception(string trace)
    {
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        int version = LegacyHeader(good);
        var rng = new Random(20261122 ^ trace.Length);
        for (int i = 0; i < 150; i++)
        {
            var bad = (byte[])good.Clone();
            int flips = 1 + (i % 3);
            var what = new StringBuilder(trace);
            for (int k = 0; k < flips; k++)
            {
                int at = rng.Next(16, good.Length);
                byte x = (byte)rng.Next(1, 256);
                bad[at] ^= x;
                what.Append(CultureInfo.InvariantCulture, $" byte {at} xor 0x{x:x2}");
            }
            var (_, err) = OutcomeWithin(bad, version, what.ToString());
            if (err is not null) Assert.InRange(err.Offset, -1, bad.Length);
        }
    }

    // ---- hand-made inputs: a few of the reference's rules in isolation ------------------------------------

    private static TraceFormatException? ParseBytes(int version, params byte[] body)
    {
        var file = Encoding.ASCII.GetBytes($"go 1.{version} trace\0\0\0").Concat(body).ToArray();
        return Outcome(new MemoryStream(file), version).Error;
    }

    [Fact]
    public void An_empty_body_has_no_frequency()
    {
        var err = ParseBytes(19);
        Assert.Equal("no EvFrequency event", err?.Reason);
        Assert.Equal(-1, err!.Offset);
    }

    [Fact]
    public void A_record_before_the_first_batch_is_rejected_with_its_offset()
    {
        // String 1 = "x" (allowed before any batch), then ProcStop with dt 1.
        var err = ParseBytes(21, 0x25, 0x01, 0x01, (byte)'x', 0x06, 0x01);
        Assert.Equal("read event 6 with current P of 0, but P has no batches yet", err?.Reason);
        Assert.Equal(16 + 4, err!.Offset);
    }

    [Fact]
    public void CPU_samples_need_a_119_or_121_header()
    {
        var err = ParseBytes(11, 0x41, 0x00, 0x01, 0xf1, 0x05, 0x01, 0x02, 0x00, 0x01, 0x01);
        Assert.Equal("unknown event type 49", err?.Reason);
        Assert.Equal(16 + 3, err!.Offset);
    }

    [Fact]
    public void Oversized_length_prefixes_are_refused_before_reading()
    {
        // Batch P 0, then a Stack record claiming 2^40 bytes.
        var err = ParseBytes(21, 0x41, 0x00, 0x01, 0xc3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20);
        Assert.Equal("failed to read event 3 argument: length-prefixed argument too big: 1099511627776 bytes, limit is 2048", err?.Reason);
    }

    [Fact]
    public void Huge_strings_are_refused_before_allocating()
    {
        // Batch P 0, String id 1 with length 2^40: pass 1 finds it runs past the end.
        var err = ParseBytes(19, 0x41, 0x00, 0x01, 0x25, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20);
        Assert.Equal("failed to read trace: EOF", err?.Reason);
        Assert.Equal(16 + 3, err!.Offset);
    }

    [Fact]
    public void A_minimal_trace_parses()
    {
        // Batch P 0 at tick 100; ProcStart dt 10 M 3; ProcStop dt 30; Frequency 1e9/4 ticks per second.
        var file = Encoding.ASCII.GetBytes("go 1.21 trace\0\0\0")
            .Concat(new byte[] { 0x41, 0x00, 0x64, 0x45, 0x0a, 0x03, 0x06, 0x1e, 0x02, 0x80, 0xe5, 0x9a, 0x77 }).ToArray();
        var tr = ParseStream(new MemoryStream(file), 21);
        Assert.Equal(2, tr.Events.Length);
        Assert.Equal((0L, LegacyEv.ProcStart, 0, 3UL), (tr.Events[0].Ts, tr.Events[0].Type, tr.Events[0].P, tr.Events[0].A0));
        Assert.Equal((120L, LegacyEv.ProcStop), (tr.Events[1].Ts, tr.Events[1].Type));
    }

    [Theory]
    [InlineData(19, 0UL, 1)]
    [InlineData(19, 1UL, 2)]
    [InlineData(19, 2UL, 0)]
    [InlineData(21, 0UL, 0)]
    [InlineData(21, 9UL, 9)]
    [InlineData(21, 16UL, 16)]
    [InlineData(21, 17UL, 0)]
    public void STW_reasons_follow_the_version(int version, ulong kind, int reason) =>
        Assert.Equal(reason, LegacyEventInfo.StwReason(version, kind));
}
