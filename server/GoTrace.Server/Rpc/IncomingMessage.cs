using System.Text.Json;

namespace GoTrace.Server.Rpc;

internal enum MessageKind { Request, Notification, Response }

/// <summary>
/// A received JSON-RPC 2.0 message, validated: a request (method and id), a notification (method, no id) or a response
/// (result or error, no method). Params are a view into the parsed document, valid while it is.
/// </summary>
internal readonly struct IncomingMessage
{
    public MessageKind Kind { get; init; }

    public RequestId? Id { get; init; }

    public string Method { get; init; }

    /// <summary>The params object or array; null when absent or JSON null.</summary>
    public JsonElement? Params { get; init; }

    /// <summary>
    /// Validates the envelope. On failure, <paramref name="error"/> is the -32600 message to answer with (id: the
    /// message's id when it is valid, else null).
    /// </summary>
    public static bool TryParse(JsonElement root, out IncomingMessage message, out RequestId? errorId, out string? error)
    {
        message = default;
        errorId = null;
        error = null;
        if (root.ValueKind == JsonValueKind.Array)
        {
            error = "batch messages (JSON arrays) are not supported; send one message per frame";
            return false;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"a message must be a JSON object, not {Describe(root.ValueKind)}";
            return false;
        }

        RequestId? id = null;
        if (root.TryGetProperty("id"u8, out JsonElement idElement))
        {
            if (!RequestId.TryRead(idElement, out RequestId parsed))
            {
                error = $"the id must be a string or an integer, not {Describe(idElement.ValueKind)}";
                return false;
            }
            id = parsed;
        }
        errorId = id;

        if (!root.TryGetProperty("jsonrpc"u8, out JsonElement version) || version.ValueKind != JsonValueKind.String
            || !version.ValueEquals("2.0"u8))
        {
            error = "the jsonrpc member must be \"2.0\"";
            return false;
        }

        if (!root.TryGetProperty("method"u8, out JsonElement method))
        {
            if (id is not null && (root.TryGetProperty("result"u8, out _) || root.TryGetProperty("error"u8, out _)))
            {
                message = new IncomingMessage { Kind = MessageKind.Response, Id = id, Method = "" };
                return true;
            }
            error = "a message needs a method (or, for a response, an id and a result or error)";
            return false;
        }
        if (method.ValueKind != JsonValueKind.String)
        {
            error = $"the method must be a string, not {Describe(method.ValueKind)}";
            return false;
        }

        JsonElement? @params = null;
        if (root.TryGetProperty("params"u8, out JsonElement p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                error = $"params must be an object or an array, not {Describe(p.ValueKind)}";
                return false;
            }
            @params = p;
        }

        message = new IncomingMessage
        {
            Kind = id is null ? MessageKind.Notification : MessageKind.Request,
            Id = id,
            Method = method.GetString()!,
            Params = @params,
        };
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
