using System.Text.RegularExpressions;
using GoTrace.Analysis.Summary;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// <c>/goroutines</c> and <c>/goroutine?name=…</c> of Go 1.27's <c>go tool trace</c>, captured for every committed
/// trace, against <see cref="GoroutineAnalysis"/>. Go's order among equal sort keys is undefined (hash maps,
/// unstable sorts): rows are compared as sets and the sort keys as sequences.
/// </summary>
public class GoroutinePageTests
{
    public static TheoryData<string> Traces() => GoldenPages.Traces();

    [Theory]
    [MemberData(nameof(Traces))]
    public void Goroutine_groups_equal_Gos(string trace)
    {
        var page = GoldenPages.Page(trace, "/goroutines");
        var go = Regex.Matches(page,
                "<td><code><a href=\"([^\"]*)\">(.*?)</a></code></td>\\s*<td>(\\d+)</td>\\s*<td>(.*?)</td>", RegexOptions.Singleline)
            .Select(m => (Url: m.Groups[1].Value, Name: GoldenPages.Text(m.Groups[2].Value), N: int.Parse(m.Groups[3].Value),
                Exec: GoldenPages.Text(m.Groups[4].Value))).ToList();
        Assert.NotEmpty(go);

        var ours = GoroutineAnalysis.Groups(GoldenPages.Summary(trace));
        var mine = ours.Select(g => (g.Url, g.DisplayName, g.Count, GoFormat.Duration(g.ExecTime))).ToList();
        Assert.Equal(go.OrderBy(x => x.Url, StringComparer.Ordinal), mine.OrderBy(x => x.Url, StringComparer.Ordinal));
        // Same order up to ties: the execution times read top to bottom are the same sequence.
        Assert.Equal(go.Select(x => x.Exec), mine.Select(x => x.Item4));
    }

    public static TheoryData<string, string> GroupPages()
    {
        var data = new TheoryData<string, string>();
        foreach (var t in GoldenPages.TraceNames())
        {
            foreach (var (url, _) in GoldenPages.Pages(t, "/goroutine?")) data.Add(t, url);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GroupPages))]
    public void Goroutine_group_page_equals_Gos(string trace, string url)
    {
        var page = GoldenPages.Page(trace, url);
        var q = GoQuery.Parse(GoldenPages.Query(url));
        var name = GoQuery.Value(q, "name");
        var sortBy = q.ContainsKey("sortby") ? GoQuery.Value(q, "sortby") : null;
        var d = GoroutineAnalysis.Group(GoldenPages.Summary(trace), name, sortBy);

        // Summary table.
        Assert.Equal(GoldenPages.Text(Regex.Match(page, "<td>Goroutine start location:</td>\\s*<td><code>(.*?)</code></td>").Groups[1].Value), d.Name);
        Assert.Equal(int.Parse(Regex.Match(page, "<td>Count:</td>\\s*<td>(\\d+)</td>").Groups[1].Value), d.Count);
        Assert.Equal(Regex.Match(page, "<td>Execution Time:</td>\\s*<td>(.*?) of total program execution time </td>").Groups[1].Value,
            d.ExecTimePercent);

        var (breakdown, ranges) = GoldenPages.DetailTables(page);
        Assert.Equal(GoldenPages.StatHeaders(breakdown), d.StatColumns);
        Assert.Equal(GoldenPages.StatHeaders(ranges), d.RangeColumns);

        // Breakdown rows: goroutine, total, bar spans, one cell per column.
        var goRows = GoldenPages.Rows(breakdown).Select(r =>
        {
            var cells = GoldenPages.Cells(r);
            long id = long.Parse(Regex.Match(cells[0], "goid=(\\d+)").Groups[1].Value);
            var bars = string.Join(" ", GoldenPages.Bars(r).Select(b => b.Width + "/" + b.Color));
            return (id, Row: cells[1].Trim() + "|" + bars + "|" + string.Join("|", cells.Skip(3).Select(c => c.Trim())));
        }).ToList();
        var ourRows = d.Rows.Select(r => (r.Goroutine.Id,
            Row: GoFormat.Duration(r.Total) + "|" + string.Join(" ", r.Bars.Select(b => b.Width + "/" + b.Color)) + "|" +
                 string.Join("|", r.Stats.Select(GoFormat.Duration)))).ToList();
        Assert.Equal(d.Count, goRows.Count);
        Assert.Equal(goRows.OrderBy(x => x.id), ourRows.OrderBy(x => x.Id));

        // Row order up to ties: the sort key read top to bottom.
        int keyColumn = sortBy is not null && d.StatColumns.Contains(sortBy) ? d.StatColumns.ToList().IndexOf(sortBy) : -1;
        var byId = d.Rows.ToDictionary(r => r.Goroutine.Id);
        long Key(GoroutineRow r) => keyColumn < 0 ? r.Total : r.Stats[keyColumn];
        Assert.Equal(goRows.Select(x => Key(byId[x.id])), d.Rows.Select(Key));

        // Special ranges.
        var goRanges = GoldenPages.Rows(ranges).Select(r =>
        {
            var cells = GoldenPages.Cells(r);
            long id = long.Parse(Regex.Match(cells[0], "goid=(\\d+)").Groups[1].Value);
            return (id, string.Join("|", cells.Skip(1).Select(c => c.Trim())));
        }).OrderBy(x => x.id).ToList();
        var ourRanges = d.RangeRows.Select(r => (r.Goroutine.Id,
            GoFormat.Duration(r.Total) + "|" + string.Join("|", r.Ranges.Select(GoFormat.Duration)))).OrderBy(x => x.Id).ToList();
        Assert.Equal(goRanges, ourRanges);
        Assert.Contains(ExecStats.Execution, d.Count > 0 ? d.StatColumns : [ExecStats.Execution]);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Every_column_sorts_its_rows_even_where_some_goroutines_lack_it(string trace)
    {
        var summary = GoldenPages.Summary(trace);
        foreach (var group in GoroutineAnalysis.Groups(summary))
        {
            var columns = GoroutineAnalysis.Group(summary, group.Name).StatColumns;
            for (int c = 0; c < columns.Count; c++)
            {
                var d = GoroutineAnalysis.Group(summary, group.Name, columns[c]);
                var keys = d.Rows.Select(r => r.Stats[c]).ToList();
                Assert.Equal(keys.OrderDescending(), keys);
            }
        }
    }
}
