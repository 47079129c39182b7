using System.Globalization;
using GoTrace.Format;

namespace GoTrace.Analysis.Summary;

/// <summary>One row of <c>/userregions</c>: regions with the same name and fingerprint frame.</summary>
/// <param name="Type">Region name ("" for synthetic regions).</param>
/// <param name="Frame">Fingerprint frame: the outermost frame of the region's start stack (zero frame if none).</param>
/// <param name="Histogram">Durations of all its regions (incomplete ones clipped to the trace).</param>
public sealed record RegionGroup(string Type, StackFrame Frame, TimeHistogram Histogram)
{
    /// <summary>Regions in the group.</summary>
    public int Count => Histogram.Count;

    /// <summary>The group's link, as Go writes it (<c>pc</c> in hex without 0x; the name escaped by Go's html/template).</summary>
    public string Url => "/userregion?type=" + GoQuery.TemplateEscape(Type) + "&pc=" + Frame.PC.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The link of a histogram bucket, as Go writes it.</summary>
    public string BucketUrl(HistogramRow row) =>
        "/userregion?type=" + GoQuery.Escape(Type) + "&pc=" + Frame.PC.ToString("x", CultureInfo.InvariantCulture) +
        "&latmin=" + GoQuery.Escape(GoFormat.Duration(row.Min)) + "&latmax=" + GoQuery.Escape(GoFormat.Duration(row.Max));
}

/// <summary>
/// The filter of <c>/userregion</c> and of the region profiles (Go's <c>newRegionFilter</c>,
/// <c>src/cmd/trace/regions.go</c>); every given condition must hold.
/// </summary>
public sealed class RegionFilter
{
    /// <summary>Exact region name, when given (an empty value filters the empty name).</summary>
    public string? Type { get; init; }

    /// <summary>Fingerprint frame PC, when given.</summary>
    public ulong? Pc { get; init; }

    /// <summary>Duration ≥ this (ns).</summary>
    public long? LatMin { get; init; }

    /// <summary>Duration ≤ this (ns).</summary>
    public long? LatMax { get; init; }

    /// <summary>The page title after "Regions: ", as Go builds it (fragments joined by spaces).</summary>
    public string Title
    {
        get
        {
            var parts = new List<string>();
            if (Type is not null) parts.Add(GoFormat.Quote(Type));
            if (Pc is ulong pc) parts.Add("@ 0x" + pc.ToString("x", CultureInfo.InvariantCulture));
            if (LatMin is long min) parts.Add("(latency >= " + GoFormat.Duration(min) + ")");
            if (LatMax is long max) parts.Add("(latency <= " + GoFormat.Duration(max) + ")");
            return string.Join(" ", parts);
        }
    }

    /// <summary>
    /// The query Go puts in the page's profile links (<c>/regionio?…</c>): keys sorted, <c>pc=0x…</c> — a form that
    /// fails to parse there, so those profiles ignore the PC (spec §3.4).
    /// </summary>
    public string ProfileQuery
    {
        get
        {
            var p = new List<KeyValuePair<string, string>>();
            if (Type is not null) p.Add(new("type", Type));
            if (Pc is ulong pc) p.Add(new("pc", "0x" + pc.ToString("x", CultureInfo.InvariantCulture)));
            if (LatMin is long min) p.Add(new("latmin", GoFormat.Duration(min)));
            if (LatMax is long max) p.Add(new("latmax", GoFormat.Duration(max)));
            return GoQuery.Encode(p);
        }
    }

    /// <summary>Reads the filter from a Go page query string ("type=x&amp;pc=4ae146&amp;latmin=10µs").</summary>
    public static RegionFilter FromQuery(string? query)
    {
        var q = GoQuery.Parse(query);
        return new RegionFilter
        {
            Type = q.TryGetValue("type", out var t) && t.Count > 0 ? t[0] : null,
            Pc = TryParseHex(GoQuery.Value(q, "pc"), out ulong pc) ? pc : null,
            LatMin = GoFormat.TryParseDuration(GoQuery.Value(q, "latmin"), out long min) ? min : null,
            LatMax = GoFormat.TryParseDuration(GoQuery.Value(q, "latmax"), out long max) ? max : null,
        };
    }

    /// <summary>Go's <c>strconv.ParseUint(s, 16, 64)</c>: hex digits only (no 0x, no underscores), no overflow.</summary>
    public static bool TryParseHex(string s, out ulong v)
    {
        v = 0;
        if (s.Length == 0) return false;
        foreach (char c in s)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0 || v > (ulong.MaxValue >> 4)) return false;
            v = v << 4 | (uint)d;
        }
        return true;
    }

    /// <summary>Whether <paramref name="region"/> passes.</summary>
    public bool Matches(TraceSummary summary, RegionSummary region)
    {
        if (Type is not null && region.Name != Type) return false;
        if (Pc is ulong pc && region.RootFrame.PC != pc) return false;
        if (LatMin is long min && region.Duration(summary) < min) return false;
        if (LatMax is long max && region.Duration(summary) > max) return false;
        return true;
    }
}

/// <summary>One region of a <c>/userregion</c> page.</summary>
/// <param name="Region">The region.</param>
/// <param name="Goroutine">Its goroutine.</param>
/// <param name="TaskId">Its task (Go leaves the cell blank for 0).</param>
/// <param name="Total">Region TotalTime, ns.</param>
/// <param name="Stats">Value per <see cref="RegionList.StatColumns"/> entry.</param>
/// <param name="Bars">Stacked-bar spans.</param>
/// <param name="Ranges">Value per <see cref="RegionList.RangeColumns"/> entry.</param>
/// <param name="HasRangeTime">Σ range times ≠ 0.</param>
public sealed record RegionRow(RegionSummary Region, long Goroutine, ulong TaskId, long Total, IReadOnlyList<long> Stats,
    IReadOnlyList<StatBar> Bars, IReadOnlyList<long> Ranges, bool HasRangeTime);

/// <summary>The data of <c>/userregion?…</c>.</summary>
/// <param name="Title">Text after "Regions: ".</param>
/// <param name="ProfileQuery">Query of the page's profile links.</param>
/// <param name="MaxTotal">Largest region Total (the 100% of the bars).</param>
/// <param name="StatColumns">Union of NonOverlappingStats keys ("Execution time" first, then ordinal).</param>
/// <param name="Rows">Matching regions in the requested order.</param>
/// <param name="RangeColumns">Union of range names (ordinal).</param>
public sealed record RegionList(string Title, string ProfileQuery, long MaxTotal, IReadOnlyList<string> StatColumns,
    IReadOnlyList<RegionRow> Rows, IReadOnlyList<string> RangeColumns)
{
    /// <summary>Rows of the "Special ranges" table.</summary>
    public IEnumerable<RegionRow> RangeRows => Rows.Where(r => r.HasRangeTime);
}

/// <summary>The user-region pages of <c>go tool trace</c> as data (<c>src/cmd/trace/regions.go</c>, spec §5.5–5.6).</summary>
public static class RegionAnalysis
{
    /// <summary><c>/userregions</c>: groups by (name, fingerprint frame), sorted by (name, frame PC).</summary>
    public static IReadOnlyList<RegionGroup> Groups(TraceSummary summary)
    {
        var groups = new Dictionary<(string, StackFrame), RegionGroup>();
        foreach (var r in summary.AllRegions())
        {
            var key = (r.Name, r.RootFrame);
            if (!groups.TryGetValue(key, out var g)) groups[key] = g = new RegionGroup(r.Name, key.RootFrame, new TimeHistogram());
            g.Histogram.Add(r.Duration(summary));
        }
        return groups.Values.OrderBy(g => g.Type, StringComparer.Ordinal).ThenBy(g => g.Frame.PC)
            .ThenBy(g => g.Frame.Function, StringComparer.Ordinal).ThenBy(g => g.Frame.File, StringComparer.Ordinal)
            .ThenBy(g => g.Frame.Line).ToList();
    }

    /// <summary>
    /// <c>/userregion</c> with <paramref name="filter"/>: rows by <paramref name="sortBy"/> descending when it names a
    /// statistic column, else by Total descending (Go's sorts are unstable; ties here by goroutine, then start time).
    /// </summary>
    public static RegionList Regions(TraceSummary summary, RegionFilter filter, string? sortBy = null)
    {
        var members = new List<(RegionSummary R, IReadOnlyDictionary<string, long> Stats)>();
        var statKeys = new HashSet<string>(StringComparer.Ordinal);
        var rangeKeys = new HashSet<string>(StringComparer.Ordinal);
        long maxTotal = 0;
        foreach (var r in summary.AllRegions())
        {
            if (!filter.Matches(summary, r)) continue;
            var stats = r.Stats.NonOverlappingStats();
            statKeys.UnionWith(stats.Keys);
            rangeKeys.UnionWith(r.Stats.RangeTime.Keys);
            members.Add((r, stats));
            maxTotal = Math.Max(maxTotal, r.Stats.TotalTime);
        }
        var columns = StatTable.OrderColumns(statKeys);
        var rangeColumns = rangeKeys.Order(StringComparer.Ordinal).ToList();
        var ordered = sortBy is not null && statKeys.Contains(sortBy)
            ? members.OrderByDescending(m => m.Stats.GetValueOrDefault(sortBy))
            : members.OrderByDescending(m => m.R.Stats.TotalTime);
        var rows = ordered.ThenBy(m => m.R.Goroutine).ThenBy(m => m.R.Start?.Time ?? long.MinValue).Select(m =>
        {
            var (values, bars) = StatTable.Row(columns, m.Stats, maxTotal);
            var ranges = rangeColumns.Select(c => m.R.Stats.RangeTime.GetValueOrDefault(c)).ToList();
            return new RegionRow(m.R, m.R.Goroutine, m.R.TaskId, m.R.Stats.TotalTime, values, bars, ranges, m.R.Stats.TotalRangeTime != 0);
        }).ToList();
        return new RegionList(filter.Title, filter.ProfileQuery, maxTotal, columns, rows, rangeColumns);
    }
}
