using System.CommandLine;
using System.IO.Pipelines;
using GoTrace.Server.Rpc;

namespace GoTrace.Server;

/// <summary>
/// <c>gotrace serve</c>: the JSON-RPC server the VS Code extension launches, speaking the LSP base protocol on
/// stdin/stdout (PROTOCOL.md). stdout carries only protocol messages; the log goes to stderr.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var logLevel = new Option<string>("--log-level")
        {
            Description = "least severe log lines written to stderr: debug (every message), info, warning, error, off",
            DefaultValueFactory = _ => "info",
        };
        logLevel.AcceptOnlyFromAmong("debug", "info", "warning", "error", "off");
        var maxMessage = new Option<int>("--max-message-bytes")
        {
            Description = "largest accepted message body; larger ones are skipped unread and answered with an error",
            DefaultValueFactory = _ => MessageReader.DefaultMaxMessageBytes,
        };
        maxMessage.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0) r.AddError("--max-message-bytes must be positive");
        });
        // vscode-languageclient appends --stdio to the command line of a server it runs with TransportKind.stdio.
        var stdio = new Option<bool>("--stdio") { Description = "talk over stdin/stdout (the default and only transport)" };
        var cmd = new Command("serve", "run the JSON-RPC server of the VS Code extension on stdin/stdout (LSP base protocol; see PROTOCOL.md)")
        {
            logLevel, maxMessage, stdio,
        };
        cmd.SetAction((r, ct) => RunAsync(ServerLog.ParseLevel(r.GetValue(logLevel)!), r.GetValue(maxMessage), ct));
        return cmd;
    }

    /// <summary>
    /// The server <c>gotrace serve</c> runs, with every method registered: the lifecycle (built in),
    /// <c>gotrace/ping</c>, and the trace methods.
    /// </summary>
    public static RpcServer CreateServer(PipeReader input, PipeWriter output, ServerLog log, RpcServerOptions? options = null)
    {
        var server = new RpcServer(input, output, log, options);
        RegisterMethods(server);
        return server;
    }

    /// <summary>Every method of the protocol: one Register call (or one XxxMethods.Register(server)) per method.</summary>
    private static void RegisterMethods(RpcServer server)
    {
        PingMethod.Register(server);
        Traces.TraceMethods.Register(server, new Traces.TraceStore());
    }

    private static async Task<int> RunAsync(LogLevel level, int maxMessageBytes, CancellationToken cancellationToken)
    {
        var log = new ServerLog(Console.Error, level);
        Stream stdin = Console.OpenStandardInput();
        Stream stdout = Console.OpenStandardOutput();
        // Anything that would print to Console.Out (a library, a stray debug line) must not corrupt the protocol.
        Console.SetOut(Console.Error);
        // Answers of a few hundred KiB (timeline windows) go out in 64 KiB writes, not 4 KiB ones (the default segment).
        var output = PipeWriter.Create(stdout, new StreamPipeWriterOptions(minimumBufferSize: 1 << 16));
        var server = CreateServer(PipeReader.Create(stdin), output, log,
            new RpcServerOptions { MaxMessageBytes = maxMessageBytes });
        int exit = await server.RunAsync(cancellationToken).ConfigureAwait(false);
        log.Info($"exit code {exit}");
        return exit;
    }
}
