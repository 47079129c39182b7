using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GoTrace.Analysis.Summary;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// The pages Go 1.27's <c>go tool trace</c> served for a committed trace (<c>testdata/golden-pages/&lt;trace&gt;/pages.gz</c>,
/// written by <c>testdata/tools/capture-pages.sh</c>), and parsers that pull the figures out of their HTML.
/// </summary>
internal static class GoldenPages
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<(string Url, string Body)>> PageCache = new();
    private static readonly ConcurrentDictionary<string, TraceSummary> SummaryCache = new();

    public static string Dir(string trace) => Path.Combine(TestData.Root, "testdata", "golden-pages", trace);

    /// <summary>Every trace with captured pages: all committed traces and a few damaged variants.</summary>
    public static List<string> TraceNames() =>
        Directory.GetDirectories(Path.Combine(TestData.Root, "testdata", "golden-pages")).Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Traces()
    {
        var data = new TheoryData<string>();
        foreach (var t in TraceNames()) data.Add(t);
        return data;
    }

    /// <summary>A committed trace, or a damaged variant (testdata/damaged).</summary>
    public static string TracePath(string trace)
    {
        var p = TestData.TracePath(trace);
        return File.Exists(p) ? p : Path.Combine(TestData.Root, "testdata", "damaged", trace);
    }

    /// <summary>Every captured page of the trace: request path+query and body, in capture order.</summary>
    public static IReadOnlyList<(string Url, string Body)> All(string trace) => PageCache.GetOrAdd(trace, t =>
    {
        var bytes = TestData.Gunzip(Path.Combine(Dir(t), "pages.gz"));
        var list = new List<(string, string)>();
        int i = 0;
        while (i < bytes.Length)
        {
            int nl = Array.IndexOf(bytes, (byte)'\n', i);
            string header = Encoding.UTF8.GetString(bytes, i, nl - i);
            int sp = header.LastIndexOf(' ');
            if (!header.StartsWith("GET ", StringComparison.Ordinal) || sp < 4) throw new InvalidDataException("bad page header: " + header);
            string url = header[4..sp];
            int len = int.Parse(header[(sp + 1)..]);
            list.Add((url, Encoding.UTF8.GetString(bytes, nl + 1, len)));
            i = nl + 1 + len + 1;
        }
        return list;
    });

    public static string Page(string trace, string url) =>
        All(trace).Single(p => p.Url == url).Body;

    public static IEnumerable<(string Url, string Body)> Pages(string trace, string pathPrefix) =>
        All(trace).Where(p => p.Url.StartsWith(pathPrefix, StringComparison.Ordinal));

    /// <summary>The summary of the trace (one pass, cached across tests).</summary>
    public static TraceSummary Summary(string trace) => SummaryCache.GetOrAdd(trace, t => Summarizer.Summarize(TracePath(t)));

    /// <summary>The query part of a captured URL ("" if none).</summary>
    public static string Query(string url)
    {
        int q = url.IndexOf('?');
        return q < 0 ? "" : url[(q + 1)..];
    }

    /// <summary>Text of an html/template-escaped HTML fragment.</summary>
    public static string Text(string html) => WebUtility.HtmlDecode(html);

    // --- shared table parsing ---

    /// <summary>The two "details" tables (breakdown, special ranges) of a goroutine or region page.</summary>
    public static (string Breakdown, string Ranges) DetailTables(string page)
    {
        var m = Regex.Matches(page, "<table class=\"details\">(.*?)</table>", RegexOptions.Singleline);
        Assert.Equal(2, m.Count);
        return (m[0].Groups[1].Value, m[1].Groups[1].Value);
    }

    /// <summary>Column names of a details table after the fixed leading columns.</summary>
    public static List<string> StatHeaders(string table) =>
        Regex.Matches(table, "<th[^>]*style=\"background-color: [^\"]*;\"> (.*?)</th>").Select(m => Text(m.Groups[1].Value)).ToList();

    /// <summary>Rows of a details table: the HTML between &lt;tr&gt; and &lt;/tr&gt; of every row with a goroutine link.</summary>
    public static List<string> Rows(string table) =>
        Regex.Matches(table, "<tr>(.*?)</tr>", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .Where(r => r.Contains("/trace?goid=", StringComparison.Ordinal)).ToList();

    public static List<string> Cells(string row) =>
        Regex.Matches(row, "<td>(.*?)</td>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();

    public static List<(string Width, string Color)> Bars(string row) =>
        Regex.Matches(row, "<span style=\"width: ([^;]*); background-color: ([^;]*);\">&nbsp;</span>")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    /// <summary>One rendered histogram row: label, link (or null), bar width, count.</summary>
    public sealed record HistoRow(string Label, string? Link, int Width, int Count);

    /// <summary>Parses the HTML of <c>TimeHistogram.ToHTML</c>: rows and the final label ("" when empty).</summary>
    public static (List<HistoRow> Rows, string Final) Histogram(string html)
    {
        var rows = Regex.Matches(html,
                "<tr><td class=\"histoTime\" align=\"right\">(?:<a href=([^>]*)>)?([^<]*)(?:</a>)?</td><td><div style=\"width:(\\d+)px;background:blue;position:relative\">&nbsp;</div></td><td align=\"right\"><div style=\"position:relative\">(\\d+)</div></td></tr>")
            .Select(m => new HistoRow(m.Groups[2].Value, m.Groups[1].Success ? m.Groups[1].Value : null,
                int.Parse(m.Groups[3].Value), int.Parse(m.Groups[4].Value))).ToList();
        var final = Regex.Match(html, "<tr><td align=\"right\">([^<]*)</td></tr></table>");
        return (rows, final.Success ? final.Groups[1].Value : "");
    }

    /// <summary>Our histogram in the same shape.</summary>
    public static (List<HistoRow> Rows, string Final) Histogram(TimeHistogram h, Func<HistogramRow, string> url) =>
        (h.Rows().Select(r => new HistoRow(r.Label, r.Count > 0 ? url(r) : null, r.BarWidth, r.Count)).ToList(), h.FinalLabel);
}
