using System.Text.Json;

namespace GoTrace.Server.Rpc;

/// <summary>Params of <c>initialize</c> (the LSP members gotrace reads; others are ignored).</summary>
public sealed class InitializeParams
{
    /// <summary>The client's process id, or null.</summary>
    public int? ProcessId { get; init; }

    public ClientInfo? ClientInfo { get; init; }

    /// <summary>Anything the extension wants to pass (kept for methods to read through <see cref="RpcServer.ClientParams"/>).</summary>
    public JsonElement? InitializationOptions { get; init; }
}

public sealed class ClientInfo
{
    public required string Name { get; init; }

    public string? Version { get; init; }
}

/// <summary>Result of <c>initialize</c>.</summary>
public sealed class InitializeResult
{
    public required ServerCapabilities Capabilities { get; init; }

    public required ServerInfo ServerInfo { get; init; }
}

/// <summary>
/// gotrace implements no LSP feature; its methods are listed under <c>experimental</c>, so that a client can check
/// that the server it launched has the method it is about to call.
/// </summary>
public sealed class ServerCapabilities
{
    public required ExperimentalCapabilities Experimental { get; init; }
}

public sealed class ExperimentalCapabilities
{
    /// <summary>Request methods beyond the lifecycle ones, sorted.</summary>
    public required string[] Methods { get; init; }

    /// <summary>Client-to-server notification methods beyond the lifecycle ones, sorted.</summary>
    public required string[] Notifications { get; init; }
}

public sealed class ServerInfo
{
    public required string Name { get; init; }

    public required string Version { get; init; }
}
