using System.Globalization;
using System.Text.Json;

namespace GoTrace.Server.Rpc;

/// <summary>A request's id: an integer or a string, echoed in the response exactly as it came.</summary>
public readonly record struct RequestId
{
    private readonly long _number;
    private readonly string? _string;

    public RequestId(long number) => _number = number;

    public RequestId(string value) => _string = value ?? throw new ArgumentNullException(nameof(value));

    public bool IsString => _string is not null;

    /// <summary>The integer id (0 when <see cref="IsString"/>).</summary>
    public long Number => _number;

    /// <summary>The string id, or null for an integer id.</summary>
    public string? String => _string;

    /// <summary>Reads an id: a JSON string or an integer that fits in 64 bits (anything else is not a valid id here).</summary>
    public static bool TryRead(JsonElement element, out RequestId id)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                id = new RequestId(element.GetString()!);
                return true;
            case JsonValueKind.Number when element.TryGetInt64(out long n):
                id = new RequestId(n);
                return true;
            default:
                id = default;
                return false;
        }
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        if (_string is not null) writer.WriteStringValue(_string);
        else writer.WriteNumberValue(_number);
    }

    public override string ToString() =>
        _string is null ? _number.ToString(CultureInfo.InvariantCulture) : "\"" + _string + "\"";
}
