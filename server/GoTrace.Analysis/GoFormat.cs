using System.Globalization;
using System.Numerics;
using System.Text;
using GoTrace.Format;

namespace GoTrace.Analysis;

/// <summary>
/// Go's text formatting of the values <c>go tool trace</c> shows, so that our strings equal Go's byte for byte:
/// <c>time.Duration.String</c>, <c>time.ParseDuration</c>, <c>%q</c>, <c>%.Nf</c> and <c>%v</c> of a float64
/// (<c>src/time/time.go</c>, <c>src/strconv/ftoa.go</c>, <c>src/fmt/format.go</c>; spec Appendix A).
/// </summary>
public static class GoFormat
{
    private const long Second = 1_000_000_000;

    /// <summary>
    /// <c>time.Duration(ns).String()</c>: "0s", "12ns", "1.5µs" (U+00B5), "1.234567ms", "1.5s", "1m1s", "1h0m1s";
    /// negative values get a leading '-'.
    /// </summary>
    public static string Duration(long ns)
    {
        if (ns == 0) return "0s";
        Span<char> buf = stackalloc char[32];
        int w = buf.Length;
        bool neg = ns < 0;
        ulong u = neg ? (ulong)(-(ns + 1)) + 1 : (ulong)ns; // |ns| without overflowing on long.MinValue
        if (u < (ulong)Second)
        {
            // Sub-second: one unit, with the fraction in that unit.
            int prec;
            string unit;
            if (u < 1000)
            {
                prec = 0;
                unit = "ns";
            }
            else if (u < 1_000_000)
            {
                prec = 3;
                unit = "\u00b5s";
            }
            else
            {
                prec = 6;
                unit = "ms";
            }
            for (int i = unit.Length - 1; i >= 0; i--) buf[--w] = unit[i];
            w = Fraction(buf, w, ref u, prec);
            w = Integer(buf, w, u);
        }
        else
        {
            buf[--w] = 's';
            w = Fraction(buf, w, ref u, 9);
            w = Integer(buf, w, u % 60); // seconds
            u /= 60;
            if (u > 0)
            {
                buf[--w] = 'm';
                w = Integer(buf, w, u % 60);
                u /= 60;
                if (u > 0)
                {
                    buf[--w] = 'h';
                    w = Integer(buf, w, u);
                }
            }
        }
        if (neg) buf[--w] = '-';
        return new string(buf[w..]);
    }

    // Writes the low `prec` decimal digits of v (right to left) as ".ddd" without trailing zeros (nothing if all
    // are zero), and leaves v divided by 10^prec.
    private static int Fraction(Span<char> buf, int w, ref ulong v, int prec)
    {
        bool print = false;
        for (int i = 0; i < prec; i++)
        {
            ulong digit = v % 10;
            print |= digit != 0;
            if (print) buf[--w] = (char)('0' + (int)digit);
            v /= 10;
        }
        if (print) buf[--w] = '.';
        return w;
    }

    private static int Integer(Span<char> buf, int w, ulong v)
    {
        if (v == 0)
        {
            buf[--w] = '0';
            return w;
        }
        while (v > 0)
        {
            buf[--w] = (char)('0' + (int)(v % 10));
            v /= 10;
        }
        return w;
    }

    /// <summary>
    /// <c>time.ParseDuration</c>: a possibly signed sequence of decimal numbers with optional fraction and a unit
    /// (ns, us, µs, μs, ms, s, m, h), or "0". Returns false where Go returns an error (also on overflow).
    /// </summary>
    public static bool TryParseDuration(string s, out long ns)
    {
        ns = 0;
        int i = 0;
        bool neg = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            neg = s[0] == '-';
            i++;
        }
        if (s.Length - i == 1 && s[i] == '0') return true;
        if (i == s.Length) return false;
        const ulong limit = 1UL << 63;
        ulong total = 0;
        while (i < s.Length)
        {
            if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9'))) return false;
            // Integer part.
            int pl = i;
            ulong v = 0;
            bool overflow = false;
            while (i < s.Length && s[i] >= '0' && s[i] <= '9')
            {
                if (v > (limit - 1) / 10) overflow = true;
                v = unchecked(v * 10 + (ulong)(s[i] - '0'));
                if (v > limit) overflow = true;
                i++;
            }
            if (overflow) return false;
            bool pre = pl != i;
            // Fraction.
            ulong f = 0;
            double scale = 1;
            bool post = false;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                int start = i;
                bool fracOverflow = false;
                while (i < s.Length && s[i] >= '0' && s[i] <= '9')
                {
                    if (!fracOverflow)
                    {
                        if (f > (limit - 1) / 10) fracOverflow = true; // Go stops accumulating; remaining digits ignored
                        else
                        {
                            ulong y = f * 10 + (ulong)(s[i] - '0');
                            if (y > limit) fracOverflow = true;
                            else
                            {
                                f = y;
                                scale *= 10;
                            }
                        }
                    }
                    i++;
                }
                post = i != start;
            }
            if (!pre && !post) return false;
            // Unit.
            int ul = i;
            while (i < s.Length && s[i] != '.' && (s[i] < '0' || s[i] > '9')) i++;
            if (ul == i) return false;
            ulong unit = s.AsSpan(ul, i - ul) switch
            {
                "ns" => 1UL,
                "us" or "\u00b5s" or "\u03bcs" => 1000UL,
                "ms" => 1_000_000UL,
                "s" => 1_000_000_000UL,
                "m" => 60_000_000_000UL,
                "h" => 3_600_000_000_000UL,
                _ => 0UL,
            };
            if (unit == 0) return false;
            if (v > limit / unit) return false;
            v *= unit;
            if (f > 0)
            {
                v += (ulong)((double)f * ((double)unit / scale));
                if (v > limit) return false;
            }
            total += v;
            if (total > limit) return false;
        }
        if (neg)
        {
            ns = total == limit ? long.MinValue : -(long)total;
            return true;
        }
        if (total > limit - 1) return false;
        ns = (long)total;
        return true;
    }

    /// <summary>Go's <c>%q</c> of a string (<c>strconv.Quote</c>: escapes, non-printable runes as \x, \u, \U).</summary>
    public static string Quote(string s)
    {
        using var ms = new MemoryStream();
        using (var w = new GoTextWriter(ms)) w.Quote(Encoding.UTF8.GetBytes(s));
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>
    /// Go's <c>%.Nf</c>: <paramref name="decimals"/> fixed decimals of the exact binary value, rounded half to even
    /// (ties are exact ties only). .NET's "F" rounds ties away from zero, hence this.
    /// </summary>
    public static string Fixed(double v, int decimals)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsInfinity(v)) return v > 0 ? "+Inf" : "-Inf";
        bool neg = double.IsNegative(v);
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(v));
        int exp = (int)((bits >> 52) & 0x7FF);
        long mant = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1; else mant |= 1L << 52;
        exp -= 1075; // value = mant * 2^exp
        BigInteger scaled = new BigInteger(mant) * BigInteger.Pow(10, decimals);
        BigInteger q;
        if (exp >= 0)
        {
            q = scaled << exp;
        }
        else
        {
            BigInteger den = BigInteger.One << -exp;
            q = BigInteger.DivRem(scaled, den, out var r);
            int c = (r * 2).CompareTo(den);
            if (c > 0 || (c == 0 && !q.IsEven)) q += 1;
        }
        string digits = q.ToString(CultureInfo.InvariantCulture);
        if (digits.Length <= decimals) digits = new string('0', decimals - digits.Length + 1) + digits;
        var sb = new StringBuilder();
        if (neg) sb.Append('-');
        sb.Append(digits, 0, digits.Length - decimals);
        if (decimals > 0) sb.Append('.').Append(digits, digits.Length - decimals, decimals);
        return sb.ToString();
    }

    /// <summary>
    /// Go's <c>%v</c> of a float64: shortest round-trip digits, exponent form (<c>1e+06</c>, <c>1.2345675e+06</c>,
    /// <c>1e-05</c>) when the decimal exponent is below -4 or at least 6, plain decimal otherwise.
    /// </summary>
    public static string FloatV(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "+Inf";
        if (double.IsNegativeInfinity(v)) return "-Inf";
        if (v == 0) return double.IsNegative(v) ? "-0" : "0";
        // "E16" is not shortest; "R" is (since .NET Core 3.0). Split it into digits and a decimal exponent.
        string r = v.ToString("R", CultureInfo.InvariantCulture);
        bool neg = r[0] == '-';
        if (neg) r = r[1..];
        int e = 0;
        int ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            e = int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ePos];
        }
        int dot = r.IndexOf('.');
        string intPart = dot >= 0 ? r[..dot] : r;
        string fracPart = dot >= 0 ? r[(dot + 1)..] : "";
        string all = intPart + fracPart;
        int lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0') lead++;
        // Decimal point position relative to the first significant digit.
        int dp = intPart.Length + e - lead;
        string digs = all[lead..].TrimEnd('0');
        if (digs.Length == 0) digs = "0";
        int exp10 = dp - 1;
        var sb = new StringBuilder();
        if (neg) sb.Append('-');
        if (exp10 < -4 || exp10 >= 6)
        {
            sb.Append(digs[0]);
            if (digs.Length > 1) sb.Append('.').Append(digs, 1, digs.Length - 1);
            sb.Append('e').Append(exp10 < 0 ? '-' : '+');
            int ax = Math.Abs(exp10);
            if (ax < 10) sb.Append('0');
            sb.Append(ax.ToString(CultureInfo.InvariantCulture));
        }
        else if (dp <= 0)
        {
            sb.Append("0.").Append('0', -dp).Append(digs);
        }
        else if (dp >= digs.Length)
        {
            sb.Append(digs).Append('0', dp - digs.Length);
        }
        else
        {
            sb.Append(digs, 0, dp).Append('.').Append(digs, dp, digs.Length - dp);
        }
        return sb.ToString();
    }

    /// <summary><c>time.Duration.Seconds()</c>: whole seconds plus the nanosecond remainder / 1e9, in float64.</summary>
    public static double Seconds(long ns)
    {
        long sec = ns / Second, nsec = ns % Second;
        return sec + nsec / 1e9;
    }

    /// <summary>Go's <c>%d</c> of an integer (invariant digits).</summary>
    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);
}
