using System.Text.Json.Serialization;

namespace GoTrace.Server.Rpc;

/// <summary>
/// Source-generated JSON metadata of the protocol's own types (lifecycle, error data, <c>gotrace/ping</c>). Every
/// context of the server uses the same conventions: camelCase member names, null members omitted. A method's params
/// ignore unknown members; members marked <c>required</c> must be present (else -32602).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(TraceFormatErrorData))]
[JsonSerializable(typeof(UnknownTraceErrorData))]
[JsonSerializable(typeof(InternalErrorData))]
[JsonSerializable(typeof(Empty))]
[JsonSerializable(typeof(PingParams))]
[JsonSerializable(typeof(PingResult))]
public sealed partial class RpcJsonContext : JsonSerializerContext;

/// <summary>
/// <c>{}</c>: the params of a method that takes none (absent params are read as <c>{}</c>), or the result of a method
/// that has nothing to say (<c>RpcJsonContext.Default.Empty</c>; type infos of different contexts mix freely).
/// </summary>
public sealed class Empty
{
    public static Empty Value { get; } = new();
}
