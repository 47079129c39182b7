using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GoTrace.Format;

namespace GoTrace.Server.Rpc;

/// <summary>
/// Thrown by a method handler to answer its request with a JSON-RPC error. <see cref="Exception.Message"/> becomes the
/// error's message, <see cref="ErrorData"/> (any JSON) its data. Other exceptions become -32603 (internal error); an
/// <see cref="OperationCanceledException"/> after the request was cancelled becomes -32800.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(int code, string message, JsonElement? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    public int Code { get; }

    /// <summary>The error's data member, if any.</summary>
    public JsonElement? ErrorData { get; }

    /// <summary>An error whose data is <paramref name="data"/> serialized with a source-generated type info.</summary>
    public static RpcException WithData<T>(int code, string message, T data, JsonTypeInfo<T> typeInfo) =>
        new(code, message, JsonSerializer.SerializeToElement(data, typeInfo));

    /// <summary>-32602: the params do not fit the method (the dispatcher raises this itself when deserialization fails).</summary>
    public static RpcException InvalidParams(string message) => new(RpcErrorCodes.InvalidParams, message);

    /// <summary>3: params that fit the schema but not the trace or each other.</summary>
    public static RpcException BadParams(string message) => new(RpcErrorCodes.BadParams, message);

    /// <summary>2: no open trace has this id.</summary>
    public static RpcException UnknownTrace(string traceId) =>
        WithData(RpcErrorCodes.UnknownTrace, $"unknown trace id '{traceId}'", new UnknownTraceErrorData { TraceId = traceId },
            RpcJsonContext.Default.UnknownTraceErrorData);

    /// <summary>1: the trace is damaged or unsupported; the message is the format library's, data says where.</summary>
    public static RpcException TraceFormat(TraceFormatException e) =>
        WithData(RpcErrorCodes.TraceFormat, e.Message, new TraceFormatErrorData
        {
            Offset = e.Offset,
            Generation = e.Generation,
            What = e.What,
            Reason = e.Reason,
        }, RpcJsonContext.Default.TraceFormatErrorData);
}

/// <summary>Data of error 1 (trace format error).</summary>
public sealed class TraceFormatErrorData
{
    /// <summary>Byte offset in the file where the problem was found, or -1 when not tied to a byte.</summary>
    public long Offset { get; init; }

    /// <summary>Generation number, or 0 when unknown (legacy traces have no generations).</summary>
    public ulong Generation { get; init; }

    /// <summary>What was being read, e.g. "batch header".</summary>
    public required string What { get; init; }

    /// <summary>The problem, worded as Go's parser words it.</summary>
    public required string Reason { get; init; }
}

/// <summary>Data of error 2 (unknown trace id).</summary>
public sealed class UnknownTraceErrorData
{
    public required string TraceId { get; init; }
}

/// <summary>Data of error -32603 (internal error): the exception's type and message (the stack goes to the log).</summary>
public sealed class InternalErrorData
{
    public required string Type { get; init; }

    public required string Message { get; init; }
}
