using System.CommandLine;
using System.Globalization;
using System.Text;
using GoTrace.Analysis;
using GoTrace.Analysis.Summary;

namespace GoTrace.Server;

/// <summary>
/// <c>gotrace report</c>: the headless version of what the editor shows: per blocking kind the top sites with
/// file:line, totals, counts and distribution, and the goroutine groups.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "trace file (Go 1.11-1.27)" };
        var top = new Option<int>("--top", "-n") { Description = "sites per kind", DefaultValueFactory = _ => 10 };
        var cmd = new Command("report", "print the top blocking sites per kind (sync, net, syscall, sched) and the goroutine groups")
        {
            file, top,
        };
        cmd.SetAction(r => Run(r.GetValue(file)!, Math.Max(1, r.GetValue(top))));
        return cmd;
    }

    private static readonly (BlockingKind Kind, string Title)[] Kinds =
    [
        (BlockingKind.Sync, "Synchronization blocking (go tool trace -pprof=sync)"),
        (BlockingKind.Net, "Network blocking (-pprof=net)"),
        (BlockingKind.Syscall, "Syscalls (-pprof=syscall)"),
        (BlockingKind.Sched, "Scheduler latency (-pprof=sched)"),
    ];

    private static int Run(FileInfo file, int top)
    {
        var stacks = new StackTable();
        var collector = new BlockingCollector(stacks);
        var summarizer = new Summarizer();
        if (!Cli.TryPass(file, [collector, summarizer], out var end)) return end.Error is null ? 2 : 1;
        var sb = new StringBuilder();
        Write(sb, file.FullName, end, collector, summarizer.Result, top);
        using var stdout = Console.OpenStandardOutput();
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        try
        {
            stdout.Write(bytes);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"gotrace: stdout: {e.Message}");
            return 1;
        }
        return 0;
    }

    internal static void Write(StringBuilder sb, string path, in PassEnd end, BlockingCollector c, TraceSummary summary, int top)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"Trace {path}\n");
        sb.Append(inv, $"  format go 1.{end.Version} trace, duration {GoFormat.Duration(end.Duration)}, {end.Events:N0} events, {c.GoroutineCount:N0} goroutines\n");
        if (end.Error is { } err)
            sb.Append(inv, $"  DAMAGED: analysed the {end.RetainedEvents:N0} events up to the last complete generation; {end.Events - end.RetainedEvents:N0} dropped: {err.Message}\n");
        var all = BlockingSites.BuildKinds(c, BlockingKinds.All, ProfileFilter.ByGoroutines(c));
        foreach (var (kind, title) in Kinds)
        {
            var sites = all[kind];
            sb.Append(inv, $"\n{title}: {GoFormat.Duration(sites.TotalTime)} in {sites.TotalCount:N0} waits at {sites.Sites.Count:N0} stacks\n");
            if (sites.Sites.Count == 0) continue;
            sb.Append("  total          share  waits       p50           p99           max           site\n");
            foreach (var s in sites.Sites.Take(top))
            {
                double share = sites.TotalTime == 0 ? 0 : 100.0 * s.Time / sites.TotalTime;
                sb.Append(inv, $"  {GoFormat.Duration(s.Time),-13} {share,5:F1}%  {s.Count,-10:N0}  {GoFormat.Duration(s.Durations.Quantile(0.5)),-13} {GoFormat.Duration(s.Durations.Quantile(0.99)),-13} {GoFormat.Duration(s.Durations.Max),-13} ");
                var frames = c.Stacks.FrameIndexes(s.Stack);
                if (frames.Length == 0)
                {
                    sb.Append("(no stack: woken by the runtime, or a goroutine that started blocked)\n");
                }
                else
                {
                    int user = SourceFrames.FirstUserFrame(c.Stacks, s.Stack);
                    var f = c.Stacks.GetFrame(frames[user]);
                    sb.Append(inv, $"{f.Function} {f.File}:{f.Line}\n");
                    if (user != 0)
                    {
                        var leaf = c.Stacks.GetFrame(frames[0]);
                        sb.Append(inv, $"{"",80}in {leaf.Function} {leaf.File}:{leaf.Line}\n");
                    }
                }
                var groups = s.Groups.OrderByDescending(g => g.Value.Time).ThenBy(g => g.Key, StringComparer.Ordinal).Take(3)
                    .Select(g => $"{(g.Key.Length == 0 ? "(unnamed)" : g.Key)} {g.Value.Count:N0}×");
                sb.Append(inv, $"{"",80}goroutines: {string.Join(", ", groups)}{(s.Groups.Count > 3 ? $", +{s.Groups.Count - 3} groups" : "")}\n");
            }
            if (sites.Sites.Count > top) sb.Append(inv, $"  ... {sites.Sites.Count - top:N0} more stacks\n");
        }

        sb.Append("\nGoroutine groups (as go tool trace's Goroutine analysis), by execution time\n");
        sb.Append("   count  execution     sched wait    blocked       syscall       start location\n");
        var groupsList = summary.Goroutines.Values.GroupBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Count: g.Count(), Exec: g.Sum(x => x.Stats.ExecTime), Sched: g.Sum(x => x.Stats.SchedWaitTime),
                Block: g.Sum(x => x.Stats.BlockTimeByReason.Values.Sum()), Sys: g.Sum(x => x.Stats.SyscallTime + x.Stats.SyscallBlockTime)))
            .OrderByDescending(g => g.Exec).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        foreach (var g in groupsList.Take(Math.Max(top, 20)))
        {
            sb.Append(inv, $"  {g.Count,6:N0}  {GoFormat.Duration(g.Exec),-13} {GoFormat.Duration(g.Sched),-13} {GoFormat.Duration(g.Block),-13} {GoFormat.Duration(g.Sys),-13} {(g.Name.Length == 0 ? "(Inactive, no stack trace sampled)" : g.Name)}\n");
        }
        if (groupsList.Count > Math.Max(top, 20)) sb.Append(inv, $"  ... {groupsList.Count - Math.Max(top, 20):N0} more groups\n");
    }
}
