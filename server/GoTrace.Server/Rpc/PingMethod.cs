namespace GoTrace.Server.Rpc;

/// <summary>
/// <c>gotrace/ping</c>: answers with its params' message and the server's version; lets a client (or a test) check
/// that the server is up and answering. Also the smallest example of a method: a DTO pair in a source-generated
/// context (<see cref="RpcJsonContext"/>) and one Register call.
/// </summary>
public static class PingMethod
{
    public const string Name = "gotrace/ping";

    public static void Register(RpcServer server) =>
        server.Register(Name, RpcJsonContext.Default.PingParams, RpcJsonContext.Default.PingResult,
            (p, ctx, ct) => ValueTask.FromResult(new PingResult { Message = p.Message, Version = RpcServer.Version }));
}

public sealed class PingParams
{
    public string? Message { get; init; }
}

public sealed class PingResult
{
    public string? Message { get; init; }

    public required string Version { get; init; }
}
