using System.Text.Json;
using GoTrace.Server.Traces;

namespace GoTrace.Server.Tests;

/// <summary>
/// gotrace/timeline with <c>"encoding":"packed"</c>: every packed track decodes to exactly the items of the JSON answer
/// to the same query (after filling in what the JSON form leaves out, as normalizeTimeline does).
/// </summary>
public sealed class TimelinePackingTests
{
    private static string Trace(string name) => Path.Combine(Gotrace.Root, "testdata", "traces", name);

    private static async Task<JsonElement> CallAsync(RpcPeer peer, long id, string method, string json)
    {
        await peer.RequestAsync(id, method, json);
        while (true)
        {
            var m = await peer.ReadAsync();
            if (m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt64() == id) return m;
        }
    }

    // One line per item, every member written out.
    private static List<string> JsonItems(JsonElement track)
    {
        var lines = new List<string>();
        var spans = track.GetProperty("spans").EnumerateArray().ToList();
        long nextIndex = 0;
        for (int i = 0; i < spans.Count; i++)
        {
            var s = spans[i];
            long L(string name, long usual) => s.TryGetProperty(name, out var v) ? v.GetInt64() : usual;
            long count = L("count", 1), index = L("index", nextIndex);
            long end = s.TryGetProperty("endNs", out var e) ? e.GetInt64() : spans[i + 1].GetProperty("startNs").GetInt64();
            string states = s.TryGetProperty("stateNs", out var st) ? string.Join(",", st.EnumerateArray().Select(x => x.GetInt64())) : "-";
            string reason = s.TryGetProperty("reason", out var r) ? r.GetString()! : "";
            lines.Add($"span {s.GetProperty("startNs").GetInt64()} {end} {s.GetProperty("state").GetInt32()} {count} {index} {reason} {L("stack", 0)} " +
                      $"{L("goroutine", -1)} {L("proc", -1)} {L("thread", -1)} {L("ref", -1)} {states}");
            nextIndex = index + count;
        }
        foreach (var x in track.GetProperty("instants").EnumerateArray())
        {
            long L(string name, long usual) => x.TryGetProperty(name, out var v) ? v.GetInt64() : usual;
            string text = x.TryGetProperty("text", out var t) ? t.GetString()! : "";
            lines.Add($"instant {L("timeNs", 0)} {L("endNs", 0)} {L("count", 1)} {L("index", 0)} {L("goroutine", -1)} {L("proc", -1)} {L("thread", -1)} {L("stack", 0)} {text}");
        }
        foreach (var p in track.GetProperty("points").EnumerateArray())
        {
            long last = p.GetProperty("last").GetInt64();
            long L(string name, long usual) => p.TryGetProperty(name, out var v) ? v.GetInt64() : usual;
            lines.Add($"point {L("timeNs", 0)} {L("endNs", 0)} {L("series", 0)} {L("min", last)} {L("max", last)} {last}");
        }
        return lines;
    }

    private static List<string> PackedItems(JsonElement track)
    {
        var strings = track.TryGetProperty("strings", out var ss) ? ss.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
        var (spans, instants, points) = TimelinePacking.Unpack(track.GetProperty("packed").GetBytesFromBase64(), strings);
        var lines = new List<string>();
        foreach (var s in spans)
        {
            string states = s.StateNs is { } st ? string.Join(",", st) : "-";
            lines.Add($"span {s.StartNs} {s.EndNs} {s.State} {s.Count} {s.Index} {s.Reason ?? ""} {s.Stack} {s.Goroutine} {s.Proc} {s.Thread} {s.Ref} {states}");
        }
        foreach (var x in instants) lines.Add($"instant {x.TimeNs} {x.EndNs} {x.Count} {x.Index} {x.Goroutine} {x.Proc} {x.Thread} {x.Stack} {x.Text ?? ""}");
        foreach (var p in points) lines.Add($"point {p.TimeNs} {p.EndNs} {p.Series} {p.Min} {p.Max} {p.Last}");
        return lines;
    }

    [Theory]
    [InlineData("blocking.go1.27.trace")]
    [InlineData("annotations.go1.27.trace")]
    [InlineData("annotations.go1.19.trace")]
    [InlineData("gcheavy.go1.21.trace")]
    [InlineData("gcheavy.go1.27.trace")]
    [InlineData("netio.go1.25.trace")]
    [InlineData("flightrecorder.go1.27.trace")]
    [InlineData("cgocallback.go1.22.trace")]
    public async Task Packed_tracks_decode_to_the_items_of_the_json_answer(string trace)
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        var open = await CallAsync(peer, 1, "gotrace/open", $"{{\"path\":{JsonSerializer.Serialize(Trace(trace))}}}");
        string id = open.GetProperty("result").GetProperty("traceId").GetString()!;
        long duration = open.GetProperty("result").GetProperty("summary").GetProperty("durationNs").GetInt64();
        var gs = await CallAsync(peer, 2, "gotrace/goroutines", $"{{\"traceId\":\"{id}\",\"orderBy\":\"execTime\",\"limit\":30}}");
        string goroutines = string.Join(",", gs.GetProperty("result").GetProperty("goroutines").EnumerateArray()
            .Select(g => $"{{\"kind\":\"goroutine\",\"id\":{g.GetProperty("id").GetInt64()}}}"));
        const string kinds = "\"proc\",\"thread\",\"gc\",\"stw\",\"procRanges\",\"goroutineRanges\",\"regions\",\"tasks\",\"counter\",\"cpuSamples\",\"logs\"";
        long callId = 10;
        int items = 0, merged = 0, withStrings = 0;
        // The full view at 1000 px (mostly merged spans and bucketed instants), a tenth of it at 100 ns/px, and
        // 1/50 of it at 1 ns/px (raw spans: ends that are not the next start, indexes that skip).
        foreach (var (start, end, npp) in new[] { (0L, duration, Math.Max(1, duration / 1000)), (duration / 3, duration / 3 + duration / 10, 100L),
                     (duration / 2, duration / 2 + duration / 50, 1L) })
        {
            string q = $"\"traceId\":\"{id}\",\"startNs\":{start},\"endNs\":{end},\"nsPerPixel\":{npp},\"kinds\":[{kinds}],\"tracks\":[{goroutines}]";
            var json = (await CallAsync(peer, callId++, "gotrace/timeline", $"{{{q}}}")).GetProperty("result");
            var packed = (await CallAsync(peer, callId++, "gotrace/timeline", $"{{{q},\"encoding\":\"packed\"}}")).GetProperty("result");
            foreach (var name in new[] { "startNs", "endNs", "nsPerPixel" }) Assert.Equal(json.GetProperty(name).GetInt64(), packed.GetProperty(name).GetInt64());
            var jt = json.GetProperty("tracks").EnumerateArray().ToList();
            var pt = packed.GetProperty("tracks").EnumerateArray().ToList();
            Assert.Equal(jt.Count, pt.Count);
            for (int i = 0; i < jt.Count; i++)
            {
                Assert.Equal(jt[i].GetProperty("track").GetRawText(), pt[i].GetProperty("track").GetRawText());
                Assert.Equal(jt[i].GetProperty("name").GetString(), pt[i].GetProperty("name").GetString());
                Assert.Equal(jt[i].GetProperty("series").GetRawText(), pt[i].GetProperty("series").GetRawText());
                Assert.False(pt[i].TryGetProperty("spans", out _));
                var want = JsonItems(jt[i]);
                Assert.Equal(want, PackedItems(pt[i]));
                items += want.Count;
                merged += want.Count(l => l.StartsWith("span ") && !l.EndsWith(" -"));
                if (pt[i].TryGetProperty("strings", out _)) withStrings++;
            }
        }
        Assert.True(items > 100, $"{items} items");
        Assert.True(merged > 0 && withStrings > 0, $"{merged} merged spans, {withStrings} tracks with strings");

        var bad = await CallAsync(peer, callId, "gotrace/timeline", $"{{\"traceId\":\"{id}\",\"startNs\":0,\"endNs\":10,\"nsPerPixel\":1,\"kinds\":[\"proc\"],\"encoding\":\"protobuf\"}}");
        Assert.Equal(-32602, RpcPeer.Code(bad));
        Assert.Contains("protobuf", RpcPeer.Message(bad));
    }

    [Fact]
    public void A_damaged_packed_track_is_a_format_error_not_a_crash()
    {
        // One merged span (3 states; flags: merged, end given, state 2) from 5 to 9 with 3 ns in state 0 and 2 in
        // state 2, no instants, no points; then damaged in every way.
        byte[] good = [3, 1, 0x83, 0x10, 10, 8, 0b101, 6, 4, 0, 0];
        var (spans, instants, points) = TimelinePacking.Unpack(good, []);
        var s = Assert.Single(spans);
        Assert.Equal((5L, 9L, (byte)2, 1, 0L), (s.StartNs, s.EndNs, s.State, s.Count, s.Index));
        Assert.Equal([3L, 0L, 2L], s.StateNs!);
        Assert.Empty(instants);
        Assert.Empty(points);
        for (int cut = 0; cut < good.Length; cut++) Assert.Throws<FormatException>(() => TimelinePacking.Unpack(good.AsSpan(0, cut), []));
        Assert.Throws<FormatException>(() => TimelinePacking.Unpack([.. good, 0], []));                       // bytes left over
        Assert.Throws<FormatException>(() => TimelinePacking.Unpack([3, 200, 1], []));                         // more spans than bytes
        Assert.Throws<FormatException>(() => TimelinePacking.Unpack([3, 1, 0x93, 0x10, 10, 8, 0, 0b101, 6, 4, 0, 0], []));  // a reason, but no strings
        Assert.Throws<FormatException>(() => TimelinePacking.Unpack([0, 1, 0, 2, 0, 0], []));                   // the last span has no end
        Assert.Throws<FormatException>(() => TimelinePacking.Unpack([0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [])); // an 11-byte number
    }
}
