using System.CommandLine;
using System.Diagnostics;
using GoTrace.Format;

namespace GoTrace.Server;

/// <summary><c>gotrace dump</c>: prints the ordered event stream as <c>go tool trace -d=parsed</c> does, or counts it.</summary>
internal static class DumpCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "trace file (any format Go 1.27 reads: Go 1.11-1.27)" };
        var count = new Option<bool>("--count") { Description = "order every event but print only counts (for benchmarks)" };
        var cmd = new Command("dump", "print every event after ordering, in the text format of `go tool trace -d=parsed`")
        {
            file, count,
        };
        cmd.SetAction(r => Run(r.GetValue(file)!, r.GetValue(count)));
        return cmd;
    }

    private static int Run(FileInfo file, bool countOnly)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"gotrace: cannot open {file.FullName}: {e.Message}");
            return 2;
        }
        using (stream)
        {
            return countOnly ? Count(stream, file.FullName) : Dump(stream, file.FullName);
        }
    }

    private static int Dump(Stream input, string path)
    {
        using var stdout = Console.OpenStandardOutput();
        var w = new GoTextWriter(stdout);
        try
        {
            try
            {
                var reader = TraceReader.Open(input);
                reader.ReadAhead = true;
                while (reader.TryRead(out var ev)) ParsedFormatter.Write(w, ev);
                w.Flush();
                return 0;
            }
            catch (TraceFormatException e)
            {
                w.Flush();
                Console.Error.WriteLine($"gotrace: {path}: {e.Message}");
                return 1;
            }
        }
        catch (IOException e)
        {
            // Reading the trace or writing the output failed (a full disk, a device error): say so, never crash.
            // (A closed pipe is not an error here: .NET drops writes to a console stream whose reader went away.)
            Console.Error.WriteLine($"gotrace: {path}: {e.Message}");
            return 1;
        }
    }

    private static int Count(Stream input, string path)
    {
        var sw = Stopwatch.StartNew();
        var kinds = new long[Enum.GetValues<EventKind>().Length];
        long total = 0;
        int exit = 0;
        TraceReader? reader = null;
        try
        {
            reader = TraceReader.Open(input);
            reader.ReadAhead = true;
            while (reader.TryRead(out var ev))
            {
                kinds[(int)ev.Kind]++;
                total++;
            }
        }
        catch (TraceFormatException e)
        {
            Console.Error.WriteLine($"gotrace: {path}: {e.Message}");
            exit = 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"gotrace: {path}: {e.Message}");
            exit = 1;
        }
        sw.Stop();
        Console.WriteLine($"events {total}");
        for (int k = 1; k < kinds.Length; k++)
        {
            if (kinds[k] != 0) Console.WriteLine($"  {(EventKind)k} {kinds[k]}");
        }
        Console.WriteLine($"bytes {reader?.BytesRead ?? 0}");
        Console.WriteLine($"seconds {sw.Elapsed.TotalSeconds:F3}");
        return exit;
    }
}
