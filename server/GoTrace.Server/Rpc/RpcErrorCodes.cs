namespace GoTrace.Server.Rpc;

/// <summary>The error codes of PROTOCOL.md ("Errors"): JSON-RPC 2.0's, LSP's, and gotrace's own (positive).</summary>
public static class RpcErrorCodes
{
    // JSON-RPC 2.0
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    // LSP
    public const int ServerNotInitialized = -32002;
    public const int RequestCancelled = -32800;

    // gotrace
    /// <summary>The trace file is damaged or of an unsupported version; data: <see cref="TraceFormatErrorData"/>.</summary>
    public const int TraceFormat = 1;

    /// <summary>No open trace has this id; data: <see cref="UnknownTraceErrorData"/>.</summary>
    public const int UnknownTrace = 2;

    /// <summary>Params that match the schema but make no sense (a time range backwards, an unknown kind name...).</summary>
    public const int BadParams = 3;
}
