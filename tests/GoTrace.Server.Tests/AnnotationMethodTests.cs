using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GoTrace.Server.Tests;

/// <summary>
/// gotrace/taskTypes, tasks, regionTypes, regions over an in-memory pipe, against the pages Go 1.27's
/// <c>go tool trace</c> served for the same trace (testdata/golden-pages, captured by testdata/tools/capture-pages.sh).
/// </summary>
public sealed class AnnotationMethodTests
{
    private const string Trace = "annotations.go1.27.trace";

    private static readonly Lazy<Dictionary<string, string>> Pages = new(() =>
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Gotrace.Root, "testdata", "golden-pages", Trace, "pages.gz")), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        var bytes = ms.ToArray();
        var pages = new Dictionary<string, string>();
        for (int i = 0; i < bytes.Length;)
        {
            int nl = Array.IndexOf(bytes, (byte)'\n', i);
            string header = Encoding.UTF8.GetString(bytes, i, nl - i);   // "GET <url> <length>"
            int sp = header.LastIndexOf(' ');
            int len = int.Parse(header[(sp + 1)..]);
            pages[header[4..sp]] = Encoding.UTF8.GetString(bytes, nl + 1, len);
            i = nl + 1 + len + 1;
        }
        return pages;
    });

    private static async Task<JsonElement> CallAsync(RpcPeer peer, long id, string method, string @params)
    {
        await peer.RequestAsync(id, method, @params);
        while (true)
        {
            var m = await peer.ReadAsync();
            if (m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt64() == id)
            {
                Assert.True(m.TryGetProperty("result", out var r), m.ToString());
                return r;
            }
        }
    }

    private static async Task<(RpcPeer, string)> OpenAsync()
    {
        var peer = new RpcPeer();
        await peer.InitializeAsync();
        var r = await CallAsync(peer, 1, "gotrace/open", $"{{\"path\":{JsonSerializer.Serialize(Path.Combine(Gotrace.Root, "testdata", "traces", Trace))}}}");
        return (peer, r.GetProperty("traceId").GetString()!);
    }

    /// <summary>Go's histogram cells: per bucket row, its label and count.</summary>
    private static List<(string Label, int Count)> GoHistogram(string html) =>
        Regex.Matches(html, "<tr>\\s*<td>([^<]*)</td>\\s*<td>(?:<a[^>]*>)?\\s*<div[^>]*></div>\\s*(?:</a>)?</td>\\s*<td[^>]*>(\\d+)</td>", RegexOptions.Singleline)
            .Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value).Trim(), int.Parse(m.Groups[2].Value))).ToList();

    [Fact]
    public async Task Task_types_and_each_bucket_list_equal_Gos_pages()
    {
        var (peer, id) = await OpenAsync();
        await using var _ = peer;
        var types = (await CallAsync(peer, 2, "gotrace/taskTypes", $"{{\"traceId\":\"{id}\"}}")).GetProperty("types");
        var page = Pages.Value["/usertasks"];
        var go = Regex.Matches(page, "<tr>\\s*<td>(.*?)</td>\\s*<td><a href=\"[^\"]*\">(\\d+)</a></td>", RegexOptions.Singleline)
            .Select(m => (Name: WebUtility.HtmlDecode(m.Groups[1].Value), Count: int.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(go, types.EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("count").GetInt32())).ToList());
        Assert.Equal(["batch", "never-ended", "request", "server-round"], go.Select(g => g.Name).Where(n => n.Length > 0));

        // Every non-empty bucket, listed by the tasks method, has as many tasks as Go's bucket page.
        int checkedBuckets = 0;
        long nextId = 10;
        foreach (var t in types.EnumerateArray())
        {
            string name = t.GetProperty("name").GetString()!;
            foreach (var b in t.GetProperty("histogram").EnumerateArray().Where(b => b.GetProperty("count").GetInt32() > 0))
            {
                var goUrl = Pages.Value.Keys.SingleOrDefault(u => u.StartsWith($"/usertask?type={Uri.EscapeDataString(name)}&complete=true&latmin=", StringComparison.Ordinal)
                    && Regex.IsMatch(Uri.UnescapeDataString(u), $"latmin={Regex.Escape(b.GetProperty("label").GetString()!)}&"));
                Assert.NotNull(goUrl);
                int goCount = Regex.Matches(Pages.Value[goUrl], "<tr class=\"first\">").Count;
                var list = await CallAsync(peer, nextId++, "gotrace/tasks",
                    $"{{\"traceId\":\"{id}\",\"name\":{JsonSerializer.Serialize(name)},\"complete\":true,\"minNs\":{b.GetProperty("minNs").GetInt64()},\"maxNs\":{b.GetProperty("maxNs").GetInt64()}}}");
                Assert.Equal(goCount, list.GetProperty("total").GetInt32());
                Assert.Equal(b.GetProperty("count").GetInt32(), goCount);
                foreach (var task in list.GetProperty("tasks").EnumerateArray())
                {
                    Assert.Equal(name, task.GetProperty("name").GetString());
                    long d = task.GetProperty("durationNs").GetInt64();
                    Assert.InRange(d, b.GetProperty("minNs").GetInt64(), b.GetProperty("maxNs").GetInt64());
                    Assert.Equal(d, task.GetProperty("endNs").GetInt64() - task.GetProperty("startNs").GetInt64());
                }
                checkedBuckets++;
            }
        }
        Assert.True(checkedBuckets >= 4, $"{checkedBuckets} buckets");

        // The unfiltered list: as many tasks as Go lists, each with Go's ID, in Go's order, and its events.
        var all = await CallAsync(peer, 3, "gotrace/tasks", $"{{\"traceId\":\"{id}\"}}");
        var goIds = Regex.Matches(Pages.Value["/usertask"], "focustask=(\\d+)#").Select(m => ulong.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(goIds, all.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetUInt64()).ToList());
        var goEvents = Regex.Matches(Pages.Value["/usertask"], "<td class=\"goid\">").Count;
        Assert.Equal(goEvents, all.GetProperty("tasks").EnumerateArray().Sum(t => t.GetProperty("events").GetArrayLength()));
        // Log text filter as Go's ?logtext=request
        var logs = await CallAsync(peer, 4, "gotrace/tasks", $"{{\"traceId\":\"{id}\",\"logText\":\"request\"}}");
        Assert.Equal(Regex.Matches(Pages.Value["/usertask?logtext=request"], "<tr class=\"first\">").Count, logs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Region_types_and_lists_equal_Gos_pages()
    {
        var (peer, id) = await OpenAsync();
        await using var _ = peer;
        var types = (await CallAsync(peer, 2, "gotrace/regionTypes", $"{{\"traceId\":\"{id}\"}}")).GetProperty("types");
        var go = Regex.Matches(Pages.Value["/userregions"],
                "<tr>\\s*<td><pre>(.*?)<br>(.*?) @ 0x([0-9a-f]+)<br>(.*?):(\\d+)</pre></td>\\s*<td><a href=\"[^\"]*\">(\\d+)</a></td>", RegexOptions.Singleline)
            .Select(m => (Name: JsonSerializer.Deserialize<string>(WebUtility.HtmlDecode(m.Groups[1].Value))!, Func: WebUtility.HtmlDecode(m.Groups[2].Value),
                Pc: Convert.ToUInt64(m.Groups[3].Value, 16), Line: ulong.Parse(m.Groups[5].Value), Count: int.Parse(m.Groups[6].Value))).ToList();
        var ours = types.EnumerateArray().Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("frame").GetProperty("func").GetString()!,
            t.GetProperty("frame").GetProperty("pc").GetUInt64(), t.GetProperty("frame").GetProperty("line").GetUInt64(), t.GetProperty("count").GetInt32())).ToList();
        Assert.Equal(go, ours);
        Assert.Contains(go, g => g.Name == "decode");

        // One type's list: the rows Go shows (goroutine and total per row, as a multiset), sorted by a column.
        var decode = go.First(g => g.Name == "decode");
        var url = $"/userregion?type=decode&pc={decode.Pc:x}";
        var goRows = Regex.Matches(Pages.Value[url], "goid=(\\d+)").Count;
        var list = await CallAsync(peer, 3, "gotrace/regions", $"{{\"traceId\":\"{id}\",\"name\":\"decode\",\"pc\":{decode.Pc}}}");
        Assert.Equal(decode.Count, list.GetProperty("total").GetInt32());
        Assert.True(goRows >= decode.Count, $"{goRows} goroutine links for {decode.Count} regions");
        Assert.Equal("Execution time", list.GetProperty("columns")[0].GetString());
        var totals = list.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("totalNs").GetInt64()).ToList();
        Assert.Equal(totals.OrderDescending(), totals);
        foreach (var r in list.GetProperty("regions").EnumerateArray())
        {
            Assert.Equal("decode", r.GetProperty("name").GetString());
            Assert.Equal(r.GetProperty("totalNs").GetInt64(), r.GetProperty("endNs").GetInt64() - r.GetProperty("startNs").GetInt64());
        }
        // Limit and bad params.
        var one = await CallAsync(peer, 4, "gotrace/regions", $"{{\"traceId\":\"{id}\",\"limit\":1}}");
        Assert.Equal(1, one.GetProperty("regions").GetArrayLength());
        await peer.RequestAsync(5, "gotrace/regions", $"{{\"traceId\":\"{id}\",\"limit\":0}}");
        var err = await peer.ReadAsync();
        Assert.Equal(3, err.GetProperty("error").GetProperty("code").GetInt32());
    }
}

/// <summary>gotrace/overview against Go's own event dump (testdata/golden: go tool trace -d=parsed of Go 1.27).</summary>
public sealed class OverviewMethodTests
{
    [Theory]
    [InlineData("gcheavy.go1.27.trace")]
    [InlineData("allocfree.go1.27.trace")]
    public async Task Gc_cycles_and_pauses_equal_gos_ranges(string trace)
    {
        // Go's ranges: GC mark phases begun, and stop-the-world pauses (begin/end pairs per name and scope).
        using var gz = new GZipStream(File.OpenRead(Path.Combine(Gotrace.Root, "testdata", "golden", trace + ".parsed.gz")), CompressionMode.Decompress);
        using var text = new StreamReader(gz);
        int cycles = 0, pauses = 0;
        long pauseNs = 0, maxPause = 0;
        var open = new Dictionary<string, long>();
        for (string? l; (l = text.ReadLine()) is not null;)
        {
            var m = Regex.Match(l, "Range(Begin|End) Time=(\\d+) Name=\"([^\"]*)\" Scope=(\\S+)");
            if (!m.Success) continue;
            string name = m.Groups[3].Value, key = name + "|" + m.Groups[4].Value;
            long t = long.Parse(m.Groups[2].Value);
            if (m.Groups[1].Value == "Begin")
            {
                if (name == "GC concurrent mark phase") cycles++;
                if (name.StartsWith("stop-the-world", StringComparison.Ordinal)) open[key] = t;
            }
            else if (open.Remove(key, out long b))
            {
                pauses++;
                pauseNs += t - b;
                maxPause = Math.Max(maxPause, t - b);
            }
        }
        Assert.True(cycles > 0 && pauses > 0);

        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        await peer.RequestAsync(1, "gotrace/open", $"{{\"path\":{JsonSerializer.Serialize(Path.Combine(Gotrace.Root, "testdata", "traces", trace))}}}");
        JsonElement r;
        do r = await peer.ReadAsync();
        while (!r.TryGetProperty("id", out _));
        string id = r.GetProperty("result").GetProperty("traceId").GetString()!;
        await peer.RequestAsync(2, "gotrace/overview", $"{{\"traceId\":\"{id}\"}}");
        var o = (await peer.ReadAsync()).GetProperty("result");
        var gc = o.GetProperty("gc");
        Assert.Equal(cycles, gc.GetProperty("cycles").GetInt32());
        Assert.Equal(pauses, gc.GetProperty("pauses").GetInt32());
        Assert.Equal(pauseNs, gc.GetProperty("pauseNs").GetInt64());
        Assert.Equal(maxPause, gc.GetProperty("maxPauseNs").GetInt64());
        // The blocking part is the sites method's, kind by kind.
        var kinds = o.GetProperty("blocking").EnumerateArray().ToList();
        Assert.Equal(["sync", "net", "syscall", "sched"], kinds.Select(k => k.GetProperty("kind").GetString()));
        foreach (var k in kinds)
        {
            await peer.RequestAsync(3, "gotrace/blockingSites", $"{{\"traceId\":\"{id}\",\"kind\":\"{k.GetProperty("kind").GetString()}\",\"limit\":3}}");
            var sites = (await peer.ReadAsync()).GetProperty("result");
            Assert.Equal(sites.GetProperty("totalNs").GetInt64(), k.GetProperty("totalNs").GetInt64());
            Assert.Equal(sites.GetProperty("sites").GetRawText(), k.GetProperty("top").GetRawText());
        }
        Assert.InRange(o.GetProperty("topGroups").GetArrayLength(), 1, 5);
    }
}
