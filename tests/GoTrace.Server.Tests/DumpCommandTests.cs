using System.Diagnostics;
using System.IO.Compression;

namespace GoTrace.Server.Tests;

/// <summary>
/// The `gotrace dump` command line, run as a real process (the built gotrace.dll under `dotnet`): output, exit codes
/// and messages as documented in the README.
/// </summary>
public sealed class DumpCommandTests
{
    private static string Root => Gotrace.Root;

    private static (int Exit, byte[] Stdout, string Stderr) Run(params string[] args) => Gotrace.Run(args);

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    [Theory]
    [InlineData("blocking.go1.27.trace")]
    [InlineData("annotations.go1.21.trace")]
    public void Dump_prints_gos_parsed_text_and_exits_0(string trace)
    {
        var (exit, stdout, stderr) = Run("dump", Path.Combine(Root, "testdata", "traces", trace));
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.True(Gunzip(Path.Combine(Root, "testdata", "golden", trace + ".parsed.gz")).AsSpan().SequenceEqual(stdout), $"stdout of gotrace dump {trace} differs from Go's");
    }

    [Fact]
    public void Dump_of_a_damaged_trace_prints_what_was_good_then_the_error_and_exits_1()
    {
        const string variant = "blocking.go1.27.trace.trunc-mid";
        var (exit, stdout, stderr) = Run("dump", Path.Combine(Root, "testdata", "damaged", variant));
        Assert.Equal(1, exit);
        Assert.True(Gunzip(Path.Combine(Root, "testdata", "damaged", variant + ".parsed.gz")).AsSpan().SequenceEqual(stdout));
        var goError = File.ReadAllLines(Path.Combine(Root, "testdata", "damaged", variant + ".parsed.err"))[1];
        Assert.StartsWith("gotrace: ", stderr);
        Assert.Contains("batch payload at offset 0x", stderr);
        Assert.EndsWith(goError + "\n", stderr);
    }

    [Fact]
    public void Dump_of_a_missing_file_exits_2_naming_the_file()
    {
        var (exit, stdout, stderr) = Run("dump", "/nonexistent/trace.out");
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("/nonexistent/trace.out", stderr);
    }

    [Fact]
    public void Dump_of_an_unknown_version_exits_1_with_gos_message()
    {
        var (exit, stdout, stderr) = Run("dump", Path.Combine(Root, "testdata", "damaged", "blocking.go1.27.trace.version"));
        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("unknown or unsupported trace version go 1.99", stderr);
    }

    [Fact]
    public void Dump_count_reports_the_number_of_events_by_kind()
    {
        const string trace = "blocking.go1.27.trace";
        var (exit, stdout, _) = Run("dump", "--count", Path.Combine(Root, "testdata", "traces", trace));
        Assert.Equal(0, exit);
        var text = System.Text.Encoding.UTF8.GetString(stdout);
        var golden = System.Text.Encoding.UTF8.GetString(Gunzip(Path.Combine(Root, "testdata", "golden", trace + ".parsed.gz")));
        int goEvents = golden.Split('\n').Count(l => l.StartsWith("M=", StringComparison.Ordinal));
        int goSyncs = golden.Split('\n').Count(l => l.StartsWith("M=-1 P=-1 G=-1 Sync ", StringComparison.Ordinal));
        Assert.Contains($"events {goEvents}\n", text);
        Assert.Contains($"  Sync {goSyncs}\n", text);
    }
}
