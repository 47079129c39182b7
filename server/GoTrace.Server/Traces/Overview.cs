using GoTrace.Analysis;
using GoTrace.Analysis.Timeline;

namespace GoTrace.Server.Traces;

public sealed class GcOverviewDto
{
    /// <summary>GC cycles: concurrent mark phases begun in the trace (one already running at the start is not counted).</summary>
    public int Cycles { get; init; }
    /// <summary>Time in concurrent mark phases (the part inside the trace).</summary>
    public long MarkNs { get; init; }
    /// <summary>Stop-the-world pauses of any reason, their total and the longest.</summary>
    public int Pauses { get; init; }
    public long PauseNs { get; init; }
    public long MaxPauseNs { get; init; }
}

public sealed class KindOverviewDto
{
    public required string Kind { get; init; }
    public long TotalNs { get; init; }
    public long TotalCount { get; init; }
    public required SiteDto[] Top { get; init; }
}

public sealed class OverviewResult
{
    public required TraceSummaryDto Summary { get; init; }
    public required GcOverviewDto Gc { get; init; }
    public required KindOverviewDto[] Blocking { get; init; }
    /// <summary>The goroutine groups with the most blocked time (Go's goroutine analysis), at most 5.</summary>
    public required GoroutineGroupDto[] TopGroups { get; init; }
}

/// <summary>gotrace/overview: what the summary tab shows when a trace opens.</summary>
internal static class Overview
{
    public static OverviewResult Of(TraceSession s)
    {
        var ix = s.Timeline;
        int cycles = 0, pauses = 0;
        long mark = 0, pause = 0, maxPause = 0;
        foreach (var r in ix.FindRanges())
        {
            long d = Math.Max(0, r.End - r.Start);
            if (r.Name == "GC concurrent mark phase" && r.Scope == ResourceScope.None)
            {
                if (r.StartKnown) cycles++;
                mark += d;
            }
            else if (r.Name.StartsWith("stop-the-world", StringComparison.Ordinal))
            {
                // Go scopes a pause to the goroutine that stopped the world; it stops every goroutine all the same.
                pauses++;
                pause += d;
                maxPause = Math.Max(maxPause, d);
            }
        }
        var kinds = new[] { "sync", "net", "syscall", "sched" }.Select(k =>
        {
            var sites = s.AllSites(TraceMethods.KindOf(k));
            return new KindOverviewDto
            {
                Kind = k, TotalNs = sites.TotalTime, TotalCount = sites.TotalCount,
                Top = sites.Sites.Take(3).Select(x => TraceMethods.SiteOf(s.Stacks, x)).ToArray(),
            };
        }).ToArray();
        var groups = TraceMethods.Groups(s).Groups.OrderByDescending(g => g.BlockNs).ThenBy(g => g.Name, StringComparer.Ordinal).Take(5).ToArray();
        return new OverviewResult
        {
            Summary = TraceMethods.SummaryOf(s),
            Gc = new GcOverviewDto { Cycles = cycles, MarkNs = mark, Pauses = pauses, PauseNs = pause, MaxPauseNs = maxPause },
            Blocking = kinds,
            TopGroups = groups,
        };
    }
}
