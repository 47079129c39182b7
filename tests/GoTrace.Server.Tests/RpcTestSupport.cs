using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Tests;

/// <summary>The client side of the wire, written independently of the server's reader and writer.</summary>
internal static class RpcWire
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static byte[] Frame(string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];
    }

    /// <summary>Reads one frame as the server writes it ("Content-Length: N\r\n\r\n" + body); null at the end of the stream.</summary>
    public static async Task<JsonElement?> ReadMessageAsync(Stream stream)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(header))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                Assert.True(header.Count == 0, $"the stream ended inside a header: '{Encoding.ASCII.GetString([.. header])}'");
                return null;
            }
            header.Add(one[0]);
        }
        string text = Encoding.ASCII.GetString([.. header]);
        Assert.Matches(@"^Content-Length: [0-9]+\r\n\r\n$", text);
        int length = int.Parse(text["Content-Length: ".Length..^4], System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';
}

/// <summary>
/// A server running over in-memory pipes, and its client: send frames or raw bytes, read what the server wrote.
/// By default the server is the one <c>gotrace serve</c> runs (<see cref="ServeCommand.CreateServer"/>).
/// </summary>
internal sealed class RpcPeer : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();
    private readonly Stream _output;
    private readonly StringWriter _log = new();

    public RpcPeer(Action<RpcServer>? register = null, RpcServerOptions? options = null)
    {
        Server = ServeCommand.CreateServer(_toServer.Reader, _fromServer.Writer, new ServerLog(_log, LogLevel.Debug), options);
        register?.Invoke(Server);
        Run = Task.Run(() => Server.RunAsync());
        _output = _fromServer.Reader.AsStream();
    }

    public RpcServer Server { get; }

    /// <summary>The server's run; its result is the exit code.</summary>
    public Task<int> Run { get; }

    /// <summary>The log (read it once the server has ended).</summary>
    public string Log => _log.ToString();

    public async Task SendRawAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    public Task SendRawAsync(string ascii) => SendRawAsync(Encoding.UTF8.GetBytes(ascii));

    public Task SendAsync(string json) => SendRawAsync(RpcWire.Frame(json));

    public Task RequestAsync(long id, string method, string? paramsJson = null) =>
        RequestWithIdAsync(id.ToString(System.Globalization.CultureInfo.InvariantCulture), method, paramsJson);

    /// <summary>A request whose id is given as JSON text (e.g. a string id).</summary>
    public Task RequestWithIdAsync(string idJson, string method, string? paramsJson = null) =>
        SendAsync($$"""{"jsonrpc":"2.0","id":{{idJson}},"method":"{{method}}"{{(paramsJson is null ? "" : ",\"params\":" + paramsJson)}}}""");

    public Task NotifyAsync(string method, string? paramsJson = null) =>
        SendAsync($$"""{"jsonrpc":"2.0","method":"{{method}}"{{(paramsJson is null ? "" : ",\"params\":" + paramsJson)}}}""");

    /// <summary>The next message the server wrote (fails after 30 s instead of hanging).</summary>
    public async Task<JsonElement> ReadAsync()
    {
        JsonElement? message = await RpcWire.ReadMessageAsync(_output).WaitAsync(RpcWire.Timeout);
        Assert.True(message.HasValue, "the server's output ended");
        return message.Value;
    }

    /// <summary>True when the server's output has ended with nothing more in it.</summary>
    public async Task<bool> OutputEndedAsync() => await RpcWire.ReadMessageAsync(_output).WaitAsync(RpcWire.Timeout) is null;

    public async Task InitializeAsync()
    {
        await RequestAsync(0, "initialize", """{"processId":null,"clientInfo":{"name":"tests"}}""");
        JsonElement response = await ReadAsync();
        Assert.True(response.TryGetProperty("result", out _), response.ToString());
    }

    /// <summary>Ends the input and waits for the server to end.</summary>
    public async Task<int> EndInputAsync()
    {
        await _toServer.Writer.CompleteAsync();
        return await Run.WaitAsync(RpcWire.Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await _fromServer.Reader.CompleteAsync(); // a server still writing sees a closed output
        await Run.WaitAsync(RpcWire.Timeout);
    }

    public static int Code(JsonElement response) => response.GetProperty("error").GetProperty("code").GetInt32();

    public static string Message(JsonElement response) => response.GetProperty("error").GetProperty("message").GetString()!;

    public static JsonValueKind IdKind(JsonElement response) => response.GetProperty("id").ValueKind;

    public static long Id(JsonElement response) => response.GetProperty("id").GetInt64();
}

/// <summary>Params and results of the methods the tests register.</summary>
public sealed class KeyParams
{
    public required string Key { get; init; }
}

public sealed class KeyResult
{
    public required string Key { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyParams))]
[JsonSerializable(typeof(KeyResult))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
