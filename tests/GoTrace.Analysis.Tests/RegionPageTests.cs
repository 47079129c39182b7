using System.Text.RegularExpressions;
using GoTrace.Analysis.Summary;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// <c>/userregions</c> and <c>/userregion?…</c> of Go 1.27's <c>go tool trace</c>, captured for every committed trace
/// (each group, each histogram bucket link, all regions, a sorted variant), against <see cref="RegionAnalysis"/>.
/// </summary>
public class RegionPageTests
{
    public static TheoryData<string> Traces() => GoldenPages.Traces();

    [Theory]
    [MemberData(nameof(Traces))]
    public void Region_groups_equal_Gos(string trace)
    {
        var page = GoldenPages.Page(trace, "/userregions");
        var go = Regex.Matches(page,
                "<tr>\\s*<td><pre>(.*?)<br>(.*?) @ (0x[0-9a-f]+)<br>(.*?):(\\d+)</pre></td>\\s*<td><a href=\"([^\"]*)\">(\\d+)</a></td>\\s*<td>((?:<table>.*?</table>)?)</td>\\s*</tr>",
                RegexOptions.Singleline)
            .Select(m => (Head: string.Join("|", GoldenPages.Text(m.Groups[1].Value), GoldenPages.Text(m.Groups[2].Value), m.Groups[3].Value,
                    GoldenPages.Text(m.Groups[4].Value), m.Groups[5].Value, GoldenPages.Text(m.Groups[6].Value), m.Groups[7].Value),
                Histo: GoldenPages.Histogram(m.Groups[8].Value))).ToList();

        var ours = RegionAnalysis.Groups(GoldenPages.Summary(trace));
        Assert.Equal(go.Count, ours.Count);
        for (int i = 0; i < go.Count; i++)
        {
            var o = ours[i];
            var head = string.Join("|", GoFormat.Quote(o.Type), o.Frame.Function, "0x" + o.Frame.PC.ToString("x"), o.Frame.File,
                o.Frame.Line, o.Url, o.Count);
            Assert.Equal(go[i].Head, head);
            var mine = GoldenPages.Histogram(o.Histogram, o.BucketUrl);
            Assert.Equal(go[i].Histo.Rows.Select(r => r with { Link = r.Link is null ? null : Uri.UnescapeDataString(r.Link) }),
                mine.Rows.Select(r => r with { Link = r.Link is null ? null : Uri.UnescapeDataString(r.Link) }));
            Assert.Equal(go[i].Histo.Final, mine.Final);
        }
    }

    public static TheoryData<string, string> RegionPages()
    {
        var data = new TheoryData<string, string>();
        foreach (var t in GoldenPages.TraceNames())
        {
            foreach (var (url, _) in GoldenPages.Pages(t, "/userregion"))
            {
                if (!url.StartsWith("/userregions", StringComparison.Ordinal)) data.Add(t, url);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RegionPages))]
    public void Region_list_equals_Gos(string trace, string url)
    {
        var page = GoldenPages.Page(trace, url);
        var summary = GoldenPages.Summary(trace);
        var q = GoQuery.Parse(GoldenPages.Query(url));
        var sortBy = q.ContainsKey("sortby") ? GoQuery.Value(q, "sortby") : null;
        var list = RegionAnalysis.Regions(summary, RegionFilter.FromQuery(GoldenPages.Query(url)), sortBy);

        Assert.Equal(GoldenPages.Text(Regex.Match(page, "<h1>Regions: (.*?)</h1>").Groups[1].Value), list.Title);
        // Go leaves the profile links out when the filter is empty ({{with}} of an empty query).
        var io = Regex.Match(page, "<a href=\"/regionio\\?(.*?)\">graph</a>");
        Assert.Equal(io.Success ? GoldenPages.Text(io.Groups[1].Value) : "", list.ProfileQuery);

        var (breakdown, ranges) = GoldenPages.DetailTables(page);
        Assert.Equal(GoldenPages.StatHeaders(breakdown), list.StatColumns);
        Assert.Equal(GoldenPages.StatHeaders(ranges), list.RangeColumns);

        static (long G, string Task) Ids(List<string> cells) =>
            (long.Parse(Regex.Match(cells[0], "goid=(\\d+)").Groups[1].Value), Regex.Match(cells[1], "focustask=(\\d+)").Groups[1].Value);

        // Breakdown rows as a multiset (several regions of one goroutine can look alike).
        var goRows = GoldenPages.Rows(breakdown).Select(r =>
        {
            var cells = GoldenPages.Cells(r);
            var (g, task) = Ids(cells);
            var bars = string.Join(" ", GoldenPages.Bars(r).Select(b => b.Width + "/" + b.Color));
            return string.Join("|", [g.ToString(), task, cells[2].Trim(), bars, .. cells.Skip(4).Select(c => c.Trim())]);
        }).ToList();
        var ourRows = list.Rows.Select(r => string.Join("|", [r.Goroutine.ToString(), r.TaskId == 0 ? "" : r.TaskId.ToString(),
            GoFormat.Duration(r.Total), string.Join(" ", r.Bars.Select(b => b.Width + "/" + b.Color)), .. r.Stats.Select(GoFormat.Duration)])).ToList();
        Assert.Equal(goRows.Order(StringComparer.Ordinal), ourRows.Order(StringComparer.Ordinal));

        // Row order up to ties: the sort key read top to bottom.
        int keyColumn = sortBy is not null && list.StatColumns.Contains(sortBy) ? list.StatColumns.ToList().IndexOf(sortBy) : -1;
        var goKeys = GoldenPages.Rows(breakdown).Select(r =>
        {
            var cells = GoldenPages.Cells(r);
            return keyColumn < 0 ? cells[2].Trim() : cells[4 + keyColumn].Trim();
        });
        Assert.Equal(goKeys, list.Rows.Select(r => GoFormat.Duration(keyColumn < 0 ? r.Total : r.Stats[keyColumn])));

        var goRanges = GoldenPages.Rows(ranges).Select(r =>
        {
            var cells = GoldenPages.Cells(r);
            var (g, task) = Ids(cells);
            return string.Join("|", [g.ToString(), task, .. cells.Skip(2).Select(c => c.Trim())]);
        }).Order(StringComparer.Ordinal).ToList();
        var ourRanges = list.RangeRows.Select(r => string.Join("|", [r.Goroutine.ToString(), r.TaskId == 0 ? "" : r.TaskId.ToString(),
            GoFormat.Duration(r.Total), .. r.Ranges.Select(GoFormat.Duration)])).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(goRanges, ourRanges);
    }
}
