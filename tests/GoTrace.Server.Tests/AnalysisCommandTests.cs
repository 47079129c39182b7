using GoTrace.Analysis;
using GoTrace.Analysis.Pprof;

namespace GoTrace.Server.Tests;

/// <summary>`gotrace pprof` and `gotrace report` as real processes.</summary>
public sealed class AnalysisCommandTests
{
    private static string Trace(string name) => Path.Combine(Gotrace.Root, "testdata", "traces", name);

    private static Dictionary<string, (long, long)> Samples(Profile p)
    {
        var locs = p.Location.ToDictionary(l => l.Id);
        var funcs = p.Function.ToDictionary(f => f.Id);
        return p.Sample.ToDictionary(
            s => string.Join("|", s.LocationId.Select(id => $"{locs[id].Address:x} {p.StringTable[(int)funcs[locs[id].Line[0].FunctionId].Name]}:{locs[id].Line[0].Line_}")),
            s => (s.Value[0], s.Value[1]));
    }

    [Theory]
    [InlineData("blocking.go1.27.trace", "sync")]
    [InlineData("netio.go1.21.trace", "net")]
    [InlineData("netio.go1.25.trace", "syscall")]
    [InlineData("gotest.go1.22.trace", "sched")]
    public void Pprof_writes_gos_profile(string trace, string type)
    {
        var outFile = Path.Combine(Path.GetTempPath(), $"gotrace-test-{Guid.NewGuid():N}.pb.gz");
        try
        {
            var (exit, stdout, stderr) = Gotrace.Run("pprof", "--type", type, Trace(trace), "-o", outFile);
            Assert.Equal("", stderr);
            Assert.Equal(0, exit);
            Assert.Empty(stdout);
            Profile ours, go;
            using (var f = File.OpenRead(outFile)) ours = PprofWriter.Read(f);
            using (var f = File.OpenRead(Path.Combine(Gotrace.Root, "testdata", "golden-pprof", $"{trace}.{type}.pb.gz"))) go = PprofWriter.Read(f);
            Assert.Equal(Samples(go), Samples(ours));
            Assert.NotEmpty(ours.Sample);
        }
        finally
        {
            File.Delete(outFile);
        }
    }

    [Fact]
    public void Pprof_to_stdout_is_gzip()
    {
        var (exit, stdout, _) = Gotrace.Run("pprof", "-t", "sync", Trace("blocking.go1.22.trace"));
        Assert.Equal(0, exit);
        Assert.Equal([0x1f, 0x8b], stdout[..2]);
        Assert.NotEmpty(PprofWriter.Read(new MemoryStream(stdout)).Sample);
    }

    [Fact]
    public void Pprof_goroutine_group_filter_keeps_only_that_group()
    {
        var (exit, stdout, stderr) = Gotrace.Run("pprof", "-t", "sync", "--goroutine-name", "main.lockContender", Trace("blocking.go1.27.trace"));
        Assert.True(exit == 0, stderr);
        var p = PprofWriter.Read(new MemoryStream(stdout));
        Assert.NotEmpty(p.Sample);
        // Every sample of that group blocks in sync.(*Mutex).Lock called from main.lockContender.
        Assert.All(Samples(p).Keys, k => Assert.Contains("main.lockContender", k));
        var (exit2, _, err2) = Gotrace.Run("pprof", "-t", "sync", "--goroutine-name", "main.noSuchFunction", Trace("blocking.go1.27.trace"));
        Assert.Equal(1, exit2);
        Assert.Contains("failed to find matching goroutines for name: main.noSuchFunction", err2);
    }

    [Fact]
    public void Pprof_rejects_an_unknown_type_and_a_missing_file()
    {
        var (exit, _, stderr) = Gotrace.Run("pprof", "-t", "mutex", Trace("blocking.go1.27.trace"));
        Assert.NotEqual(0, exit);
        Assert.Contains("mutex", stderr);
        var missing = Path.Combine(Path.GetTempPath(), "no-such-trace.out");
        var (exit2, _, stderr2) = Gotrace.Run("pprof", "-t", "sync", missing);
        Assert.Equal(2, exit2);
        Assert.Contains(missing, stderr2);
    }

    [Fact]
    public void Pprof_of_a_damaged_trace_warns_and_profiles_the_valid_prefix()
    {
        var variant = Path.Combine(Gotrace.Root, "testdata", "damaged", "blocking.go1.27.trace.trunc-mid");
        Assert.True(File.Exists(variant), variant);
        var golden = Path.Combine(Gotrace.Root, "testdata", "golden-pprof", "damaged", "blocking.go1.27.trace.trunc-mid.sync.pb.gz");
        var (exit, stdout, stderr) = Gotrace.Run("pprof", "-t", "sync", variant);
        Assert.Equal(0, exit);
        Assert.Contains("warning", stderr);
        Assert.Contains("damaged", stderr);
        using var g = File.OpenRead(golden);
        Assert.Equal(Samples(PprofWriter.Read(g)), Samples(PprofWriter.Read(new MemoryStream(stdout))));
    }
}

/// <summary>`gotrace report`: the totals are Go's profile totals, the sites name the program's lines.</summary>
public sealed class ReportCommandTests
{
    private static string Trace(string name) => Path.Combine(Gotrace.Root, "testdata", "traces", name);

    [Theory]
    [InlineData("blocking.go1.27.trace")]
    [InlineData("netio.go1.19.trace")]
    public void Report_totals_equal_gos_profiles(string trace)
    {
        var (exit, stdout, stderr) = Gotrace.Run("report", Trace(trace));
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        var text = System.Text.Encoding.UTF8.GetString(stdout);
        foreach (var (type, title) in new[] { ("sync", "Synchronization blocking"), ("net", "Network blocking"), ("syscall", "Syscalls"), ("sched", "Scheduler latency") })
        {
            Profile go;
            using (var f = File.OpenRead(Path.Combine(Gotrace.Root, "testdata", "golden-pprof", $"{trace}.{type}.pb.gz"))) go = PprofWriter.Read(f);
            long total = go.Sample.Sum(s => s.Value[1]), count = go.Sample.Sum(s => s.Value[0]);
            Assert.Contains($": {GoFormat.Duration(total)} in {count:N0} waits at {go.Sample.Count:N0} stacks", text.Split('\n').Single(l => l.StartsWith(title, StringComparison.Ordinal)));
        }
        Assert.Contains("Goroutine groups", text);
    }

    [Fact]
    public void Report_names_the_blocking_line_of_the_program()
    {
        var (exit, stdout, _) = Gotrace.Run("report", "-n", "20", Trace("blocking.go1.27.trace"));
        Assert.Equal(0, exit);
        var text = System.Text.Encoding.UTF8.GetString(stdout);
        Assert.Contains("main.condWaiter gotrace.test/blocking/main.go:106", text);   // cond.Wait() // BLOCKS: ...
        Assert.Contains("goroutines: main.condWaiter", text);
        Assert.Matches(@"\n\s+12\s+\S+.*main\.lockContender\n", text);               // 12 contenders in the groups
    }
}
