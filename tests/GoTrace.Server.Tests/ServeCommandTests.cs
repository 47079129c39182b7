using System.Diagnostics;
using System.Text.Json;

namespace GoTrace.Server.Tests;

/// <summary>`gotrace serve` as the extension runs it: the built gotrace.dll under `dotnet`, JSON-RPC over stdin/stdout.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_over_stdio_initialize_shutdown_exit_exits_0()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gotrace.dll"));
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add("--stdio"); // as vscode-languageclient appends it
        using var p = Process.Start(psi)!;
        try
        {
            var stderr = p.StandardError.ReadToEndAsync();
            Stream stdin = p.StandardInput.BaseStream, stdout = p.StandardOutput.BaseStream;

            async Task<JsonElement> Call(string json)
            {
                await stdin.WriteAsync(RpcWire.Frame(json));
                await stdin.FlushAsync();
                JsonElement? message = await RpcWire.ReadMessageAsync(stdout).WaitAsync(RpcWire.Timeout);
                Assert.True(message.HasValue, "gotrace serve closed its output");
                return message.Value;
            }

            JsonElement init = await Call("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"clientInfo":{"name":"test"}}}""");
            Assert.Equal("gotrace", init.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
            JsonElement ping = await Call("""{"jsonrpc":"2.0","id":2,"method":"gotrace/ping","params":{"message":"hi"}}""");
            Assert.Equal("hi", ping.GetProperty("result").GetProperty("message").GetString());
            JsonElement shutdown = await Call("""{"jsonrpc":"2.0","id":3,"method":"shutdown"}""");
            Assert.Equal(JsonValueKind.Null, shutdown.GetProperty("result").ValueKind);
            await stdin.WriteAsync(RpcWire.Frame("""{"jsonrpc":"2.0","method":"exit"}"""));
            await stdin.FlushAsync();

            Assert.Null(await RpcWire.ReadMessageAsync(stdout).WaitAsync(RpcWire.Timeout)); // nothing but protocol on stdout
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, p.ExitCode);
            string log = await stderr;
            Assert.Contains("initialize from test", log);
            Assert.Contains("exit after shutdown", log);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }
}
