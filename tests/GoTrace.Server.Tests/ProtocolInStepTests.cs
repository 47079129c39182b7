using System.Text.Json;
using System.Text.RegularExpressions;

namespace GoTrace.Server.Tests;

/// <summary>
/// The three descriptions of the protocol stay in step: the methods the server registers (reported by `initialize`),
/// the methods documented in server/PROTOCOL.md, and those of the extension's extension/src/protocol.ts.
/// </summary>
public sealed class ProtocolInStepTests
{
    private static HashSet<string> Documented(string kind)
    {
        var md = File.ReadAllText(Path.Combine(Gotrace.Root, "server", "PROTOCOL.md"));
        return Regex.Matches(md, @"^### `(gotrace/\w+)` \((\w+)\)", RegexOptions.Multiline)
            .Where(m => m.Groups[2].Value == kind).Select(m => m.Groups[1].Value).ToHashSet();
    }

    private static HashSet<string> InTypeScript(string constName)
    {
        var ts = File.ReadAllText(Path.Combine(Gotrace.Root, "extension", "src", "protocol.ts"));
        var block = Regex.Match(ts, @"export const " + constName + @" = \{(?<body>[^}]*)\}").Groups["body"].Value;
        return Regex.Matches(block, @"'(gotrace/\w+)'").Select(m => m.Groups[1].Value).ToHashSet();
    }

    [Fact]
    public async Task Methods_are_the_same_in_server_docs_and_extension()
    {
        await using var peer = new RpcPeer();
        await peer.RequestAsync(1, "initialize", "{}");
        var init = await peer.ReadAsync();
        var exp = init.GetProperty("result").GetProperty("capabilities").GetProperty("experimental");
        var served = exp.GetProperty("methods").EnumerateArray().Select(e => e.GetString()!).Where(m => m.StartsWith("gotrace/", StringComparison.Ordinal)).ToHashSet();
        var notes = exp.GetProperty("notifications").EnumerateArray().Select(e => e.GetString()!).ToHashSet();

        var doc = Documented("request");
        var ts = InTypeScript("Methods");
        Assert.True(served.SetEquals(doc), $"server: [{string.Join(", ", served.Order())}]; PROTOCOL.md: [{string.Join(", ", doc.Order())}]");
        Assert.True(served.SetEquals(ts), $"server: [{string.Join(", ", served.Order())}]; protocol.ts: [{string.Join(", ", ts.Order())}]");
        var tsNotes = InTypeScript("Notifications");
        Assert.Contains("gotrace/progress", tsNotes);
        Assert.Contains("gotrace/progress", File.ReadAllText(Path.Combine(Gotrace.Root, "server", "PROTOCOL.md")));
        _ = notes; // client-to-server notifications (initialized, exit, $/cancelRequest) are the LSP ones
    }
}
