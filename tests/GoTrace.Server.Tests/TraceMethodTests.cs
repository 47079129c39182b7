using System.Text.Json;
using GoTrace.Analysis;
using GoTrace.Analysis.Pprof;

namespace GoTrace.Server.Tests;

/// <summary>The trace methods over an in-memory pipe, on committed traces, with Go's numbers where Go has them.</summary>
public sealed class TraceMethodTests
{
    private static string Trace(string name) => Path.Combine(Gotrace.Root, "testdata", "traces", name);

    private static string Json(string s) => JsonSerializer.Serialize(s);

    /// <summary>Reads until the response to <paramref name="id"/>; returns it and the notifications seen before it.</summary>
    private static async Task<(JsonElement Response, List<JsonElement> Notifications)> ResponseAsync(RpcPeer peer, long id)
    {
        var notes = new List<JsonElement>();
        while (true)
        {
            var m = await peer.ReadAsync();
            if (m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt64() == id) return (m, notes);
            notes.Add(m);
        }
    }

    private static async Task<(RpcPeer Peer, string TraceId, JsonElement Summary, List<JsonElement> Notes)> OpenAsync(string trace)
    {
        var peer = new RpcPeer();
        await peer.InitializeAsync();
        await peer.RequestAsync(10, "gotrace/open", $"{{\"path\":{Json(Trace(trace))}}}");
        var (r, notes) = await ResponseAsync(peer, 10);
        Assert.True(r.TryGetProperty("result", out var result), r.ToString());
        return (peer, result.GetProperty("traceId").GetString()!, result.GetProperty("summary"), notes);
    }

    private static Profile GoProfile(string trace, string type)
    {
        using var f = File.OpenRead(Path.Combine(Gotrace.Root, "testdata", "golden-pprof", $"{trace}.{type}.pb.gz"));
        return PprofWriter.Read(f);
    }

    [Fact]
    public async Task Open_reports_the_summary_and_progress()
    {
        var (peer, id, summary, notes) = await OpenAsync("blocking.go1.27.trace");
        await using var _p = peer;
        Assert.StartsWith("t", id);
        Assert.Equal("go 1.26 trace", summary.GetProperty("format").GetString());
        Assert.Equal(113294849, summary.GetProperty("durationNs").GetInt64());   // go tool trace: 113.294849ms
        Assert.Equal(239, summary.GetProperty("goroutines").GetInt32());
        Assert.Equal(2, summary.GetProperty("procs").GetInt32());
        Assert.False(summary.TryGetProperty("damage", out _));
        Assert.NotEmpty(notes);
        var last = notes[^1];
        Assert.Equal("gotrace/progress", last.GetProperty("method").GetString());
        Assert.Equal(new FileInfo(Trace("blocking.go1.27.trace")).Length, last.GetProperty("params").GetProperty("bytesRead").GetInt64());
    }

    [Theory]
    [InlineData("blocking.go1.27.trace", "sync")]
    [InlineData("netio.go1.21.trace", "net")]
    [InlineData("gcheavy.go1.25.trace", "sched")]
    public async Task Blocking_sites_total_equals_gos_profile(string trace, string kind)
    {
        var (peer, id, _, _) = await OpenAsync(trace);
        await using var _p = peer;
        await peer.RequestAsync(11, "gotrace/blockingSites", $"{{\"traceId\":\"{id}\",\"kind\":\"{kind}\",\"limit\":1000}}");
        var (r, _) = await ResponseAsync(peer, 11);
        var res = r.GetProperty("result");
        var go = GoProfile(trace, kind);
        Assert.Equal(go.Sample.Sum(s => s.Value[1]), res.GetProperty("totalNs").GetInt64());
        Assert.Equal(go.Sample.Sum(s => s.Value[0]), res.GetProperty("totalCount").GetInt64());
        Assert.Equal(go.Sample.Count, res.GetProperty("siteCount").GetInt32());
        var sites = res.GetProperty("sites").EnumerateArray().ToList();
        Assert.Equal(go.Sample.Count, sites.Count);
        Assert.True(sites.Zip(sites.Skip(1)).All(p => p.First.GetProperty("timeNs").GetInt64() >= p.Second.GetProperty("timeNs").GetInt64()));
        Assert.All(sites, s => Assert.True(s.GetProperty("p99Ns").GetInt64() <= s.GetProperty("maxNs").GetInt64()));
    }

    [Fact]
    public async Task Source_lines_match_a_workspace_path_by_suffix()
    {
        var (peer, id, _, _) = await OpenAsync("blocking.go1.27.trace");
        await using var _p = peer;
        var local = Path.Combine(Gotrace.Root, "testdata", "programs", "blocking", "main.go");
        await peer.RequestAsync(12, "gotrace/sourceLines", $"{{\"traceId\":\"{id}\",\"file\":{Json(local)},\"line\":106}}");
        var (r, _) = await ResponseAsync(peer, 12);
        var res = r.GetProperty("result");
        Assert.Equal("gotrace.test/blocking/main.go", res.GetProperty("match").GetProperty("tracePath").GetString());
        Assert.Equal(2, res.GetProperty("match").GetProperty("matchedElements").GetInt32());
        var line = Assert.Single(res.GetProperty("lines").EnumerateArray());
        Assert.Equal(106UL, line.GetProperty("line").GetUInt64());
        // cond.Wait(): every sync sample through this line, from Go's own profile.
        var go = GoProfile("blocking.go1.27.trace", "sync");
        var locs = go.Location.ToDictionary(l => l.Id);
        var funcs = go.Function.ToDictionary(f => f.Id);
        long expect = go.Sample.Where(s => s.LocationId.Any(l => locs[l].Line[0].Line_ == 106
            && go.StringTable[(int)funcs[locs[l].Line[0].FunctionId].Filename] == "gotrace.test/blocking/main.go")).Sum(s => s.Value[1]);
        Assert.True(expect > 0);
        Assert.Equal(expect, line.GetProperty("sync").GetProperty("cumNs").GetInt64());
        Assert.Equal("main.condWaiter", line.GetProperty("sync").GetProperty("groups")[0].GetProperty("name").GetString());

        // The whole file: only lines with numbers, ascending.
        await peer.RequestAsync(13, "gotrace/sourceLines", $"{{\"traceId\":\"{id}\",\"file\":{Json(local)}}}");
        var (all, _) = await ResponseAsync(peer, 13);
        var lines = all.GetProperty("result").GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("line").GetUInt64()).ToList();
        Assert.Contains(106UL, lines);
        Assert.Contains(39UL, lines);
        Assert.Equal(lines.Order().ToList(), lines);
        // Every number of every line is the line index's (which LineIndexTests check against Go's profiles).
        var c = new BlockingCollector(new StackTable());
        TracePass.Run(Trace("blocking.go1.27.trace"), c);
        var index = LineIndex.Build(c, ProfileFilter.ByGoroutines(c));
        const string tracePath = "gotrace.test/blocking/main.go";
        Assert.Equal(index.LinesOf(tracePath), lines);
        foreach (var l in all.GetProperty("result").GetProperty("lines").EnumerateArray())
        {
            foreach (var kind in Enum.GetValues<BlockingKind>())
            {
                var want = index.Get(tracePath, l.GetProperty("line").GetUInt64(), kind);
                string name = kind.ToString().ToLowerInvariant();
                Assert.Equal(want is not null, l.TryGetProperty(name, out var got));
                if (want is null) continue;
                Assert.Equal((want.FlatTime, want.FlatCount, want.CumTime, want.CumCount),
                    (got.GetProperty("flatNs").GetInt64(), got.GetProperty("flatCount").GetInt64(), got.GetProperty("cumNs").GetInt64(), got.GetProperty("cumCount").GetInt64()));
            }
        }

        // A file the trace does not know.
        await peer.RequestAsync(14, "gotrace/sourceLines", $"{{\"traceId\":\"{id}\",\"file\":\"/nowhere/unrelated.go\"}}");
        var (none, _) = await ResponseAsync(peer, 14);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("result").GetProperty("match").TryGetProperty("tracePath", out var tp) ? tp.ValueKind : JsonValueKind.Null);
        Assert.Empty(none.GetProperty("result").GetProperty("lines").EnumerateArray());
    }

    [Fact]
    public async Task Export_writes_gos_profile_and_filters_work()
    {
        var (peer, id, _, _) = await OpenAsync("annotations.go1.27.trace");
        await using var _p = peer;
        var outFile = Path.Combine(Path.GetTempPath(), $"gotrace-{Guid.NewGuid():N}.pb.gz");
        try
        {
            await peer.RequestAsync(15, "gotrace/exportPprof", $"{{\"traceId\":\"{id}\",\"kind\":\"sched\",\"outputPath\":{Json(outFile)}}}");
            var (r, _) = await ResponseAsync(peer, 15);
            var go = GoProfile("annotations.go1.27.trace", "sched");
            Assert.Equal(go.Sample.Count, r.GetProperty("result").GetProperty("samples").GetInt32());
            using (var f = File.OpenRead(outFile)) Assert.Equal(go.Sample.Sum(s => s.Value[1]), PprofWriter.Read(f).Sample.Sum(s => s.Value[1]));
        }
        finally
        {
            File.Delete(outFile);
        }
        // Region filter = go tool trace's /regionsched?type=process (golden-pprof/http).
        await peer.RequestAsync(16, "gotrace/blockingSites", $"{{\"traceId\":\"{id}\",\"kind\":\"sched\",\"filter\":{{\"region\":\"process\"}}}}");
        var (rr, _) = await ResponseAsync(peer, 16);
        var manifest = File.ReadAllLines(Path.Combine(Gotrace.Root, "testdata", "golden-pprof", "http", "annotations.go1.27.trace", "MANIFEST.tsv"))
            .Select(l => l.Split('\t')).Single(p => p[1] == "/regionsched?type=process")[0];
        Profile region;
        using (var f = File.OpenRead(Path.Combine(Gotrace.Root, "testdata", "golden-pprof", "http", "annotations.go1.27.trace", manifest + ".pb.gz"))) region = PprofWriter.Read(f);
        Assert.Equal(region.Sample.Sum(s => s.Value[1]), rr.GetProperty("result").GetProperty("totalNs").GetInt64());
    }

    [Fact]
    public async Task Goroutine_groups_and_one_group()
    {
        var (peer, id, _, _) = await OpenAsync("blocking.go1.27.trace");
        await using var _p = peer;
        await peer.RequestAsync(17, "gotrace/goroutineGroups", $"{{\"traceId\":\"{id}\"}}");
        var (r, _) = await ResponseAsync(peer, 17);
        var groups = r.GetProperty("result").GetProperty("groups").EnumerateArray().ToList();
        var contenders = groups.Single(g => g.GetProperty("name").GetString() == "main.lockContender");
        Assert.Equal(12, contenders.GetProperty("count").GetInt32());
        Assert.Equal(239, groups.Sum(g => g.GetProperty("count").GetInt32()));
        await peer.RequestAsync(18, "gotrace/goroutineGroup", $"{{\"traceId\":\"{id}\",\"name\":\"main.lockContender\"}}");
        var (g1, _) = await ResponseAsync(peer, 18);
        var res = g1.GetProperty("result");
        Assert.Equal(12, res.GetProperty("goroutines").GetArrayLength());
        Assert.Equal("Execution time", res.GetProperty("columns")[0].GetString());
        Assert.Equal(contenders.GetProperty("execNs").GetInt64(), res.GetProperty("execNs").GetInt64());

        // Pages of a group (180 short-lived goroutines), whole and by a column: the same rows as the whole list's,
        // the count and columns of the whole group.
        foreach (var sort in new[] { "", ",\"sortBy\":\"Sched wait time\"" })
        {
            await peer.RequestAsync(19, "gotrace/goroutineGroup", $"{{\"traceId\":\"{id}\",\"name\":\"main.shortLived\"{sort}}}");
            var whole = (await ResponseAsync(peer, 19)).Response.GetProperty("result");
            Assert.Equal(180, whole.GetProperty("goroutines").GetArrayLength());
            await peer.RequestAsync(20, "gotrace/goroutineGroup", $"{{\"traceId\":\"{id}\",\"name\":\"main.shortLived\",\"offset\":50,\"limit\":40{sort}}}");
            var page = (await ResponseAsync(peer, 20)).Response.GetProperty("result");
            Assert.Equal(180, page.GetProperty("count").GetInt32());
            Assert.Equal(whole.GetProperty("columns").GetRawText(), page.GetProperty("columns").GetRawText());
            Assert.Equal(whole.GetProperty("goroutines").EnumerateArray().Skip(50).Take(40).Select(x => x.GetRawText()),
                page.GetProperty("goroutines").EnumerateArray().Select(x => x.GetRawText()));
        }
        await peer.RequestAsync(21, "gotrace/goroutineGroup", $"{{\"traceId\":\"{id}\",\"name\":\"main.shortLived\",\"limit\":0}}");
        Assert.Equal(3, RpcPeer.Code((await ResponseAsync(peer, 21)).Response));
    }

    [Fact]
    public async Task Errors_name_what_went_wrong()
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        var missing = Path.Combine(Path.GetTempPath(), "no-such.trace");
        await peer.RequestAsync(20, "gotrace/open", $"{{\"path\":{Json(missing)}}}");
        var (r1, _) = await ResponseAsync(peer, 20);
        Assert.Equal(3, RpcPeer.Code(r1));
        Assert.Contains(missing, RpcPeer.Message(r1));

        var zero = Path.Combine(Gotrace.Root, "testdata", "damaged", "blocking.go1.27.trace.zero");
        await peer.RequestAsync(21, "gotrace/open", $"{{\"path\":{Json(zero)}}}");
        var (r2, _) = await ResponseAsync(peer, 21);
        Assert.Equal(1, RpcPeer.Code(r2));
        Assert.True(r2.GetProperty("error").GetProperty("data").TryGetProperty("offset", out _));

        await peer.RequestAsync(22, "gotrace/blockingSites", "{\"traceId\":\"t999\",\"kind\":\"sync\"}");
        var (r3, _) = await ResponseAsync(peer, 22);
        Assert.Equal(2, RpcPeer.Code(r3));

        var damaged = Path.Combine(Gotrace.Root, "testdata", "damaged", "blocking.go1.27.trace.trunc-mid");
        await peer.RequestAsync(23, "gotrace/open", $"{{\"path\":{Json(damaged)}}}");
        var (r4, _) = await ResponseAsync(peer, 23);
        var summary = r4.GetProperty("result").GetProperty("summary");
        Assert.Contains("failed to read full batch", summary.GetProperty("damage").GetProperty("message").GetString());
        var id = r4.GetProperty("result").GetProperty("traceId").GetString();

        await peer.RequestAsync(24, "gotrace/blockingSites", $"{{\"traceId\":\"{id}\",\"kind\":\"mutex\"}}");
        var (r5, _) = await ResponseAsync(peer, 24);
        Assert.Equal(-32602, RpcPeer.Code(r5));

        await peer.RequestAsync(25, "gotrace/close", $"{{\"traceId\":\"{id}\"}}");
        var (r6, _) = await ResponseAsync(peer, 25);
        Assert.True(r6.TryGetProperty("result", out _));
        await peer.RequestAsync(26, "gotrace/blockingSites", $"{{\"traceId\":\"{id}\",\"kind\":\"sync\"}}");
        var (r7, _) = await ResponseAsync(peer, 26);
        Assert.Equal(2, RpcPeer.Code(r7));
    }

    [Fact]
    public async Task Mmu_equals_the_analysis_and_go_mode_differs_where_go_is_wrong()
    {
        var trace = "gcheavy.go1.27.trace";
        var (peer, id, _, _) = await OpenAsync(trace);
        await using var _p = peer;
        await peer.RequestAsync(30, "gotrace/mmu", $"{{\"traceId\":\"{id}\",\"flags\":\"stw|background|assist|sweep\",\"windowsNs\":[1000000,10000000],\"worst\":3,\"quantiles\":[0.01]}}");
        var (r, _) = await ResponseAsync(peer, 30);
        var points = r.GetProperty("result").GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(2, points.Count);
        var t = GoTrace.Analysis.Mmu.MmuAnalysis.Collect(Trace(trace));
        var expect = GoTrace.Analysis.Mmu.MmuAnalysis.Compute(t, GoTrace.Analysis.Mmu.UtilFlagsText.Parse("stw|background|assist|sweep"), [1000000, 10000000]);
        Assert.Equal(expect[0].Mmu, points[0].GetProperty("mmu").GetDouble());
        Assert.Equal(expect[1].Mmu, points[1].GetProperty("mmu").GetDouble());
        Assert.InRange(points[0].GetProperty("mmu").GetDouble(), 0, 1);
        Assert.True(points[0].GetProperty("worst").GetArrayLength() is > 0 and <= 3);
        Assert.Single(points[0].GetProperty("percentiles").EnumerateArray());

        await peer.RequestAsync(31, "gotrace/mmu", $"{{\"traceId\":\"{id}\",\"windowsNs\":[0]}}");
        var (bad, _) = await ResponseAsync(peer, 31);
        Assert.Equal(3, RpcPeer.Code(bad));
    }

    [Fact]
    public async Task Timeline_range_is_bounded_and_conserves_time()
    {
        var (peer, id, summary, _) = await OpenAsync("blocking.go1.27.trace");
        await using var _p = peer;
        long duration = summary.GetProperty("durationNs").GetInt64();
        // Full view at 1000 px: every proc, GC, and goroutine 1.
        await peer.RequestAsync(40, "gotrace/timeline",
            $"{{\"traceId\":\"{id}\",\"startNs\":0,\"endNs\":{duration},\"nsPerPixel\":{duration / 1000},\"kinds\":[\"proc\",\"gc\"],\"tracks\":[{{\"kind\":\"goroutine\",\"id\":1}},{{\"kind\":\"counter\",\"id\":0}}]}}");
        var (r, _) = await ResponseAsync(peer, 40);
        var tracks = r.GetProperty("result").GetProperty("tracks").EnumerateArray().ToList();
        var procs = tracks.Where(t => t.GetProperty("track").GetProperty("kind").GetString() == "proc").ToList();
        Assert.Equal(2, procs.Count);
        foreach (var t in tracks)
        {
            var spans = t.GetProperty("spans").EnumerateArray().ToList();
            Assert.True(spans.Count <= 2 * 1000 + 4, $"{t.GetProperty("name")}: {spans.Count} spans for 1000 px");
            if (spans.Count == 0) continue;
            // Contiguous from the window start to its end: nothing lost in merging. On the wire an end that is the next
            // span's start is left out (so every span but the last has none here), as is an index that follows the
            // previous span's (index + count).
            Assert.Equal(0, spans[0].GetProperty("startNs").GetInt64());
            Assert.Equal(duration, spans[^1].GetProperty("endNs").GetInt64());
            for (int i = 0; i + 1 < spans.Count; i++) Assert.False(spans[i].TryGetProperty("endNs", out _), $"span {i} of {t.GetProperty("name")}");
            Assert.True(spans[0].TryGetProperty("index", out _));
            long next = spans[0].GetProperty("index").GetInt64();
            foreach (var sp in spans)
            {
                long index = sp.TryGetProperty("index", out var ix) ? ix.GetInt64() : next;
                if (sp.TryGetProperty("index", out _) && sp.GetProperty("startNs").GetInt64() > 0) Assert.NotEqual(next, index);
                next = index + (sp.TryGetProperty("count", out var c) ? c.GetInt64() : 1);
            }
        }
        // Goroutine 1 (main.main): its Running time, merged or not, equals the summarizer's execution time.
        var g1 = tracks.Single(t => t.GetProperty("track").GetProperty("kind").GetString() == "goroutine");
        long running = 0;
        var g1Spans = g1.GetProperty("spans").EnumerateArray().ToList();
        for (int i = 0; i < g1Spans.Count; i++)
        {
            var sp = g1Spans[i];
            long end = i + 1 < g1Spans.Count ? g1Spans[i + 1].GetProperty("startNs").GetInt64() : sp.GetProperty("endNs").GetInt64();
            if (sp.TryGetProperty("stateNs", out var st)) running += st[2].GetInt64();             // GoroutineState.Running = 2
            else if (sp.GetProperty("state").GetInt32() == 2) running += end - sp.GetProperty("startNs").GetInt64();
        }
        var summ = GoTrace.Analysis.Summary.Summarizer.Summarize(Trace("blocking.go1.27.trace"));
        Assert.Equal(summ.Goroutines[1].Stats.ExecTime, running);
        // The compact wire form: usual values are left out (count 1, references -1, stack 0; a point's series 0, and
        // min/max equal to last), never written.
        foreach (var t in tracks)
        {
            foreach (var sp in t.GetProperty("spans").EnumerateArray())
            {
                if (sp.TryGetProperty("count", out var c)) Assert.NotEqual(1, c.GetInt32());
                foreach (var name in new[] { "goroutine", "proc", "thread", "ref" })
                    if (sp.TryGetProperty(name, out var v)) Assert.NotEqual(-1, v.GetInt64());
                if (sp.TryGetProperty("stack", out var stk)) Assert.NotEqual(0, stk.GetInt32());
            }
            foreach (var pt in t.GetProperty("points").EnumerateArray())
            {
                long last = pt.GetProperty("last").GetInt64();
                if (pt.TryGetProperty("min", out var mn)) Assert.NotEqual(last, mn.GetInt64());
                if (pt.TryGetProperty("max", out var mx)) Assert.NotEqual(last, mx.GetInt64());
                if (pt.TryGetProperty("series", out var se)) Assert.NotEqual(0, se.GetInt32());
            }
        }
        Assert.Contains(tracks.SelectMany(t => t.GetProperty("spans").EnumerateArray()), sp => !sp.TryGetProperty("count", out _));
        Assert.Contains(g1.GetProperty("spans").EnumerateArray(), sp => sp.TryGetProperty("stack", out _));

        await peer.RequestAsync(41, "gotrace/timeline", $"{{\"traceId\":\"{id}\",\"startNs\":0,\"endNs\":10,\"nsPerPixel\":1,\"kinds\":[\"nonsense\"]}}");
        var (bad, _) = await ResponseAsync(peer, 41);
        Assert.Equal(-32602, RpcPeer.Code(bad));
    }

    [Theory]
    [InlineData(39, "sync")]
    [InlineData(106, "sync")]
    [InlineData(42, "sched")]
    public async Task Line_events_are_what_the_lines_numbers_are_made_of(ulong line, string kind)
    {
        var (peer, id, _, _) = await OpenAsync("blocking.go1.27.trace");
        await using var _p = peer;
        var local = Path.Combine(Gotrace.Root, "testdata", "programs", "blocking", "main.go");
        await peer.RequestAsync(30, "gotrace/sourceLines", $"{{\"traceId\":\"{id}\",\"file\":{Json(local)},\"line\":{line}}}");
        var numbers = (await ResponseAsync(peer, 30)).Response.GetProperty("result").GetProperty("lines")[0].GetProperty(kind);
        await peer.RequestAsync(31, "gotrace/lineEvents", $"{{\"traceId\":\"{id}\",\"file\":{Json(local)},\"line\":{line},\"kind\":\"{kind}\",\"limit\":100000}}");
        var r = (await ResponseAsync(peer, 31)).Response.GetProperty("result");
        Assert.Equal("gotrace.test/blocking/main.go", r.GetProperty("match").GetProperty("tracePath").GetString());
        Assert.Equal(numbers.GetProperty("cumCount").GetInt64(), r.GetProperty("total").GetInt64());
        Assert.Equal(numbers.GetProperty("cumNs").GetInt64(), r.GetProperty("totalNs").GetInt64());
        var events = r.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(r.GetProperty("total").GetInt64(), events.Count);
        Assert.Equal(r.GetProperty("totalNs").GetInt64(), events.Sum(e => e.GetProperty("chargedNs").GetInt64()));
        var charged = events.Select(e => e.GetProperty("chargedNs").GetInt64()).ToList();
        Assert.Equal(charged.OrderDescending(), charged);
        Assert.Equal(numbers.GetProperty("maxNs").GetInt64(), charged[0]);
        foreach (var e in events)
            Assert.Contains(e.GetProperty("stack").EnumerateArray(), f => f.GetProperty("line").GetUInt64() == line && f.GetProperty("file").GetString() == "gotrace.test/blocking/main.go");
        // The longest one is on the timeline: the goroutine's span at its middle is that wait.
        var top = events[0];
        long mid = (top.GetProperty("startNs").GetInt64() + top.GetProperty("endNs").GetInt64()) / 2;
        await peer.RequestAsync(32, "gotrace/goroutineStack", $"{{\"traceId\":\"{id}\",\"goroutine\":{top.GetProperty("goroutine")},\"timeNs\":{mid}}}");
        var st = (await ResponseAsync(peer, 32)).Response.GetProperty("result");
        Assert.Equal(kind == "sched" ? "Runnable" : "Waiting", st.GetProperty("state").GetString());
        Assert.Equal(top.GetProperty("startNs").GetInt64(), st.GetProperty("spanStartNs").GetInt64());
        // By time, limited.
        await peer.RequestAsync(33, "gotrace/lineEvents", $"{{\"traceId\":\"{id}\",\"file\":{Json(local)},\"line\":{line},\"kind\":\"{kind}\",\"order\":\"time\",\"limit\":5}}");
        var byTime = (await ResponseAsync(peer, 33)).Response.GetProperty("result").GetProperty("events").EnumerateArray().Select(e => e.GetProperty("startNs").GetInt64()).ToList();
        Assert.Equal(Math.Min(5, events.Count), byTime.Count);
        Assert.Equal(events.Select(e => e.GetProperty("startNs").GetInt64()).Order().Take(5), byTime);
    }

    [Theory]
    [InlineData("blocking.go1.27.trace", "sync", null)]
    [InlineData("blocking.go1.27.trace", "sched", null)]
    [InlineData("blocking.go1.27.trace", "sync", "{\"fromNs\":10000000,\"toNs\":60000000}")]
    [InlineData("netio.go1.21.trace", "net", null)]
    public async Task Site_events_add_up_to_each_site_and_stack_ids_resolve(string trace, string kind, string? filter)
    {
        var (peer, id, _, _) = await OpenAsync(trace);
        await using var _p = peer;
        string f = filter is null ? "" : ",\"filter\":" + filter;
        await peer.RequestAsync(40, "gotrace/blockingSites", $"{{\"traceId\":\"{id}\",\"kind\":\"{kind}\",\"limit\":1000{f}}}");
        var sites = (await ResponseAsync(peer, 40)).Response.GetProperty("result").GetProperty("sites").EnumerateArray().ToList();
        Assert.NotEmpty(sites);
        long req = 41;
        foreach (var site in sites.Take(8))
        {
            int stack = site.GetProperty("stackId").GetInt32();
            await peer.RequestAsync(req, "gotrace/siteEvents", $"{{\"traceId\":\"{id}\",\"kind\":\"{kind}\",\"stackId\":{stack},\"limit\":100000{f}}}");
            var ev = (await ResponseAsync(peer, req++)).Response.GetProperty("result");
            Assert.Equal(site.GetProperty("count").GetInt64(), ev.GetProperty("total").GetInt64());
            Assert.Equal(site.GetProperty("timeNs").GetInt64(), ev.GetProperty("totalNs").GetInt64());
            Assert.Equal(site.GetProperty("maxNs").GetInt64(), ev.GetProperty("events")[0].GetProperty("chargedNs").GetInt64());
            // The site's histogram counts the same waits.
            Assert.Equal(site.GetProperty("count").GetInt64(), site.GetProperty("histogram").EnumerateArray().Sum(h => h.GetProperty("count").GetInt64()));
            await peer.RequestAsync(req, "gotrace/stack", $"{{\"traceId\":\"{id}\",\"stack\":{stack}}}");
            var frames = (await ResponseAsync(peer, req++)).Response.GetProperty("result").GetProperty("frames");
            Assert.Equal(site.GetProperty("stack").GetRawText(), frames.GetRawText());
        }
        await peer.RequestAsync(req, "gotrace/stack", $"{{\"traceId\":\"{id}\",\"stack\":99999999}}");
        Assert.Equal(3, RpcPeer.Code((await ResponseAsync(peer, req)).Response));
    }

    [Fact]
    public async Task Goroutine_items_say_how_many_region_and_range_lanes_their_rows_have()
    {
        var (peer, id, _, _) = await OpenAsync("annotations.go1.27.trace");
        await using var _p = peer;
        await peer.RequestAsync(50, "gotrace/goroutines", $"{{\"traceId\":\"{id}\",\"limit\":10000}}");
        var gs = (await ResponseAsync(peer, 50)).Response.GetProperty("result").GetProperty("goroutines").EnumerateArray().ToList();
        // Region lanes = the deepest nesting of the goroutine's regions (the summary's regions, as Go's pages list them).
        var summary = GoTrace.Analysis.Summary.Summarizer.Summarize(Trace("annotations.go1.27.trace"));
        int withRegions = 0;
        foreach (var g in gs)
        {
            long gid = g.GetProperty("id").GetInt64();
            int lanes = g.GetProperty("regionLanes").GetInt32();
            bool has = summary.Goroutines.TryGetValue(gid, out var gsum) && gsum.Regions.Any(r => r.Name.Length > 0);
            Assert.Equal(has, lanes > 0);
            if (has) withRegions++;
        }
        Assert.True(withRegions > 3, $"{withRegions} goroutines with regions");
    }

    [Fact]
    public async Task Timeline_refuses_a_selection_of_more_tracks_than_a_screen_shows()
    {
        var (peer, id, _, _) = await OpenAsync("blocking.go1.27.trace");
        await using var _p = peer;
        string tracks = string.Join(",", Enumerable.Range(1, 5000).Select(g => $"{{\"kind\":\"goroutine\",\"id\":{g}}}"));
        await peer.RequestAsync(20, "gotrace/timeline", $"{{\"traceId\":\"{id}\",\"startNs\":0,\"endNs\":1000000,\"nsPerPixel\":1000,\"tracks\":[{tracks}]}}");
        var (r, _) = await ResponseAsync(peer, 20);
        Assert.Equal(3, RpcPeer.Code(r));
        Assert.Contains("5,000 tracks; at most 4,096", RpcPeer.Message(r));
        // Every goroutine of this trace (239) is within the bound, and each comes back with its name.
        await peer.RequestAsync(21, "gotrace/timeline", $"{{\"traceId\":\"{id}\",\"startNs\":0,\"endNs\":1000000,\"nsPerPixel\":1000,\"kinds\":[\"goroutine\"]}}");
        var (ok, _) = await ResponseAsync(peer, 21);
        var all = ok.GetProperty("result").GetProperty("tracks").EnumerateArray().ToList();
        Assert.Equal(239, all.Count);
        Assert.Contains(all, t => t.GetProperty("name").GetString()!.StartsWith("G1 main.main", StringComparison.Ordinal));
        // The answer is bounded by tracks x pixels too: all 239 goroutines over the whole trace at 1 ns per pixel (the
        // window is then cut to 65,527 pixels of 1,729 ns) would be 15.7 M track-pixels; at 114 pixels, 27,246.
        foreach (var (npp, refused) in new[] { (1L, true), (1_000_000L, false) })
        {
            await peer.RequestAsync(22, "gotrace/timeline", $"{{\"traceId\":\"{id}\",\"startNs\":0,\"endNs\":113294849,\"nsPerPixel\":{npp},\"kinds\":[\"goroutine\"],\"encoding\":\"packed\"}}");
            var (b, _) = await ResponseAsync(peer, 22);
            if (refused)
            {
                Assert.Equal(3, RpcPeer.Code(b));
                Assert.Contains("239 tracks at 65,527 pixels is 15,660,953 track-pixels; at most 8,388,608", RpcPeer.Message(b));
            }
            else Assert.Equal(239, b.GetProperty("result").GetProperty("tracks").GetArrayLength());
        }
    }

    [Fact]
    public async Task Goroutine_stack_follows_the_unblocker()
    {
        var trace = "blocking.go1.27.trace";
        var (peer, id, _, _) = await OpenAsync(trace);
        await using var _p = peer;
        // A lockContender blocked in sync.(*Mutex).Lock: find one such wait from the raw events.
        var summ = GoTrace.Analysis.Summary.Summarizer.Summarize(Trace(trace));
        var g = summ.Goroutines.Values.First(x => x.Name == "main.lockContender" && x.Stats.BlockTimeByReason.ContainsKey("sync"));
        var c = new BlockingCollector(new StackTable());
        TracePass.Run(Trace(trace), c);
        int gi = c.IndexOf(g.Id);
        BlockingInterval wait = default;
        foreach (var iv in c.Intervals)
            if (iv.GoroutineIndex == gi && iv.Kind == BlockingKind.Sync && wait.End == 0) wait = iv;
        Assert.True(wait.End > 0);
        long mid = (wait.Start + wait.End) / 2 - c.TraceStart;
        await peer.RequestAsync(42, "gotrace/goroutineStack", $"{{\"traceId\":\"{id}\",\"goroutine\":{g.Id},\"timeNs\":{mid}}}");
        var (r, _) = await ResponseAsync(peer, 42);
        var res = r.GetProperty("result");
        Assert.Equal("Waiting", res.GetProperty("state").GetString());
        Assert.Equal("sync", res.GetProperty("reason").GetString());
        Assert.Equal(wait.Start - c.TraceStart, res.GetProperty("spanStartNs").GetInt64());
        Assert.Equal(wait.End - c.TraceStart, res.GetProperty("spanEndNs").GetInt64());
        Assert.Contains(res.GetProperty("eventStack").EnumerateArray(), f => f.GetProperty("func").GetString() == "sync.(*Mutex).Lock");
        Assert.Equal(g.Name, res.GetProperty("name").GetString());
        Assert.NotEmpty(res.GetProperty("creationStack").EnumerateArray());                 // the creator's stack at the go statement
        Assert.True(res.GetProperty("creator").GetInt64() > 0);
        var by = res.GetProperty("unblockedBy");
        Assert.Equal(wait.End - c.TraceStart, by.GetProperty("timeNs").GetInt64());
        Assert.Contains(by.GetProperty("stack").EnumerateArray(), f => f.GetProperty("func").GetString() == "sync.(*Mutex).Unlock");
    }

    [Fact]
    public async Task Goroutines_and_search_find_known_activity()
    {
        var (peer, id, _, _) = await OpenAsync("annotations.go1.27.trace");
        await using var _p = peer;
        await peer.RequestAsync(50, "gotrace/goroutines", $"{{\"traceId\":\"{id}\",\"group\":\"main.handleRequest\",\"orderBy\":\"execTime\"}}");
        var (r, _) = await ResponseAsync(peer, 50);
        var gs = r.GetProperty("result").GetProperty("goroutines").EnumerateArray().ToList();
        var summ = GoTrace.Analysis.Summary.Summarizer.Summarize(Trace("annotations.go1.27.trace"));
        var expect = summ.Goroutines.Values.Where(g => g.Name == "main.handleRequest").ToList();
        Assert.Equal(expect.Count, gs.Count);
        Assert.True(expect.Count > 0);
        foreach (var g in gs) Assert.Equal(summ.Goroutines[g.GetProperty("id").GetInt64()].Stats.ExecTime, g.GetProperty("execNs").GetInt64());
        Assert.True(gs.Zip(gs.Skip(1)).All(p => p.First.GetProperty("execNs").GetInt64() >= p.Second.GetProperty("execNs").GetInt64()));

        // Regions named "decode": as many as the summary has.
        await peer.RequestAsync(51, "gotrace/search", $"{{\"traceId\":\"{id}\",\"kind\":\"region\",\"text\":\"decode\",\"limit\":10000}}");
        var (sr, _) = await ResponseAsync(peer, 51);
        var hits = sr.GetProperty("result").GetProperty("hits").EnumerateArray().ToList();
        int regions = summ.AllRegions().Count(x => x.Name.Contains("decode", StringComparison.OrdinalIgnoreCase));
        Assert.True(regions > 0);
        Assert.Equal(regions, hits.Count);

        await peer.RequestAsync(52, "gotrace/search", $"{{\"traceId\":\"{id}\",\"kind\":\"bogus\"}}");
        var (bad, _) = await ResponseAsync(peer, 52);
        Assert.Equal(-32602, RpcPeer.Code(bad));
    }
}
