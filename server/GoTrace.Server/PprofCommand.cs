using System.CommandLine;
using GoTrace.Analysis;
using GoTrace.Format;

namespace GoTrace.Server;

/// <summary><c>gotrace pprof</c>: one blocking profile as a gzip-compressed pprof file, like <c>go tool trace -pprof=TYPE</c>.</summary>
internal static class PprofCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "trace file (Go 1.11-1.27)" };
        var type = new Option<string>("--type", "-t")
        {
            Description = "profile: net (network blocking), sync (synchronization blocking), syscall, sched (scheduler latency)",
            Required = true,
        };
        type.AcceptOnlyFromAmong("net", "sync", "syscall", "sched");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "output file (default: stdout)" };
        var name = new Option<string?>("--goroutine-name") { Description = "only goroutines of this group (root function), as /block?name= of go tool trace" };
        var goid = new Option<long?>("--goroutine") { Description = "only this goroutine ID" };
        var from = new Option<long?>("--from") { Description = "only time from this offset (ns since trace start)" };
        var to = new Option<long?>("--to") { Description = "only time up to this offset (ns since trace start)" };
        var cmd = new Command("pprof", "write a blocking profile (the numbers of `go tool trace -pprof=TYPE`) as gzip-compressed profile.proto")
        {
            file, type, output, name, goid, from, to,
        };
        cmd.SetAction(r => Run(r.GetValue(file)!, ParseKind(r.GetValue(type)!), r.GetValue(output), r.GetValue(name),
            r.GetValue(goid), r.GetValue(from), r.GetValue(to)));
        return cmd;
    }

    internal static BlockingKind ParseKind(string s) => s switch
    {
        "net" => BlockingKind.Net,
        "sync" => BlockingKind.Sync,
        "syscall" => BlockingKind.Syscall,
        "sched" => BlockingKind.Sched,
        _ => throw new ArgumentException("unknown profile type " + s),
    };

    private static int Run(FileInfo file, BlockingKind kind, FileInfo? output, string? name, long? goid, long? from, long? to)
    {
        var stacks = new StackTable();
        var collector = new BlockingCollector(stacks, (BlockingKinds)(1 << (int)kind));
        if (!Cli.TryPass(file, [collector], out var end)) return end.Error is null ? 2 : 1;
        try
        {
            TimeInterval? window = from is null && to is null ? null
                : new TimeInterval(end.StartTime + (from ?? 0), to is { } t ? end.StartTime + t : long.MaxValue);
            var filter = goid is { } id ? ProfileFilter.ByGoroutineId(collector, id, window)
                : ProfileFilter.ByGoroutines(collector, name, window);
            var records = BlockingProfile.Compute(collector, kind, filter);
            if (output is null)
            {
                using var stdout = Console.OpenStandardOutput();
                PprofWriter.Write(stdout, stacks, records);
            }
            else
            {
                using var f = new FileStream(output.FullName, FileMode.Create, FileAccess.Write);
                PprofWriter.Write(f, stacks, records);
            }
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"gotrace: {e.Message}");
            return 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"gotrace: {output?.FullName ?? "stdout"}: {e.Message}");
            return 1;
        }
    }
}

/// <summary>Shared plumbing of the analysis commands.</summary>
internal static class Cli
{
    /// <summary>
    /// Runs one pass over <paramref name="file"/>. On damage the valid prefix is kept and a warning names the error
    /// (as go tool trace, which analyses what it could read); false when the file cannot be opened or nothing was read.
    /// </summary>
    public static bool TryPass(FileInfo file, IEventConsumer[] consumers, out PassEnd end)
    {
        end = default;
        try
        {
            using var f = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            end = TracePass.Run(f, consumers, readAhead: true);
        }
        catch (TraceFormatException e)
        {
            Console.Error.WriteLine($"gotrace: {file.FullName}: failed to parse any useful part of the trace: {e.Message}");
            end = new PassEnd(0, 0, 0, 0, 0, e, 0);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"gotrace: cannot read {file.FullName}: {e.Message}");
            return false;
        }
        if (end.Error is { } err)
        {
            Console.Error.WriteLine($"gotrace: warning: {file.FullName}: the trace is damaged; analysed the {end.RetainedEvents} events before the last " +
                $"complete generation ({end.Events - end.RetainedEvents} dropped): {err.Message}");
        }
        return true;
    }
}
