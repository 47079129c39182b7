using System.Buffers;
using System.Globalization;
using System.Text;

namespace GoTrace.Format;

/// <summary>
/// A byte-oriented text writer for Go-compatible output: ASCII, decimal integers, raw bytes, and Go's
/// <c>strconv.Quote</c>. Output is UTF-8 bytes (trace strings are byte strings and are not re-encoded).
/// </summary>
public sealed class GoTextWriter(Stream output) : IDisposable
{
    private readonly Stream _out = output;
    private byte[] _buf = new byte[1 << 16];
    private int _len;

    private Span<byte> Reserve(int n)
    {
        if (_len + n > _buf.Length)
        {
            Flush();
            if (n > _buf.Length) _buf = new byte[Math.Max(n, _buf.Length * 2)];
        }
        return _buf.AsSpan(_len, n);
    }

    public void Flush()
    {
        if (_len > 0)
        {
            _out.Write(_buf, 0, _len);
            _len = 0;
        }
    }

    public void Dispose() => Flush();

    /// <summary>Writes ASCII text (callers only pass ASCII or text already known to be UTF-8 safe).</summary>
    public GoTextWriter Ascii(string s)
    {
        var span = Reserve(Encoding.UTF8.GetMaxByteCount(s.Length));
        _len += Encoding.UTF8.GetBytes(s, span);
        return this;
    }

    public GoTextWriter Byte(byte b)
    {
        Reserve(1)[0] = b;
        _len++;
        return this;
    }

    public GoTextWriter Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _len += bytes.Length;
        return this;
    }

    public GoTextWriter Int(long v)
    {
        v.TryFormat(Reserve(20), out int n, default, CultureInfo.InvariantCulture);
        _len += n;
        return this;
    }

    public GoTextWriter UInt(ulong v)
    {
        v.TryFormat(Reserve(20), out int n, default, CultureInfo.InvariantCulture);
        _len += n;
        return this;
    }

    public GoTextWriter Hex(ulong v)
    {
        v.TryFormat(Reserve(16), out int n, "x", CultureInfo.InvariantCulture);
        _len += n;
        return this;
    }

    /// <summary>Writes <paramref name="s"/> as Go's <c>strconv.Quote</c> would.</summary>
    public GoTextWriter Quote(ReadOnlySpan<byte> s)
    {
        Byte((byte)'"');
        int i = 0;
        while (i < s.Length)
        {
            byte c = s[i];
            if (c < 0x80)
            {
                i++;
                switch (c)
                {
                    case (byte)'"': Ascii("\\\""); break;
                    case (byte)'\\': Ascii("\\\\"); break;
                    case 0x07: Ascii("\\a"); break;
                    case 0x08: Ascii("\\b"); break;
                    case 0x0c: Ascii("\\f"); break;
                    case 0x0a: Ascii("\\n"); break;
                    case 0x0d: Ascii("\\r"); break;
                    case 0x09: Ascii("\\t"); break;
                    case 0x0b: Ascii("\\v"); break;
                    default:
                        if (c < 0x20 || c == 0x7f) HexEscape(c);
                        else Byte(c);
                        break;
                }
                continue;
            }
            var status = Rune.DecodeFromUtf8(s[i..], out Rune r, out int width);
            if (status != OperationStatus.Done)
            {
                // Go decodes one invalid byte at a time and prints it as \xNN.
                HexEscape(c);
                i++;
                continue;
            }
            if (IsPrint(r.Value)) Raw(s.Slice(i, width));
            else if (r.Value < 0x10000) Ascii("\\u").Ascii(r.Value.ToString("x4", CultureInfo.InvariantCulture));
            else Ascii("\\U").Ascii(r.Value.ToString("x8", CultureInfo.InvariantCulture));
            i += width;
        }
        Byte((byte)'"');
        return this;
    }

    private void HexEscape(byte c)
    {
        const string digits = "0123456789abcdef";
        var span = Reserve(4);
        span[0] = (byte)'\\';
        span[1] = (byte)'x';
        span[2] = (byte)digits[c >> 4];
        span[3] = (byte)digits[c & 15];
        _len += 4;
    }

    /// <summary>Go's <c>strconv.IsPrint</c> for non-ASCII: letters, marks, numbers, punctuation and symbols.</summary>
    private static bool IsPrint(int cp)
    {
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
                or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }
}
