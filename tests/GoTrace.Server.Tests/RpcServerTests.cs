using System.Collections.Concurrent;
using System.Text.Json;
using GoTrace.Format;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Tests;

/// <summary>
/// Dispatch over in-memory pipes: JSON-RPC errors for every kind of bad message, typed handlers, concurrency,
/// cancellation and notifications. The server is the one <c>gotrace serve</c> runs, plus test methods.
/// </summary>
public sealed class RpcServerTests
{
    /// <summary>Test methods: "test/wait" blocks until its key is released (or its token cancelled), and others.</summary>
    private sealed class TestMethods
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _release = new();

        public ConcurrentQueue<string> Notes { get; } = new();

        private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> map, string key) =>
            map.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public Task Started(string key) => Get(_started, key).Task.WaitAsync(RpcWire.Timeout);

        public void Release(string key) => Get(_release, key).TrySetResult();

        public void Register(RpcServer server)
        {
            server.Register("test/wait", TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult, async (p, ctx, ct) =>
            {
                Get(_started, p.Key).TrySetResult();
                await Get(_release, p.Key).Task.WaitAsync(ct);
                return new KeyResult { Key = p.Key };
            });
            server.Register("test/throw", TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult, (p, ctx, ct) => p.Key switch
            {
                "rpc" => throw new RpcException(42, "the answer", JsonSerializer.SerializeToElement(new KeyResult { Key = "data" }, TestJsonContext.Default.KeyResult)),
                "format" => throw RpcException.TraceFormat(new TraceFormatException("unexpected end of data", "batch header", 0x40, 3)),
                "unknown" => throw RpcException.UnknownTrace("t7"),
                "bad" => throw RpcException.BadParams("the range ends before it starts"),
                "sync" => throw new InvalidOperationException("boom before the first await"),
                _ => Fail(p.Key),
            });
            server.Register("test/progress", TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult, async (p, ctx, ct) =>
            {
                for (int i = 0; i < 3; i++)
                {
                    await ctx.NotifyAsync("test/progressed", new KeyResult { Key = $"{p.Key}{i}" }, TestJsonContext.Default.KeyResult, ct);
                }
                return new KeyResult { Key = p.Key };
            });
            server.RegisterNotification("test/note", TestJsonContext.Default.KeyParams, (p, ctx, ct) =>
            {
                Notes.Enqueue(p.Key);
                return p.Key == "fail" ? throw new InvalidOperationException("a failing notification") : ValueTask.CompletedTask;
            });
        }

        private static async ValueTask<KeyResult> Fail(string key)
        {
            await Task.Yield();
            throw new InvalidOperationException("boom: " + key);
        }
    }

    private static async Task<(RpcPeer Peer, TestMethods Methods)> StartAsync(RpcServerOptions? options = null)
    {
        var methods = new TestMethods();
        var peer = new RpcPeer(methods.Register, options);
        await peer.InitializeAsync();
        return (peer, methods);
    }

    /// <summary>A ping round trip: proves the server still answers, and that everything sent before was handled.</summary>
    private static async Task AssertAliveAsync(RpcPeer peer, long id = 999)
    {
        await peer.RequestAsync(id, "gotrace/ping", """{"message":"still there"}""");
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(id, RpcPeer.Id(response));
        Assert.Equal("still there", response.GetProperty("result").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Ping_answers_with_its_message_and_the_version()
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestWithIdAsync("\"abc\"", "gotrace/ping", """{"message":"hé <b> 日本"}""");
        JsonElement response = await peer.ReadAsync();
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal("abc", response.GetProperty("id").GetString()); // string ids come back as strings
        Assert.Equal("hé <b> 日本", response.GetProperty("result").GetProperty("message").GetString());
        Assert.Equal(RpcServer.Version, response.GetProperty("result").GetProperty("version").GetString());
        await peer.RequestAsync(2, "gotrace/ping"); // absent params read as {}
        Assert.False((await peer.ReadAsync()).GetProperty("result").TryGetProperty("message", out _));
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":")]
    [InlineData("not json")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("")]
    public async Task Invalid_json_is_a_parse_error_with_a_null_id(string body)
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.SendAsync(body);
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.ParseError, RpcPeer.Code(response));
        Assert.Equal(JsonValueKind.Null, RpcPeer.IdKind(response));
        await AssertAliveAsync(peer);
    }

    [Fact]
    public async Task Invalid_utf8_is_a_parse_error()
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        byte[] body = [.. "{\"jsonrpc\":\"2.0\",\"method\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        await peer.SendRawAsync([.. System.Text.Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body]);
        Assert.Equal(RpcErrorCodes.ParseError, RpcPeer.Code(await peer.ReadAsync()));
        await AssertAliveAsync(peer);
    }

    [Fact]
    public async Task A_body_may_start_with_a_byte_order_mark_and_methods_may_take_and_return_nothing()
    {
        await using var peer = new RpcPeer(s => s.Register("test/nothing", RpcJsonContext.Default.Empty, RpcJsonContext.Default.Empty,
            (p, c, t) => ValueTask.FromResult(Empty.Value)));
        await peer.InitializeAsync();
        byte[] body = [0xEF, 0xBB, 0xBF, .. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test/nothing\",\"params\":{\"ignored\":true}}"u8];
        await peer.SendRawAsync([.. System.Text.Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body]);
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":{}}""", (await peer.ReadAsync()).GetRawText());
    }

    [Theory]
    [InlineData("42", "not a number")]
    [InlineData("\"text\"", "not a string")]
    [InlineData("null", "not null")]
    [InlineData("true", "not a boolean")]
    [InlineData("[]", "batch")]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"gotrace/ping\"}]", "batch")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"gotrace/ping\"}", "id must be")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"gotrace/ping\"}", "id must be")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"gotrace/ping\"}", "id must be")]
    [InlineData("{\"jsonrpc\":\"2.0\"}", "needs a method")]
    public async Task Json_that_is_not_a_valid_request_is_an_invalid_request_with_a_null_id(string body, string why)
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.SendAsync(body);
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.InvalidRequest, RpcPeer.Code(response));
        Assert.Contains(why, RpcPeer.Message(response));
        Assert.Equal(JsonValueKind.Null, RpcPeer.IdKind(response));
        await AssertAliveAsync(peer);
    }

    [Theory]
    [InlineData("{\"id\":7,\"method\":\"gotrace/ping\"}", "jsonrpc")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"gotrace/ping\"}", "jsonrpc")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}", "method must be a string")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"gotrace/ping\",\"params\":\"x\"}", "params must be")]
    public async Task An_invalid_request_with_a_valid_id_is_answered_with_that_id(string body, string why)
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.SendAsync(body);
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.InvalidRequest, RpcPeer.Code(response));
        Assert.Contains(why, RpcPeer.Message(response));
        Assert.Equal(7, RpcPeer.Id(response));
    }

    [Fact]
    public async Task Framing_errors_are_answered_and_the_server_reads_on()
    {
        var (peer, _) = await StartAsync(new RpcServerOptions { MaxMessageBytes = 256 });
        await using var _peer = peer;
        await peer.SendRawAsync("garbage\r\n");
        await peer.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"gotrace/ping\",\"params\":{\"message\":\"" + new string('x', 300) + "\"}}");
        await peer.SendRawAsync("Content-Length: twelve\r\n\r\n{}");
        JsonElement garbage = await peer.ReadAsync(), tooLarge = await peer.ReadAsync(), badLength = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.ParseError, RpcPeer.Code(garbage));
        Assert.Equal(RpcErrorCodes.InvalidRequest, RpcPeer.Code(tooLarge));
        Assert.Contains("exceeds the limit of 256 bytes", RpcPeer.Message(tooLarge));
        Assert.Equal(RpcErrorCodes.ParseError, RpcPeer.Code(badLength));
        Assert.All([garbage, tooLarge, badLength], r => Assert.Equal(JsonValueKind.Null, RpcPeer.IdKind(r)));
        await AssertAliveAsync(peer);
    }

    [Fact]
    public async Task An_unknown_method_is_method_not_found_and_an_unknown_notification_is_ignored()
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(5, "gotrace/nothing");
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.MethodNotFound, RpcPeer.Code(response));
        Assert.Equal(5, RpcPeer.Id(response));
        await peer.NotifyAsync("gotrace/nothing");
        await peer.NotifyAsync("$/setTrace", """{"value":"off"}""");
        await peer.SendAsync("""{"jsonrpc":"2.0","id":77,"result":{"from":"the client"}}"""); // a response: ignored
        await AssertAliveAsync(peer); // the first message after those is the ping's answer
        Assert.Equal(1, await peer.EndInputAsync()); // no shutdown came
        Assert.Contains("unknown notification gotrace/nothing", peer.Log);
    }

    [Theory]
    [InlineData("""{"key":5}""")]
    [InlineData("""{"other":"x"}""")] // a required member missing
    [InlineData("""[1,2]""")]
    [InlineData(null)]                // absent params are {}: still missing the key
    public async Task Params_that_do_not_deserialize_are_invalid_params(string? @params)
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(3, "test/wait", @params);
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.InvalidParams, RpcPeer.Code(response));
        Assert.Equal(3, RpcPeer.Id(response));
        Assert.StartsWith("Invalid params: ", RpcPeer.Message(response));
    }

    [Theory]
    [InlineData("rpc", 42, "the answer", """{"key":"data"}""")]
    [InlineData("format", RpcErrorCodes.TraceFormat, "batch header at offset 0x40 (generation 3): unexpected end of data",
        """{"offset":64,"generation":3,"what":"batch header","reason":"unexpected end of data"}""")]
    [InlineData("unknown", RpcErrorCodes.UnknownTrace, "unknown trace id 't7'", """{"traceId":"t7"}""")]
    [InlineData("bad", RpcErrorCodes.BadParams, "the range ends before it starts", null)]
    public async Task An_RpcException_becomes_the_error_with_its_code_message_and_data(string key, int code, string message, string? data)
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(4, "test/throw", $$"""{"key":"{{key}}"}""");
        JsonElement error = (await peer.ReadAsync()).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(message, error.GetProperty("message").GetString());
        if (data is null) Assert.False(error.TryGetProperty("data", out _));
        else Assert.Equal(data, error.GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData("async", "boom: async")]
    [InlineData("sync", "boom before the first await")]
    public async Task Any_other_exception_is_an_internal_error_with_the_message_in_data(string key, string message)
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(6, "test/throw", $$"""{"key":"{{key}}"}""");
        JsonElement response = await peer.ReadAsync();
        Assert.Equal(6, RpcPeer.Id(response));
        JsonElement error = response.GetProperty("error");
        Assert.Equal(RpcErrorCodes.InternalError, error.GetProperty("code").GetInt32());
        Assert.Equal("System.InvalidOperationException", error.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal(message, error.GetProperty("data").GetProperty("message").GetString());
        await AssertAliveAsync(peer);
        await peer.EndInputAsync();
        Assert.Contains(message, peer.Log); // with its stack, on the log
    }

    [Fact]
    public async Task Requests_run_concurrently_and_are_answered_as_they_finish()
    {
        var (peer, methods) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(1, "test/wait", """{"key":"slow"}""");
        await peer.RequestAsync(2, "test/wait", """{"key":"fast"}""");
        await methods.Started("slow");
        await methods.Started("fast"); // both handlers are running at once
        methods.Release("fast");
        JsonElement first = await peer.ReadAsync();
        Assert.Equal(2, RpcPeer.Id(first));
        Assert.Equal("fast", first.GetProperty("result").GetProperty("key").GetString());
        await AssertAliveAsync(peer); // the reading loop is not blocked by the slow request either
        methods.Release("slow");
        JsonElement second = await peer.ReadAsync();
        Assert.Equal(1, RpcPeer.Id(second));
    }

    [Fact]
    public async Task CancelRequest_cancels_the_handlers_token_and_the_answer_is_request_cancelled()
    {
        var (peer, methods) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestWithIdAsync("\"c1\"", "test/wait", """{"key":"never"}""");
        await methods.Started("never");
        await peer.NotifyAsync("$/cancelRequest", """{"id":"c1"}""");
        JsonElement response = await peer.ReadAsync();
        Assert.Equal("c1", response.GetProperty("id").GetString());
        Assert.Equal(RpcErrorCodes.RequestCancelled, RpcPeer.Code(response));
        await peer.NotifyAsync("$/cancelRequest", """{"id":12345}"""); // not running: ignored
        await AssertAliveAsync(peer);
    }

    [Fact]
    public async Task An_id_already_in_progress_is_refused()
    {
        var (peer, methods) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(9, "test/wait", """{"key":"a"}""");
        await methods.Started("a");
        await peer.RequestAsync(9, "test/wait", """{"key":"b"}""");
        JsonElement refused = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.InvalidRequest, RpcPeer.Code(refused));
        Assert.Equal(9, RpcPeer.Id(refused));
        methods.Release("a");
        Assert.Equal("a", (await peer.ReadAsync()).GetProperty("result").GetProperty("key").GetString());
    }

    [Fact]
    public async Task Notifications_from_a_handler_reach_the_client_before_its_response()
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.RequestAsync(8, "test/progress", """{"key":"p"}""");
        for (int i = 0; i < 3; i++)
        {
            JsonElement note = await peer.ReadAsync();
            Assert.False(note.TryGetProperty("id", out _));
            Assert.Equal("test/progressed", note.GetProperty("method").GetString());
            Assert.Equal($"p{i}", note.GetProperty("params").GetProperty("key").GetString());
        }
        Assert.Equal(8, RpcPeer.Id(await peer.ReadAsync()));
    }

    [Fact]
    public async Task Client_notifications_reach_their_handler_in_order_and_are_never_answered()
    {
        var (peer, methods) = await StartAsync();
        await using var _peer = peer;
        await peer.NotifyAsync("test/note", """{"key":"one"}""");
        await peer.NotifyAsync("test/note", """{"key":"fail"}""");   // throws: logged only
        await peer.NotifyAsync("test/note", """{"wrong":1}""");      // bad params: logged only
        await peer.NotifyAsync("test/note", """{"key":"two"}""");
        await AssertAliveAsync(peer);
        Assert.Equal(new[] { "one", "fail", "two" }, methods.Notes.ToArray());
    }

    [Fact]
    public async Task Server_notifications_can_be_sent_outside_requests()
    {
        var (peer, _) = await StartAsync();
        await using var _peer = peer;
        await peer.Server.NotifyAsync("test/progressed", new KeyResult { Key = "k" }, TestJsonContext.Default.KeyResult);
        JsonElement note = await peer.ReadAsync();
        Assert.Equal("""{"jsonrpc":"2.0","method":"test/progressed","params":{"key":"k"}}""", note.GetRawText());
    }

    [Fact]
    public void Registration_refuses_reserved_duplicate_and_late_methods()
    {
        var server = ServeCommand.CreateServer(new System.IO.Pipelines.Pipe().Reader, new System.IO.Pipelines.Pipe().Writer, ServerLog.Null);
        ValueTask<KeyResult> Handler(KeyParams p, RequestContext c, CancellationToken t) => ValueTask.FromResult(new KeyResult { Key = p.Key });
        foreach (string reserved in new[] { "initialize", "initialized", "shutdown", "exit", "$/cancelRequest" })
        {
            Assert.Throws<ArgumentException>(() => server.Register(reserved, TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult, Handler));
        }
        Assert.Throws<ArgumentException>(() => server.Register(PingMethod.Name, TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult, Handler));
        Assert.Throws<ArgumentException>(() => server.RegisterNotification(PingMethod.Name, TestJsonContext.Default.KeyParams, (p, c, t) => ValueTask.CompletedTask));
        Assert.Throws<ArgumentException>(() => server.Register("", TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult, Handler));
    }

    [Fact]
    public async Task Methods_cannot_be_registered_once_the_server_runs()
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync(); // the server is surely running now
        Assert.Throws<InvalidOperationException>(() => peer.Server.Register("late", TestJsonContext.Default.KeyParams,
            TestJsonContext.Default.KeyResult, (p, c, t) => ValueTask.FromResult(new KeyResult { Key = p.Key })));
    }
}
