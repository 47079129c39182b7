using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GoTrace.Server.Rpc;

/// <summary>Writes the JSON-RPC envelopes the server sends: results, errors and notifications, as UTF-8 bodies.</summary>
internal static class OutgoingMessage
{
    // The output goes to a JSON parser, never into HTML: no need to escape '<', '&', '+' or non-ASCII letters, which
    // keeps Go symbol names and file paths readable in logs and traces of the protocol.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ReadOnlyMemory<byte> Result(RequestId id, Action<Utf8JsonWriter> writeResult)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WritePropertyName("id"u8);
            id.WriteTo(w);
            w.WritePropertyName("result"u8);
            writeResult(w);
            w.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    public static ReadOnlyMemory<byte> Error(RequestId? id, int code, string message, JsonElement? data = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WritePropertyName("id"u8);
            if (id is { } i) i.WriteTo(w);
            else w.WriteNullValue();
            w.WriteStartObject("error"u8);
            w.WriteNumber("code"u8, code);
            w.WriteString("message"u8, message);
            if (data is { } d)
            {
                w.WritePropertyName("data"u8);
                d.WriteTo(w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    public static ReadOnlyMemory<byte> Notification<T>(string method, T @params, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WriteString("method"u8, method);
            w.WritePropertyName("params"u8);
            JsonSerializer.Serialize(w, @params, typeInfo);
            w.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }
}
