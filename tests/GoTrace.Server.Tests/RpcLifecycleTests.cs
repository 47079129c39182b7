using System.Text.Json;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Tests;

/// <summary>The LSP lifecycle: initialize, initialized, shutdown, exit, and the end of the input.</summary>
public sealed class RpcLifecycleTests
{
    [Fact]
    public async Task Requests_before_initialize_are_refused_with_server_not_initialized()
    {
        await using var peer = new RpcPeer();
        await peer.RequestAsync(1, "gotrace/ping");
        await peer.RequestAsync(2, "shutdown");
        await peer.RequestAsync(3, "no/such/method");
        foreach (long id in new long[] { 1, 2, 3 })
        {
            JsonElement response = await peer.ReadAsync();
            Assert.Equal(id, RpcPeer.Id(response));
            Assert.Equal(RpcErrorCodes.ServerNotInitialized, RpcPeer.Code(response));
        }
        Assert.False(peer.Server.IsInitialized);
    }

    [Fact]
    public async Task Initialize_answers_capabilities_and_server_info_once()
    {
        await using var peer = new RpcPeer();
        await peer.RequestAsync(1, "initialize", """{"processId":4242,"clientInfo":{"name":"Visual Studio Code","version":"1.99"},"capabilities":{},"rootUri":null}""");
        JsonElement result = (await peer.ReadAsync()).GetProperty("result");
        Assert.Equal("gotrace", result.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal(RpcServer.Version, result.GetProperty("serverInfo").GetProperty("version").GetString());
        JsonElement methods = result.GetProperty("capabilities").GetProperty("experimental").GetProperty("methods");
        Assert.Contains(methods.EnumerateArray(), m => m.GetString() == PingMethod.Name);
        Assert.Equal(4242, peer.Server.ClientParams!.ProcessId);
        Assert.Equal("Visual Studio Code", peer.Server.ClientParams.ClientInfo!.Name);

        await peer.NotifyAsync("initialized", "{}");
        await peer.RequestAsync(2, "initialize", "{}");
        JsonElement again = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.InvalidRequest, RpcPeer.Code(again));
        Assert.Equal(2, RpcPeer.Id(again));
    }

    [Fact]
    public async Task Initialize_with_params_of_the_wrong_shape_is_invalid_params_and_leaves_the_server_uninitialized()
    {
        await using var peer = new RpcPeer();
        await peer.RequestAsync(1, "initialize", """{"processId":"not a number"}""");
        Assert.Equal(RpcErrorCodes.InvalidParams, RpcPeer.Code(await peer.ReadAsync()));
        Assert.False(peer.Server.IsInitialized);
        await peer.RequestAsync(2, "initialize"); // no params at all is fine
        Assert.True((await peer.ReadAsync()).TryGetProperty("result", out _));
    }

    [Fact]
    public async Task Shutdown_then_exit_ends_with_code_0_and_refuses_requests_in_between()
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        await peer.NotifyAsync("initialized", "{}");
        await peer.RequestAsync(1, "shutdown");
        JsonElement shutdown = await peer.ReadAsync();
        Assert.Equal(1, RpcPeer.Id(shutdown));
        Assert.Equal(JsonValueKind.Null, shutdown.GetProperty("result").ValueKind);
        Assert.True(peer.Server.IsShutdownRequested);

        await peer.RequestAsync(2, "gotrace/ping");
        JsonElement refused = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.InvalidRequest, RpcPeer.Code(refused));
        Assert.Equal(2, RpcPeer.Id(refused));

        await peer.NotifyAsync("exit");
        Assert.Equal(0, await peer.Run.WaitAsync(RpcWire.Timeout));
        Assert.True(await peer.OutputEndedAsync()); // the server closes its output once it ends
    }

    [Fact]
    public async Task Exit_without_shutdown_ends_with_code_1()
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        await peer.NotifyAsync("exit");
        Assert.Equal(1, await peer.Run.WaitAsync(RpcWire.Timeout));
    }

    [Fact]
    public async Task Exit_is_honoured_even_before_initialize()
    {
        await using var peer = new RpcPeer();
        await peer.NotifyAsync("exit");
        Assert.Equal(1, await peer.Run.WaitAsync(RpcWire.Timeout));
    }

    [Fact]
    public async Task Notifications_before_initialize_are_dropped()
    {
        var notes = new List<string>();
        await using var peer = new RpcPeer(s => s.RegisterNotification("test/note", TestJsonContext.Default.KeyParams, (p, c, t) =>
        {
            notes.Add(p.Key);
            return ValueTask.CompletedTask;
        }));
        await peer.NotifyAsync("test/note", """{"key":"early"}""");
        await peer.InitializeAsync();
        await peer.NotifyAsync("test/note", """{"key":"late"}""");
        await peer.RequestAsync(5, "gotrace/ping"); // answered after the notification was handled (same loop, in order)
        Assert.Equal(5, RpcPeer.Id(await peer.ReadAsync()));
        Assert.Equal(new[] { "late" }, notes.ToArray());
    }

    [Fact]
    public async Task The_end_of_the_input_ends_the_server_cleanly()
    {
        await using var peer = new RpcPeer();
        await peer.InitializeAsync();
        await peer.RequestAsync(1, "shutdown");
        await peer.ReadAsync();
        Assert.Equal(0, await peer.EndInputAsync()); // after shutdown: 0
        Assert.True(await peer.OutputEndedAsync());

        await using var other = new RpcPeer();
        await other.InitializeAsync();
        Assert.Equal(1, await other.EndInputAsync()); // without shutdown: 1, like exit
        Assert.Contains("the input ended without shutdown", other.Log);
    }

    [Fact]
    public async Task The_end_of_the_input_cancels_running_requests_which_still_answer()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = new RpcPeer(s => s.Register("test/block", TestJsonContext.Default.KeyParams, TestJsonContext.Default.KeyResult,
            async (p, c, ct) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return new KeyResult { Key = p.Key };
            }));
        await peer.InitializeAsync();
        await peer.RequestAsync(1, "test/block", """{"key":"k"}""");
        await started.Task.WaitAsync(RpcWire.Timeout);
        Assert.Equal(1, await peer.EndInputAsync());
        JsonElement cancelled = await peer.ReadAsync();
        Assert.Equal(RpcErrorCodes.RequestCancelled, RpcPeer.Code(cancelled));
        Assert.True(await peer.OutputEndedAsync());
    }
}
