using System.Text;

namespace GoTrace.Analysis.Summary;

/// <summary>
/// URL query strings as Go's <c>net/url</c> reads and writes them (<c>ParseQuery</c>, <c>QueryEscape</c>,
/// <c>Values.Encode</c>), so filters given as Go page URLs mean what they mean to <c>go tool trace</c>.
/// </summary>
public static class GoQuery
{
    /// <summary>
    /// Parses "a=1&amp;b=x+y": pairs split on '&amp;', key and value unescaped ('+' is a space). As Go, a pair with a ';'
    /// or a bad %-escape is skipped; repeated keys keep every value in order.
    /// </summary>
    public static Dictionary<string, List<string>> Parse(string? query)
    {
        var d = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(query)) return d;
        if (query[0] == '?') query = query[1..];
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0 || part.Contains(';')) continue;
            int eq = part.IndexOf('=');
            string k = eq < 0 ? part : part[..eq], v = eq < 0 ? "" : part[(eq + 1)..];
            if (!TryUnescape(k, out var key) || !TryUnescape(v, out var value)) continue;
            if (!d.TryGetValue(key, out var list)) d[key] = list = [];
            list.Add(value);
        }
        return d;
    }

    /// <summary>Go's <c>FormValue</c>: the first value of <paramref name="key"/>, or "".</summary>
    public static string Value(IReadOnlyDictionary<string, List<string>> q, string key) =>
        q.TryGetValue(key, out var l) && l.Count > 0 ? l[0] : "";

    /// <summary>Go's <c>QueryUnescape</c>.</summary>
    public static bool TryUnescape(string s, out string result)
    {
        result = s;
        if (s.IndexOfAny(['%', '+']) < 0) return true;
        var bytes = new List<byte>(s.Length);
        var utf8 = Encoding.UTF8.GetBytes(s);
        for (int i = 0; i < utf8.Length; i++)
        {
            byte c = utf8[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= utf8.Length) return false;
                int hi = Hex(utf8[i + 1]), lo = Hex(utf8[i + 2]);
                if (hi < 0 || lo < 0) return false;
                bytes.Add((byte)(hi << 4 | lo));
                i += 2;
            }
            else
            {
                bytes.Add(c);
            }
        }
        result = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Go's <c>QueryEscape</c>: unreserved bytes kept, space as '+', anything else %XX (upper case).</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (byte c in Encoding.UTF8.GetBytes(s))
        {
            if (c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append("0123456789ABCDEF"[c >> 4]).Append("0123456789ABCDEF"[c & 15]);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// What Go's <c>html/template</c> does to a value placed in a URL query inside an attribute
    /// (<c>urlEscaper</c>): only letters, digits and <c>-._~</c> stay, every other byte is %xx in lower case.
    /// </summary>
    public static string TemplateEscape(string s)
    {
        var sb = new StringBuilder();
        foreach (byte c in Encoding.UTF8.GetBytes(s))
        {
            if (c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)c);
            }
            else
            {
                sb.Append('%').Append("0123456789abcdef"[c >> 4]).Append("0123456789abcdef"[c & 15]);
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>Values.Encode</c>: keys sorted (ordinal), "k=v" pairs escaped and joined with '&amp;'.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var sorted = pairs.Select((p, i) => (p, i)).OrderBy(x => x.p.Key, StringComparer.Ordinal).ThenBy(x => x.i);
        return string.Join("&", sorted.Select(x => Escape(x.p.Key) + "=" + Escape(x.p.Value)));
    }
}
