using GoTrace.Analysis.Pprof;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// Our four blocking profiles against the ones Go 1.27's <c>go tool trace -pprof=TYPE</c> wrote for the same traces
/// (testdata/golden-pprof, made by testdata/tools/capture-pprof.sh): sample for sample, same stacks (PC, function,
/// file, line of every frame), same count and delay. Go's sample order comes from a hash map, so samples are compared
/// as a set keyed by their stack.
/// </summary>
public class ProfileTests
{
    private static string Golden => Path.Combine(TestData.Root, "testdata", "golden-pprof");

    public static TheoryData<string, string> TracesAndTypes()
    {
        var d = new TheoryData<string, string>();
        foreach (var t in TestData.AllTraceNames())
            foreach (var k in new[] { "net", "sync", "syscall", "sched" }) d.Add(t, k);
        return d;
    }

    internal static BlockingKind Kind(string s) => s switch
    {
        "net" => BlockingKind.Net,
        "sync" => BlockingKind.Sync,
        "syscall" => BlockingKind.Syscall,
        _ => BlockingKind.Sched,
    };

    /// <summary>Samples of a profile as "stack" -> (count, delay); the stack renders every frame.</summary>
    internal static Dictionary<string, (long Count, long Delay)> Samples(Profile p)
    {
        var locs = p.Location.ToDictionary(l => l.Id);
        var funcs = p.Function.ToDictionary(f => f.Id);
        var res = new Dictionary<string, (long, long)>();
        foreach (var s in p.Sample)
        {
            var frames = s.LocationId.Select(id =>
            {
                var l = locs[id];
                Assert.Single(l.Line);
                var f = funcs[l.Line[0].FunctionId];
                return $"{l.Address:x} {p.StringTable[(int)f.Name]} {p.StringTable[(int)f.Filename]}:{l.Line[0].Line_}";
            });
            var key = string.Join(" | ", frames);
            Assert.True(res.TryAdd(key, (s.Value[0], s.Value[1])), "two samples with stack " + key);
        }
        return res;
    }

    internal static Profile Ours(Stream trace, BlockingKind kind, out PassEnd end)
    {
        var stacks = new StackTable();
        var c = new BlockingCollector(stacks);
        end = TracePass.Run(trace, [c]);
        var records = BlockingProfile.Compute(c, kind, ProfileFilter.ByGoroutines(c));
        var ms = new MemoryStream();
        PprofWriter.Write(ms, stacks, records);
        ms.Position = 0;
        return PprofWriter.Read(ms);
    }

    internal static void AssertSameSamples(Profile go, Profile ours, string what)
    {
        var g = Samples(go);
        var o = Samples(ours);
        var missing = g.Keys.Except(o.Keys).Take(3).ToList();
        var extra = o.Keys.Except(g.Keys).Take(3).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{what}: {g.Count} samples in Go's, {o.Count} in ours; only Go's: [{string.Join("; ", missing)}]; only ours: [{string.Join("; ", extra)}]");
        foreach (var (k, v) in g)
            Assert.True(v == o[k], $"{what}: stack {k}: Go count={v.Count} delay={v.Delay}, ours count={o[k].Count} delay={o[k].Delay}");
    }

    [Theory]
    [MemberData(nameof(TracesAndTypes))]
    public void ProfileEqualsGoTool(string trace, string type)
    {
        Profile go;
        using (var f = File.OpenRead(Path.Combine(Golden, $"{trace}.{type}.pb.gz"))) go = PprofWriter.Read(f);
        using var t = File.OpenRead(TestData.TracePath(trace));
        var ours = Ours(t, Kind(type), out _);
        AssertSameSamples(go, ours, $"{trace} -pprof={type}");
        // The encoding's fixed parts, as Go writes them.
        string S(long i) => ours.StringTable[(int)i];
        Assert.Equal(["contentions/count", "delay/nanoseconds"], ours.SampleType.Select(v => S(v.Type) + "/" + S(v.Unit)));
        Assert.Equal("trace/count", S(ours.PeriodType.Type) + "/" + S(ours.PeriodType.Unit));
        Assert.Equal(1, ours.Period);
        Assert.Equal("", ours.StringTable[0]);
    }

    public static TheoryData<string, string> DamagedAndTypes()
    {
        var d = new TheoryData<string, string>();
        var dir = Path.Combine(Golden, "damaged");
        foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
        {
            var n = Path.GetFileName(f);
            string stem = n.EndsWith(".pb.gz", StringComparison.Ordinal) ? n[..^6] : n.EndsWith(".err", StringComparison.Ordinal) ? n[..^4] : "";
            if (stem == "") continue;
            int dot = stem.LastIndexOf('.');
            d.Add(stem[..dot], stem[(dot + 1)..]);
        }
        return d;
    }

    /// <summary>Damaged traces: where Go still makes a profile from the valid prefix, ours is the same; where Go fails, we fail.</summary>
    [Theory]
    [MemberData(nameof(DamagedAndTypes))]
    public void DamagedProfileEqualsGoTool(string variant, string type)
    {
        var path = Path.Combine(TestData.Root, "testdata", "damaged", variant);
        var golden = Path.Combine(Golden, "damaged", $"{variant}.{type}.pb.gz");
        using var t = File.OpenRead(path);
        if (!File.Exists(golden))
        {
            var goErr = File.ReadAllLines(Path.ChangeExtension(golden, null)[..^3] + ".err")[1];
            const string noGoroutines = "failed to generate pprof: ", readerFailed = "failed to create trace reader: ";
            if (goErr.StartsWith(noGoroutines, StringComparison.Ordinal))
            {
                // A file with nothing but a header (or a first generation that is only its Sync): no goroutines.
                var e = Assert.Throws<ArgumentException>(() => Ours(t, Kind(type), out _));
                Assert.Equal(goErr[noGoroutines.Length..], e.Message);
            }
            else
            {
                Assert.StartsWith(readerFailed, goErr);
                var e = Assert.Throws<TraceFormatException>(() => Ours(t, Kind(type), out _));
                Assert.StartsWith(e.Reason, goErr[readerFailed.Length..]);
            }
            return;
        }
        Profile go;
        using (var f = File.OpenRead(golden)) go = PprofWriter.Read(f);
        AssertSameSamples(go, Ours(t, Kind(type), out _), $"{variant} -pprof={type}");
    }
}
