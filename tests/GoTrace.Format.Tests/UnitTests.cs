using System.Text;

namespace GoTrace.Format.Tests;

public sealed class UvarintTests
{
    [Theory]
    [InlineData(new byte[] { 0x00 }, 0UL, 1)]
    [InlineData(new byte[] { 0x7f }, 127UL, 1)]
    [InlineData(new byte[] { 0x80, 0x01 }, 128UL, 2)]
    [InlineData(new byte[] { 0x97, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 23UL, 10)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, ulong.MaxValue, 10)]
    public void Decode_reads_minimal_and_padded_encodings(byte[] bytes, ulong value, int length)
    {
        Assert.Equal(length, Uvarint.Decode(bytes, out ulong v));
        Assert.Equal(value, v);
    }

    [Fact]
    public void Decode_rejects_a_tenth_byte_above_one() =>
        Assert.Equal(-1, Uvarint.Decode(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 }, out _));

    [Fact]
    public void Decode_rejects_an_eleventh_byte() =>
        Assert.Equal(-1, Uvarint.Decode(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, out _));

    [Fact]
    public void Decode_reports_truncation_as_zero() => Assert.Equal(0, Uvarint.Decode(new byte[] { 0x80, 0x80 }, out _));
}

public sealed class GoTextTests
{
    private static string Quote(byte[] s)
    {
        var ms = new MemoryStream();
        using (var w = new GoTextWriter(ms)) w.Quote(s);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("tab\tnl\ncr\rbell\a", "\"tab\\tnl\\ncr\\rbell\\a\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("héllo, 世界", "\"héllo, 世界\"")]
    [InlineData("nbsp\u00a0zwsp\u200b", "\"nbsp\\u00a0zwsp\\u200b\"")]
    public void Quote_matches_strconv_Quote(string input, string expected) => Assert.Equal(expected, Quote(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void Quote_escapes_invalid_utf8_byte_by_byte() =>
        Assert.Equal("\"a\\xff\\xe2\\x82b\"", Quote([(byte)'a', 0xff, 0xe2, 0x82, (byte)'b']));

    [Theory]
    [InlineData(1795292522UL, 36271125UL, "2026-11-21T20:22:02.036271125Z")]
    [InlineData(1795292522UL, 500000000UL, "2026-11-21T20:22:02.5Z")]
    [InlineData(1795292522UL, 0UL, "2026-11-21T20:22:02Z")]
    public void Wall_clock_is_rfc3339_nano_without_trailing_zeros(ulong sec, ulong nsec, string expected)
    {
        var old = ParsedFormatter.WallClockZone;
        ParsedFormatter.WallClockZone = TimeZoneInfo.Utc;
        try
        {
            Assert.Equal(expected, ParsedFormatter.Rfc3339Nano(sec, nsec));
        }
        finally
        {
            ParsedFormatter.WallClockZone = old;
        }
    }
}

public sealed class LongMapTests
{
    private sealed class Box(long v)
    {
        public readonly long V = v;
    }

    [Fact]
    public void LongMap_agrees_with_a_dictionary_under_random_inserts_and_removes()
    {
        var map = new LongMap<Box>();
        var reference = new Dictionary<long, Box>();
        var rng = new Random(7);
        for (int i = 0; i < 200_000; i++)
        {
            // Small key range forces collisions, removals of present and absent keys, and growth.
            long key = rng.Next(0, 3000) * (rng.Next(2) == 0 ? 1 : 1L << 33);
            switch (rng.Next(3))
            {
                case 0:
                    var b = new Box(key);
                    map[key] = b;
                    reference[key] = b;
                    break;
                case 1:
                    Assert.Equal(reference.Remove(key), map.Remove(key));
                    break;
                default:
                    Assert.Equal(reference.TryGetValue(key, out var r), map.TryGetValue(key, out var m));
                    Assert.Same(r, m);
                    break;
            }
        }
        foreach (var (k, v) in reference) Assert.True(map.TryGetValue(k, out var m) && ReferenceEquals(m, v));
    }
}
