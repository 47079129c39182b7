using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GoTrace.Server.Tests;

/// <summary>
/// Every method's response on committed traces, compared to committed JSON snapshots (tests/GoTrace.Server.Tests/snapshots).
/// The snapshots are ours: they pin the wire format and catch unintended changes; the values are checked against Go's
/// by the other tests. They are rewritten only when GOTRACE_UPDATE_SNAPSHOTS=1 is set (then review the diff).
/// </summary>
public sealed class SnapshotTests
{
    private static readonly string Dir = Path.Combine(Gotrace.Root, "tests", "GoTrace.Server.Tests", "snapshots");
    private static bool Update => Environment.GetEnvironmentVariable("GOTRACE_UPDATE_SNAPSHOTS") == "1";

    public static TheoryData<string> Traces() => new() { "blocking.go1.27.trace", "annotations.go1.27.trace", "netio.go1.21.trace" };

    /// <summary>The calls made on each trace: a name for the snapshot entry, the method, params without traceId.</summary>
    private static IEnumerable<(string Name, string Method, string Params)> Calls(string trace)
    {
        foreach (var kind in new[] { "sync", "net", "syscall", "sched" })
            yield return ($"blockingSites.{kind}", "gotrace/blockingSites", $"\"kind\":\"{kind}\",\"limit\":3");
        yield return ("blockingSites.filtered", "gotrace/blockingSites", "\"kind\":\"sync\",\"limit\":3,\"filter\":{\"fromNs\":10000000,\"toNs\":60000000}");
        yield return ("sourceLines.main.go", "gotrace/sourceLines", "\"file\":\"/elsewhere/checkout/main.go\",\"topStacks\":1");
        yield return ("goroutineGroups", "gotrace/goroutineGroups", "");
        yield return ("goroutineGroup.main.main", "gotrace/goroutineGroup", "\"name\":\"main.main\"");
        yield return ("goroutines", "gotrace/goroutines", "\"orderBy\":\"blockTime\",\"limit\":5");
        yield return ("mmu", "gotrace/mmu", "\"windowsNs\":[1000000,10000000],\"quantiles\":[0.5],\"worst\":2");
        yield return ("timeline.overview", "gotrace/timeline", "\"startNs\":0,\"endNs\":200000000,\"nsPerPixel\":2000000,\"kinds\":[\"proc\",\"gc\",\"stw\",\"counter\",\"tasks\"]");
        yield return ("timeline.goroutines", "gotrace/timeline", "\"startNs\":20000000,\"endNs\":22000000,\"nsPerPixel\":50000,\"tracks\":[{\"kind\":\"goroutine\",\"id\":1},{\"kind\":\"goroutine\",\"id\":20}]");
        yield return ("search.goBlock", "gotrace/search", "\"kind\":\"goBlock\",\"limit\":5");
        yield return ("search.region", "gotrace/search", "\"kind\":\"region\",\"limit\":5");
        yield return ("taskTypes", "gotrace/taskTypes", "");
        yield return ("tasks", "gotrace/tasks", "\"limit\":2");
        yield return ("regionTypes", "gotrace/regionTypes", "");
        yield return ("regions", "gotrace/regions", "\"limit\":3");
        yield return ("overview", "gotrace/overview", "");
        yield return ("lineEvents.main.go:39", "gotrace/lineEvents", "\"file\":\"/elsewhere/checkout/main.go\",\"line\":39,\"kind\":\"sync\",\"limit\":2");
    }

    private static async Task<JsonNode?> Call(RpcPeer peer, long id, string method, string @params)
    {
        await peer.RequestAsync(id, method, @params);
        while (true)
        {
            var m = await peer.ReadAsync();
            if (m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt64() == id)
            {
                // The answer, or the error (code and message: also part of the contract).
                var node = JsonNode.Parse(m.GetRawText())!.AsObject();
                var part = node["result"] ?? node["error"];
                return part?.DeepClone();
            }
        }
    }

    private static string Normalize(string json) => json.Replace(JsonEncodedText.Encode(Gotrace.Root).Value, "<repo>", StringComparison.Ordinal)
        .Replace(Gotrace.Root, "<repo>", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Traces))]
    public async Task Responses_equal_the_committed_snapshots(string trace)
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        var doc = new JsonObject();
        string path = Path.Combine(Gotrace.Root, "testdata", "traces", trace);
        var open = (await Call(peer, 1, "gotrace/open", $"{{\"path\":{JsonSerializer.Serialize(path)}}}"))!;
        string traceId = open["traceId"]!.GetValue<string>();
        doc["open"] = open;
        long id = 2;
        foreach (var (name, method, p) in Calls(trace))
            doc[name] = await Call(peer, id++, method, $"{{\"traceId\":\"{traceId}\"{(p.Length > 0 ? "," + p : "")}}}");
        // goroutineStack at the first blocking event found above, to follow a real chain.
        if (doc["search.goBlock"]?["hits"]?.AsArray() is { Count: > 0 } hits)
        {
            var h = hits[0]!;
            doc["goroutineStack"] = await Call(peer, id++, "gotrace/goroutineStack",
                $"{{\"traceId\":\"{traceId}\",\"goroutine\":{h["goroutine"]},\"timeNs\":{h["timeNs"]}}}");
        }
        // siteEvents and stack of the top sync site.
        if (doc["blockingSites.sync"]?["sites"]?.AsArray() is { Count: > 0 } sites)
        {
            var stackId = sites[0]!["stackId"];
            doc["siteEvents.sync.top"] = await Call(peer, id++, "gotrace/siteEvents",
                $"{{\"traceId\":\"{traceId}\",\"kind\":\"sync\",\"stackId\":{stackId},\"limit\":2}}");
            doc["stack.sync.top"] = await Call(peer, id++, "gotrace/stack", $"{{\"traceId\":\"{traceId}\",\"stack\":{stackId}}}");
        }
        string outFile = Path.Combine(Path.GetTempPath(), $"gotrace-snapshot-{Guid.NewGuid():N}.pb.gz");
        var export = await Call(peer, id++, "gotrace/exportPprof", $"{{\"traceId\":\"{traceId}\",\"kind\":\"sync\",\"outputPath\":{JsonSerializer.Serialize(outFile)}}}");
        if (export?["outputPath"] is not null) export["outputPath"] = "<temp>";
        doc["exportPprof.sync"] = export;
        File.Delete(outFile);
        doc["close"] = await Call(peer, id++, "gotrace/close", $"{{\"traceId\":\"{traceId}\"}}");

        string actual = Normalize(doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })) + "\n";
        string file = Path.Combine(Dir, trace + ".json");
        if (Update)
        {
            Directory.CreateDirectory(Dir);
            await File.WriteAllTextAsync(file, actual, new UTF8Encoding(false));
            return;
        }
        Assert.True(File.Exists(file), $"no snapshot {file}: run the tests with GOTRACE_UPDATE_SNAPSHOTS=1 once and review it");
        string expected = await File.ReadAllTextAsync(file);
        if (expected != actual)
        {
            // Name the first entry that differs, so the failure says what changed.
            var want = JsonNode.Parse(expected)!.AsObject();
            var got = JsonNode.Parse(actual)!.AsObject();
            var diff = want.Select(kv => kv.Key).Concat(got.Select(kv => kv.Key)).Distinct()
                .FirstOrDefault(k => !JsonNode.DeepEquals(want[k], got[k]));
            await File.WriteAllTextAsync(file + ".actual", actual);
            Assert.Fail($"{trace}: the response of \"{diff}\" differs from the snapshot (see {file}.actual; if intended, rerun with GOTRACE_UPDATE_SNAPSHOTS=1)");
        }
    }
}
