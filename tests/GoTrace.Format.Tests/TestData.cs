using System.IO.Compression;
using System.Text;

namespace GoTrace.Format.Tests;

/// <summary>Locates the repository's committed traces and Go-produced goldens.</summary>
internal static class TestData
{
    public static readonly string Root = FindRoot();

    public static string Traces => Path.Combine(Root, "testdata", "traces");
    public static string Golden => Path.Combine(Root, "testdata", "golden");
    public static string Damaged => Path.Combine(Root, "testdata", "damaged");

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

    /// <summary>Every committed trace in a modern (Go 1.22+) format, as xunit theory data.</summary>
    public static TheoryData<string> ModernTraces()
    {
        var data = new TheoryData<string>();
        foreach (var f in ModernTraceNames()) data.Add(f);
        return data;
    }

    /// <summary>Every committed trace Go 1.27 reads (modern and legacy formats), as xunit theory data.</summary>
    public static TheoryData<string> AllTraces()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Traces, "*.trace").Order(StringComparer.Ordinal))
        {
            int v = HeaderVersion(f);
            if (TraceHeader.IsModern(v) || TraceHeader.IsLegacy(v)) data.Add(Path.GetFileName(f));
        }
        return data;
    }

    public static List<string> ModernTraceNames() =>
        Directory.GetFiles(Traces, "*.trace").Order(StringComparer.Ordinal)
            .Where(f => TraceHeader.IsModern(HeaderVersion(f))).Select(Path.GetFileName).ToList()!;

    public static byte[] Gunzip(string path)
    {
        using var f = File.OpenRead(path);
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Go's recorded outcome: exit code and stderr text (file "&lt;name&gt;.parsed.err": "exit=N" then stderr).</summary>
    public static (int Exit, string Stderr) GoOutcome(string errFile)
    {
        var text = File.ReadAllText(errFile);
        int nl = text.IndexOf('\n');
        var first = nl < 0 ? text : text[..nl];
        if (!first.StartsWith("exit=", StringComparison.Ordinal)) throw new InvalidDataException($"{errFile}: first line must be exit=N");
        return (int.Parse(first.AsSpan(5)), nl < 0 ? "" : text[(nl + 1)..]);
    }
}

/// <summary>Runs our reader the way <c>gotrace dump</c> does and captures stdout and the error.</summary>
internal static class Dumper
{
    static Dumper() => ParsedFormatter.WallClockZone = TimeZoneInfo.Utc; // goldens were made with TZ=UTC

    public static (byte[] Output, TraceFormatException? Error, int Events) Dump(Stream input, int limitEvents = int.MaxValue,
        Action<TraceReader>? configure = null)
    {
        var ms = new MemoryStream();
        TraceFormatException? err = null;
        int n = 0;
        using (var w = new GoTextWriter(ms))
        {
            try
            {
                var r = TraceReader.Open(input);
                configure?.Invoke(r);
                while (n < limitEvents && r.TryRead(out var ev))
                {
                    ParsedFormatter.Write(w, ev);
                    n++;
                }
            }
            catch (TraceFormatException e)
            {
                err = e;
            }
        }
        return (ms.ToArray(), err, n);
    }

    public static (byte[] Output, TraceFormatException? Error, int Events) Dump(byte[] file) => Dump(new MemoryStream(file, writable: false));

    /// <summary>Dumps on a worker thread and fails if that takes longer than <paramref name="limit"/> (a hang is a bug).</summary>
    public static (byte[] Output, TraceFormatException? Error, int Events) DumpWithin(byte[] file, TimeSpan limit, string what)
    {
        var task = Task.Run(() => Dump(file));
        if (!task.Wait(limit)) Assert.Fail($"{what}: the reader did not finish within {limit}");
        return task.Result; // any exception other than TraceFormatException fails the test here
    }
}

/// <summary>A stream that returns at most <c>chunk</c> bytes per read, to prove the reader does not depend on read sizes.</summary>
internal sealed class ChunkedStream(byte[] data, int chunk) : Stream
{
    private int _pos;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _pos; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
