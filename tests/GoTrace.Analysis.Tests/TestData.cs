using System.IO.Compression;
using System.Text;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>Locates the repository's committed traces and the goldens Go produced for them.</summary>
internal static class TestData
{
    public static readonly string Root = FindRoot();

    public static string Traces => Path.Combine(Root, "testdata", "traces");

    public static string TracePath(string name) => Path.Combine(Traces, name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Server.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Server.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Header version of a trace file (the NN of "go 1.NN trace"), or 0.</summary>
    public static int HeaderVersion(string path)
    {
        var head = new byte[16];
        using var f = File.OpenRead(path);
        int n = f.Read(head);
        var s = Encoding.ASCII.GetString(head, 0, n);
        if (!s.StartsWith("go 1.", StringComparison.Ordinal)) return 0;
        int end = s.IndexOf(' ', 5);
        return end > 5 && int.TryParse(s.AsSpan(5, end - 5), out int v) ? v : 0;
    }

    /// <summary>Names of every committed trace Go 1.27 reads (modern and legacy formats).</summary>
    public static List<string> AllTraceNames() =>
        Directory.GetFiles(Traces, "*.trace").Order(StringComparer.Ordinal)
            .Where(f => { int v = HeaderVersion(f); return TraceHeader.IsModern(v) || TraceHeader.IsLegacy(v); })
            .Select(f => Path.GetFileName(f)!).ToList();

    /// <summary>Every committed trace Go 1.27 reads, as xunit theory data.</summary>
    public static TheoryData<string> AllTraces()
    {
        var data = new TheoryData<string>();
        foreach (var f in AllTraceNames()) data.Add(f);
        return data;
    }

    public static byte[] Gunzip(string path)
    {
        using var f = File.OpenRead(path);
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
