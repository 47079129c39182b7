using System.Text.RegularExpressions;
using GoTrace.Analysis.Summary;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// <c>/usertasks</c> and <c>/usertask?…</c> of Go 1.27's <c>go tool trace</c>, captured for every committed trace
/// (each type, each histogram bucket link, and filters), against <see cref="TaskAnalysis"/>.
/// </summary>
public class TaskPageTests
{
    public static TheoryData<string> Traces() => GoldenPages.Traces();

    [Theory]
    [MemberData(nameof(Traces))]
    public void Task_types_equal_Gos(string trace)
    {
        var page = GoldenPages.Page(trace, "/usertasks");
        var body = page[page.IndexOf("<th>Duration distribution (complete tasks)</th>", StringComparison.Ordinal)..];
        var go = Regex.Matches(body,
                "<tr>\\s*<td>(.*?)</td>\\s*<td><a href=\"([^\"]*)\">(\\d+)</a></td>\\s*<td>((?:<table>.*?</table>)?)</td>\\s*</tr>",
                RegexOptions.Singleline)
            .Select(m => (Type: GoldenPages.Text(m.Groups[1].Value), Url: m.Groups[2].Value, Count: int.Parse(m.Groups[3].Value),
                Histo: GoldenPages.Histogram(m.Groups[4].Value))).ToList();

        var ours = TaskAnalysis.Types(GoldenPages.Summary(trace));
        Assert.Equal(go.Count, ours.Count);
        for (int i = 0; i < go.Count; i++)
        {
            var (type, url, count, histo) = go[i];
            var o = ours[i];
            Assert.Equal(type, o.Type);
            Assert.Equal(url, o.Url);
            Assert.Equal(count, o.Count);
            var mine = GoldenPages.Histogram(o.Histogram, o.BucketUrl);
            Assert.Equal(histo.Rows, mine.Rows);
            Assert.Equal(histo.Final, mine.Final);
        }
    }

    public static TheoryData<string, string> TaskPages()
    {
        var data = new TheoryData<string, string>();
        foreach (var t in GoldenPages.TraceNames())
        {
            foreach (var (url, _) in GoldenPages.Pages(t, "/usertask"))
            {
                if (!url.StartsWith("/usertasks", StringComparison.Ordinal)) data.Add(t, url);
            }
        }
        return data;
    }

    private sealed record GoTask(string When, string Duration, ulong Id, string StartMs, string EndMs, bool Complete, List<string> Events);

    [Theory]
    [MemberData(nameof(TaskPages))]
    public void Task_list_equals_Gos(string trace, string url)
    {
        var page = GoldenPages.Page(trace, url);
        var summary = GoldenPages.Summary(trace);
        var list = TaskAnalysis.Tasks(summary, TaskFilter.FromQuery(GoldenPages.Query(url)));

        Assert.Equal(GoldenPages.Text(Regex.Match(page, "<h2>User Task: (.*?)</h2>").Groups[1].Value), list.Title);

        var go = new List<GoTask>();
        foreach (var block in page.Split("<tr class=\"first\">").Skip(1))
        {
            var h = Regex.Match(block,
                "^\\s*<td class=\"when\">(.*?)</td>\\s*<td class=\"elapsed\">(.*?)</td>\\s*<td></td>\\s*<td>\\s*" +
                "<a href=\"/trace\\?focustask=(\\d+)#([^:]*):([^\"]*)\">Task \\d+</a>\\s*" +
                "<a href=\"/trace\\?taskid=\\d+#[^\"]*\">\\(goroutine view\\)</a>\\s*\\((complete|incomplete)\\)");
            Assert.True(h.Success, block[..Math.Min(400, block.Length)]);
            var events = Regex.Matches(block,
                    "<tr>\\s*<td class=\"when\">(.*?)</td>\\s*<td class=\"elapsed\">(.*?)</td>\\s*<td class=\"goid\">(.*?)</td>\\s*<td>(.*?)</td>\\s*</tr>",
                    RegexOptions.Singleline)
                .Select(m => string.Join("|", m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, GoldenPages.Text(m.Groups[4].Value)))
                .ToList();
            go.Add(new GoTask(h.Groups[1].Value, GoldenPages.Text(h.Groups[2].Value), ulong.Parse(h.Groups[3].Value),
                Uri.UnescapeDataString(h.Groups[4].Value), Uri.UnescapeDataString(h.Groups[5].Value), h.Groups[6].Value == "complete", events));
        }

        var ours = list.Tasks.Select(t => new GoTask(t.When, GoFormat.Duration(t.Duration), t.Id, t.StartMs, t.EndMs, t.Complete,
            t.Events.Select(e => string.Join("|", e.When, e.ElapsedText, e.Goroutine, e.What)).ToList())).ToList();
        Assert.Equal(go.Count, ours.Count);
        // Tasks are sorted by duration with an unstable sort: compare by ID, then the duration sequence.
        var goById = go.ToDictionary(t => t.Id);
        foreach (var o in ours)
        {
            var g = goById[o.Id];
            Assert.Equal((g.When, g.Duration, g.StartMs, g.EndMs, g.Complete), (o.When, o.Duration, o.StartMs, o.EndMs, o.Complete));
            Assert.Equal(g.Events, o.Events);
        }
        Assert.Equal(go.Select(t => t.Duration), ours.Select(t => t.Duration));
    }
}
