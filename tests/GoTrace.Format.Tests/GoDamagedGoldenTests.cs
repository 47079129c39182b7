namespace GoTrace.Format.Tests;

/// <summary>
/// Damaged variants made by testdata/tools/damage and run through Go 1.27's <c>go tool trace -d=parsed</c>
/// (testdata/damaged, listed in MANIFEST.tsv): our stdout equals Go's (byte for byte for the modern formats, up to
/// Go's random order of equal-time events for the legacy ones) and our error is Go's error. Where Go's message ends with a dump of its internal maps (whose order is random),
/// only the deterministic head of the message is compared.
/// </summary>
public sealed class GoDamagedGoldenTests
{
    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(TestData.Damaged, "MANIFEST.tsv")).Skip(1))
        {
            var cols = line.Split('\t');
            if (cols.Length < 2) continue;
            data.Add(cols[0]);
        }
        return data;
    }

    private static bool IsLegacySource(string variant)
    {
        var row = File.ReadAllLines(Path.Combine(TestData.Damaged, "MANIFEST.tsv")).Skip(1).Select(l => l.Split('\t')).First(r => r[0] == variant);
        return TraceHeader.IsLegacy(TestData.HeaderVersion(Path.Combine(TestData.Traces, row[1])));
    }

    [Fact]
    public void Manifest_covers_every_modern_format_and_every_kind_of_damage()
    {
        var rows = File.ReadAllLines(Path.Combine(TestData.Damaged, "MANIFEST.tsv")).Skip(1).Select(l => l.Split('\t')).ToList();
        var modern = rows.Where(r => TraceHeader.IsModern(TestData.HeaderVersion(Path.Combine(TestData.Traces, r[1])))).ToList();
        Assert.Equal([22, 23, 25, 26], modern.Select(r => TestData.HeaderVersion(Path.Combine(TestData.Traces, r[1]))).Distinct().Order());
        Assert.Superset(new HashSet<string> { "truncate", "flip", "zero", "text", "version" }, modern.Select(r => r[2]).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Damaged_variant_gives_gos_events_and_gos_error(string variant)
    {
        var expected = TestData.Gunzip(Path.Combine(TestData.Damaged, variant + ".parsed.gz"));
        var (goExit, goErr) = TestData.GoOutcome(Path.Combine(TestData.Damaged, variant + ".parsed.err"));
        var (actual, error, _) = Dumper.DumpWithin(File.ReadAllBytes(Path.Combine(TestData.Damaged, variant)), TimeSpan.FromSeconds(30), variant);
        var actualPath = Path.Combine(TestData.Damaged, variant + ".parsed.actual");
        if (IsLegacySource(variant))
        {
            // Legacy output (when a damaged file still parses) is compared up to Go's random ties (see LegacyGoldenTests).
            LegacyGoldenTests.AssertSameUpToTies(expected, actual, variant, actualPath);
        }
        else if (!expected.AsSpan().SequenceEqual(actual))
        {
            File.WriteAllBytes(actualPath, actual);
            Assert.Fail($"{variant}: output differs from Go's; ours is in {actualPath}");
        }
        if (goExit == 0)
        {
            Assert.Null(error);
            return;
        }
        Assert.NotNull(error);
        goErr = goErr.TrimEnd('\n');
        if (error.Reason.StartsWith("broken trace: failed to advance", StringComparison.Ordinal))
            Assert.StartsWith(error.Reason, goErr);
        else
            Assert.Equal(goErr, error.Reason);
    }
}
