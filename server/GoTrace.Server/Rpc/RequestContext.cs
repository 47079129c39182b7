using System.Text.Json.Serialization.Metadata;

namespace GoTrace.Server.Rpc;

/// <summary>What a handler knows about the message it handles, and its way to send notifications to the client.</summary>
public sealed class RequestContext
{
    private readonly RpcServer _server;

    internal RequestContext(RpcServer server, RequestId? id, string method)
    {
        _server = server;
        Id = id;
        Method = method;
    }

    /// <summary>The request's id; null for a notification.</summary>
    public RequestId? Id { get; }

    public string Method { get; }

    public ServerLog Log => _server.Log;

    /// <summary>
    /// Sends a notification to the client (e.g. progress while a trace opens). Notifications sent by a handler before
    /// it returns reach the client before its response.
    /// </summary>
    public ValueTask NotifyAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        _server.NotifyAsync(method, @params, typeInfo, cancellationToken);
}
