namespace GoTrace.Analysis.Summary;

/// <summary>One row of <c>/goroutines</c>: goroutines grouped by <see cref="GoroutineSummary.Name"/>.</summary>
/// <param name="Name">Start function ("" for goroutines never seen with a stack).</param>
/// <param name="Count">Goroutines in the group.</param>
/// <param name="ExecTime">Σ ExecTime, ns.</param>
public sealed record GoroutineGroup(string Name, int Count, long ExecTime)
{
    /// <summary>The text Go shows for the name.</summary>
    public string DisplayName => Name.Length == 0 ? "(Inactive, no stack trace sampled)" : Name;

    /// <summary>The group's link, as Go writes it.</summary>
    public string Url => "/goroutine?name=" + GoQuery.TemplateEscape(Name);
}

/// <summary>One span of the stacked bar of a breakdown row.</summary>
/// <param name="Column">Statistic name.</param>
/// <param name="Value">ns.</param>
/// <param name="Width">CSS width as Go prints it: value / MaxTotal × 100 as "%.2f%%", or "0" when MaxTotal is 0.</param>
/// <param name="Color">Go's colour of that statistic.</param>
public sealed record StatBar(string Column, long Value, string Width, string Color);

/// <summary>One goroutine of a <c>/goroutine?name=</c> page.</summary>
/// <param name="Goroutine">The goroutine.</param>
/// <param name="Total">TotalTime, ns.</param>
/// <param name="Stats">Value per <see cref="GoroutineGroupDetail.StatColumns"/> entry (0 when the goroutine lacks the key).</param>
/// <param name="Bars">Stacked-bar spans: the non-zero <paramref name="Stats"/>, in column order.</param>
/// <param name="Ranges">Value per <see cref="GoroutineGroupDetail.RangeColumns"/> entry.</param>
/// <param name="HasRangeTime">Σ range times ≠ 0 (the goroutine is listed under "Special ranges").</param>
public sealed record GoroutineRow(GoroutineSummary Goroutine, long Total, IReadOnlyList<long> Stats, IReadOnlyList<StatBar> Bars,
    IReadOnlyList<long> Ranges, bool HasRangeTime)
{
    /// <summary>The figures of Go ≤1.21's table for this goroutine.</summary>
    public LegacyGoroutineStats Legacy => Goroutine.Legacy;

    /// <summary>Time per region name.</summary>
    public IReadOnlyDictionary<string, long> RegionTime => Goroutine.RegionTime;
}

/// <summary>The data of <c>/goroutine?name=&lt;name&gt;[&amp;sortby=&lt;column&gt;]</c> (<c>src/cmd/trace/goroutines.go</c>, spec §4.2).</summary>
/// <param name="Name">The group's name ("" when no goroutine matched).</param>
/// <param name="Count">Goroutines in the group.</param>
/// <param name="ExecTime">Σ ExecTime of the group.</param>
/// <param name="TotalExecTime">Σ ExecTime of all goroutines.</param>
/// <param name="ExecTimePercent">ExecTime / TotalExecTime × 100 as Go prints it ("26.66%"), "" when the total is 0.</param>
/// <param name="MaxTotal">Largest TotalTime in the group (the 100% of the bars).</param>
/// <param name="StatColumns">Union of the NonOverlappingStats keys: "Execution time", then the rest in ordinal order.</param>
/// <param name="Rows">The breakdown rows, in the requested order.</param>
/// <param name="RangeColumns">Union of the range names, ordinal order.</param>
public sealed record GoroutineGroupDetail(string Name, int Count, long ExecTime, long TotalExecTime, string ExecTimePercent,
    long MaxTotal, IReadOnlyList<string> StatColumns, IReadOnlyList<GoroutineRow> Rows, IReadOnlyList<string> RangeColumns)
{
    /// <summary>Rows of the "Special ranges" table (same order as <see cref="Rows"/>).</summary>
    public IEnumerable<GoroutineRow> RangeRows => Rows.Where(r => r.HasRangeTime);
}

/// <summary>The goroutine analysis pages of <c>go tool trace</c> as data (spec §4).</summary>
public static class GoroutineAnalysis
{
    /// <summary>
    /// <c>/goroutines</c>: groups by name, by total execution time descending. Go sorts unstably; ties here are
    /// ordered by name (ordinal).
    /// </summary>
    public static IReadOnlyList<GoroutineGroup> Groups(TraceSummary summary)
    {
        var groups = new Dictionary<string, (int N, long Exec)>(StringComparer.Ordinal);
        foreach (var g in summary.Goroutines.Values)
        {
            var cur = groups.GetValueOrDefault(g.Name);
            groups[g.Name] = (cur.N + 1, cur.Exec + g.Stats.ExecTime);
        }
        return groups.Select(kv => new GoroutineGroup(kv.Key, kv.Value.N, kv.Value.Exec))
            .OrderByDescending(x => x.ExecTime).ThenBy(x => x.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// <c>/goroutine?name=&lt;name&gt;&amp;sortby=&lt;sortBy&gt;</c>. Rows by <paramref name="sortBy"/> descending when it
    /// names a statistic column, else by total time descending (Go's sorts are unstable; ties here by goroutine ID).
    /// </summary>
    public static GoroutineGroupDetail Group(TraceSummary summary, string name, string? sortBy = null) =>
        Group(summary, name, sortBy, 0, int.MaxValue);

    /// <summary>
    /// <see cref="Group(TraceSummary, string, string?)"/> with only the rows [<paramref name="offset"/>,
    /// offset + <paramref name="limit"/>) made (<see cref="GoroutineGroupDetail.Count"/> still counts the whole group):
    /// a group may have millions of goroutines, and only a page is shown. The columns and the order are the whole
    /// group's; the members are ranked from their times without building their breakdowns.
    /// </summary>
    public static GoroutineGroupDetail Group(TraceSummary summary, string name, string? sortBy, int offset, int limit)
    {
        long totalExec = 0, exec = 0, maxTotal = 0;
        string shown = "";
        var members = new List<GoroutineSummary>();
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        var rangeKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in summary.Goroutines.Values)
        {
            var d = g.Data;
            totalExec += d.ExecTime;
            if (g.Name != name) continue;
            foreach (int k in d.BlockTimeByReason.Keys) reasons.Add(g.Reasons![k]);
            foreach (int k in d.RangeTime.Keys) rangeKeys.Add(g.Ranges![k]);
            members.Add(g);
            shown = g.Name;
            exec += d.ExecTime;
            maxTotal = Math.Max(maxTotal, d.TotalTime);
        }
        string percent = totalExec > 0 ? GoFormat.Fixed((double)exec / totalExec * 100, 2) + "%" : "";
        // NonOverlappingStats has the five fixed columns for every goroutine, and one per block reason present.
        var statKeys = new HashSet<string>(StringComparer.Ordinal);
        if (members.Count > 0)
        {
            statKeys.UnionWith([ExecStats.Execution, ExecStats.SchedWait, ExecStats.SyscallExecution, ExecStats.SyscallBlock, ExecStats.Unknown]);
            foreach (var r in reasons) statKeys.Add("Block time (" + r + ")");
        }
        var columns = StatTable.OrderColumns(statKeys);
        var rangeColumns = rangeKeys.Order(StringComparer.Ordinal).ToList();

        IEnumerable<GoroutineSummary> ordered = sortBy is not null && statKeys.Contains(sortBy)
            ? members.OrderByDescending(g => StatValue(g, sortBy)).ThenBy(g => g.Id)
            : members.OrderByDescending(g => g.Data.TotalTime).ThenBy(g => g.Id);
        var rows = ordered.Skip(Math.Max(0, offset)).Take(Math.Max(0, limit)).Select(g =>
        {
            var s = g.Stats;
            var (values, bars) = StatTable.Row(columns, s.NonOverlappingStats(), maxTotal);
            var ranges = rangeColumns.Select(c => s.RangeTime.GetValueOrDefault(c)).ToList();
            return new GoroutineRow(g, s.TotalTime, values, bars, ranges, s.TotalRangeTime != 0);
        }).ToList();
        return new GoroutineGroupDetail(shown, members.Count, exec, totalExec, percent, maxTotal, columns, rows, rangeColumns);
    }

    /// <summary>One column of <see cref="ExecStats.NonOverlappingStats"/> without building it.</summary>
    private static long StatValue(GoroutineSummary g, string column)
    {
        var d = g.Data;
        long Reason(string reason)
        {
            long v = 0;
            foreach (int k in d.BlockTimeByReason.Keys)
            {
                if (g.Reasons![k] == reason) v += d.BlockTimeByReason.Get(k);
            }
            return v;
        }
        return column switch
        {
            ExecStats.Execution => d.ExecTime,
            ExecStats.SchedWait => d.SchedWaitTime,
            ExecStats.SyscallExecution => d.SyscallTime,
            ExecStats.Unknown => g.Stats.UnknownTime,
            // Go adds a block reason literally named "syscall" to the syscall block time.
            ExecStats.SyscallBlock => d.SyscallBlockTime + Reason("syscall"),
            _ when column.StartsWith("Block time (", StringComparison.Ordinal) && column.EndsWith(')') => Reason(column[12..^1]),
            _ => 0,
        };
    }
}

/// <summary>Column order, colours and bar widths shared by the goroutine and region breakdown tables.</summary>
public static class StatTable
{
    /// <summary>"Execution time" first, then ordinal order (Go's column sort).</summary>
    public static IReadOnlyList<string> OrderColumns(IEnumerable<string> keys) =>
        keys.OrderBy(k => k == ExecStats.Execution ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal).ToList();

    /// <summary>Go's <c>stat2Color</c>.</summary>
    public static string Color(string stat) => stat switch
    {
        ExecStats.SchedWait => "#2c7bb6",
        ExecStats.SyscallExecution => "#7b3294",
        ExecStats.Execution => "#d7191c",
        _ when stat.StartsWith("Block time", StringComparison.Ordinal) => "#d01c8b",
        _ => "#636363",
    };

    /// <summary>Go's bar width: value / max × 100 as "%.2f%%", or "0" when max is 0.</summary>
    public static string BarWidth(long value, long max) => max == 0 ? "0" : GoFormat.Fixed((double)value / max * 100, 2) + "%";

    /// <summary>Cells of one row (0 for a missing key) and the bar spans of its non-zero cells.</summary>
    public static (IReadOnlyList<long> Values, IReadOnlyList<StatBar> Bars) Row(IReadOnlyList<string> columns,
        IReadOnlyDictionary<string, long> stats, long maxTotal)
    {
        var values = new List<long>(columns.Count);
        var bars = new List<StatBar>();
        foreach (var c in columns)
        {
            long v = stats.GetValueOrDefault(c);
            values.Add(v);
            if (v != 0) bars.Add(new StatBar(c, v, BarWidth(v, maxTotal), Color(c)));
        }
        return (values, bars);
    }
}
