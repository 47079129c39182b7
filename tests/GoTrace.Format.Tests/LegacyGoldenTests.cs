using System.Text;
using Xunit.Abstractions;

namespace GoTrace.Format.Tests;

/// <summary>
/// Legacy traces (Go 1.19 and 1.21, headers "go 1.19 trace" and "go 1.21 trace"): our dump equals Go 1.27's
/// <c>go tool trace -d=parsed</c>. Go's legacy parser breaks ties between events with the same timestamp on
/// different Ps in map-iteration order, i.e. at random (trace-format-legacy.md §3.3, §4.4), and its converter then
/// spreads equal times 1 ns apart; so where the exact comparison fails, the outputs are compared again with the
/// events of each run of 1-ns-spaced times taken as a set. The test says which traces matched exactly.
/// </summary>
public sealed class LegacyGoldenTests
{
    public static TheoryData<string> Traces()
    {
        var data = new TheoryData<string>();
        foreach (var t in LegacyTraceNames()) data.Add(t);
        return data;
    }

    public static List<string> LegacyTraceNames() =>
        Directory.GetFiles(TestData.Traces, "*.trace").Order(StringComparer.Ordinal)
            .Where(f => TraceHeader.IsLegacy(TestData.HeaderVersion(f))).Select(Path.GetFileName).ToList()!;

    private readonly ITestOutputHelper _out;

    public LegacyGoldenTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void Testdata_has_legacy_traces_of_go_1_19_and_1_21()
    {
        var versions = LegacyTraceNames().Select(t => TestData.HeaderVersion(Path.Combine(TestData.Traces, t))).ToHashSet();
        Assert.Equal([19, 21], versions.Order());
    }

    /// <summary>Splits -d=parsed text into event records (an event line plus its stack lines).</summary>
    internal static List<(long Time, string Text)> Records(byte[] output)
    {
        var text = Encoding.UTF8.GetString(output);
        var records = new List<(long, string)>();
        var lines = text.Split('\n');
        var cur = new StringBuilder();
        long time = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("M=", StringComparison.Ordinal))
            {
                if (cur.Length > 0) records.Add((time, cur.ToString()));
                cur.Clear();
                int at = line.IndexOf(" Time=", StringComparison.Ordinal) + 6;
                int end = line.IndexOf(' ', at);
                time = long.Parse(end < 0 ? line[at..] : line[at..end]);
            }
            cur.Append(line).Append('\n');
        }
        if (cur.Length > 0) records.Add((time, cur.ToString()));
        return records;
    }

    /// <summary>Records grouped into runs of 1-ns-spaced times, each run with times blanked and sorted.</summary>
    internal static List<string> TieInsensitive(byte[] output)
    {
        var runs = new List<string>();
        var run = new List<string>();
        long prev = long.MinValue;
        foreach (var (time, text) in Records(output))
        {
            if (run.Count > 0 && time != prev + 1)
            {
                run.Sort(StringComparer.Ordinal);
                runs.Add(string.Concat(run));
                run.Clear();
            }
            int at = text.IndexOf(" Time=", StringComparison.Ordinal) + 6;
            int end = text.IndexOfAny([' ', '\n'], at);
            run.Add(text[..at] + "_" + text[end..]);
            prev = time;
        }
        run.Sort(StringComparer.Ordinal);
        runs.Add(string.Concat(run));
        return runs;
    }

    /// <summary>Asserts that our output equals Go's, exactly or up to the order of equal-time events; returns whether it was exact.</summary>
    internal static bool AssertSameUpToTies(byte[] expected, byte[] actual, string what, string actualPath)
    {
        if (expected.AsSpan().SequenceEqual(actual)) return true;
        var e = TieInsensitive(expected);
        var a = TieInsensitive(actual);
        if (e.Count != a.Count || !e.SequenceEqual(a))
        {
            File.WriteAllBytes(actualPath, actual);
            int i = 0;
            while (i < Math.Min(e.Count, a.Count) && e[i] == a[i]) i++;
            Assert.Fail($"{what}: differs from Go's output beyond the order of equal-time events (first differing run #{i}); ours is in {actualPath}");
        }
        return false;
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Dump_equals_go_tool_trace_parsed_up_to_random_ties(string trace)
    {
        var golden = Path.Combine(TestData.Golden, trace + ".parsed.gz");
        var expected = TestData.Gunzip(golden);
        var (goExit, goErr) = TestData.GoOutcome(Path.Combine(TestData.Golden, trace + ".parsed.err"));
        var (actual, error, _) = Dumper.Dump(File.ReadAllBytes(Path.Combine(TestData.Traces, trace)));
        Assert.Equal(goExit == 0, error is null);
        if (error is not null) Assert.Equal(goErr.TrimEnd('\n'), error.Reason);
        bool exact = AssertSameUpToTies(expected, actual, trace, Path.Combine(TestData.Golden, trace + ".parsed.actual"));
        _out.WriteLine(exact ? $"{trace}: byte-identical" : $"{trace}: identical up to the order of equal-time events");
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Damage_yields_nothing_or_everything_and_only_the_format_exception(string trace)
    {
        // A legacy trace is parsed whole before its first event (as Go does): damage either leaves a trace Go
        // still accepts (a flipped byte in a string, a cut inside the final stack table) or rejects it entirely.
        var good = File.ReadAllBytes(Path.Combine(TestData.Traces, trace));
        var rng = new Random(20261121 ^ trace.Length);
        for (int i = 0; i < 80; i++)
        {
            var bad = i < 40 ? good[..rng.Next(0, good.Length)] : Flip(good, rng);
            var (output, error, _) = Dumper.DumpWithin(bad, TimeSpan.FromSeconds(30), $"{trace} variant {i}");
            if (error is not null && error.Reason != "unexpected event type 36")
                Assert.Empty(output);
        }
    }

    private static byte[] Flip(byte[] good, Random rng)
    {
        var bad = (byte[])good.Clone();
        bad[rng.Next(16, good.Length)] ^= (byte)rng.Next(1, 256);
        return bad;
    }
}
