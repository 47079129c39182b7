namespace GoTrace.Analysis.Tests;

/// <summary>
/// <see cref="GoFormat"/> against the strings Go 1.27 prints (expected values produced by a Go program:
/// <c>time.Duration.String</c>, <c>time.ParseDuration</c>, <c>%.2f</c>/<c>%.9f</c>, <c>%v</c>, <c>%q</c>).
/// </summary>
public class GoFormatTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ns")]
    [InlineData(12L, "12ns")]
    [InlineData(999L, "999ns")]
    [InlineData(1000L, "1µs")]
    [InlineData(1001L, "1.001µs")]
    [InlineData(1500L, "1.5µs")]
    [InlineData(1584L, "1.584µs")]
    [InlineData(39810L, "39.81µs")]
    [InlineData(999999L, "999.999µs")]
    [InlineData(1000000L, "1ms")]
    [InlineData(1234567L, "1.234567ms")]
    [InlineData(1584893L, "1.584893ms")]
    [InlineData(999999999L, "999.999999ms")]
    [InlineData(1000000000L, "1s")]
    [InlineData(1500000000L, "1.5s")]
    [InlineData(59999999999L, "59.999999999s")]
    [InlineData(60000000000L, "1m0s")]
    [InlineData(61000000000L, "1m1s")]
    [InlineData(3599999999999L, "59m59.999999999s")]
    [InlineData(3600000000000L, "1h0m0s")]
    [InlineData(3601000000000L, "1h0m1s")]
    [InlineData(63095734448L, "1m3.095734448s")]
    [InlineData(6309573444801965056L, "1752659h17m24.801965056s")]
    [InlineData(9223372036854775807L, "2562047h47m16.854775807s")]
    [InlineData(-9223372036854775808L, "-2562047h47m16.854775808s")]
    [InlineData(-1L, "-1ns")]
    [InlineData(-1500L, "-1.5µs")]
    [InlineData(-61000000000L, "-1m1s")]
    [InlineData(360000000000000L, "100h0m0s")]
    [InlineData(1000000000005L, "16m40.000000005s")]
    public void Duration_prints_as_Go(long ns, string expected) => Assert.Equal(expected, GoFormat.Duration(ns));

    [Theory]
    [InlineData("1ms", true, 1000000L)]
    [InlineData("1.584893ms", true, 1584893L)]
    [InlineData("10µs", true, 10000L)]
    [InlineData("10μs", true, 10000L)]
    [InlineData("10us", true, 10000L)]
    [InlineData("1h2m3.5s", true, 3723500000000L)]
    [InlineData("-1.5h", true, -5400000000000L)]
    [InlineData("+5s", true, 5000000000L)]
    [InlineData("0", true, 0L)]
    [InlineData("-0", true, 0L)]
    [InlineData("+0", true, 0L)]
    [InlineData("", false, 0L)]
    [InlineData("1", false, 0L)]
    [InlineData(".5s", true, 500000000L)]
    [InlineData("1.s", true, 1000000000L)]
    [InlineData(".s", false, 0L)]
    [InlineData("1e3s", false, 0L)]
    [InlineData("9223372036854775807ns", true, 9223372036854775807L)]
    [InlineData("9223372036854775808ns", false, 0L)]
    [InlineData("-9223372036854775808ns", true, -9223372036854775808L)]
    [InlineData("2562047h47m16.854775807s", true, 9223372036854775807L)]
    [InlineData("2562047h47m16.854775808s", false, 0L)]
    [InlineData("0.1ns", true, 0L)]
    [InlineData("1.0000000000000000000001s", true, 1000000000L)]
    [InlineData("1.00000000000000000000000000000000000000001s", true, 1000000000L)]
    [InlineData("3000000h", false, 0L)]
    [InlineData("1x", false, 0L)]
    [InlineData("5m0.5s", true, 300500000000L)]
    [InlineData("100ms1s", true, 1100000000L)]
    [InlineData("-", false, 0L)]
    [InlineData("1.5µs", true, 1500L)]
    [InlineData("0.000001ms", true, 1L)]
    [InlineData("1h1h", true, 7200000000000L)]
    public void ParseDuration_accepts_and_rejects_as_Go(string s, bool ok, long expected)
    {
        Assert.Equal(ok, GoFormat.TryParseDuration(s, out long ns));
        if (ok) Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(2.675, 2, "2.67")]
    [InlineData(1.005, 2, "1.00")]
    [InlineData(33.125, 2, "33.12")]
    [InlineData(0.005, 2, "0.01")]
    [InlineData(-0.125, 2, "-0.12")]
    [InlineData(-0.001, 2, "-0.00")]
    [InlineData(100, 2, "100.00")]
    [InlineData(99.995, 2, "100.00")]
    [InlineData(26.6612345, 2, "26.66")]
    [InlineData(1e+20, 2, "100000000000000000000.00")]
    [InlineData(0, 2, "0.00")]
    [InlineData(12.5, 2, "12.50")]
    [InlineData(0.045, 2, "0.04")]
    [InlineData(33.333333333333336, 2, "33.33")]
    [InlineData(0.019332544, 9, "0.019332544")]
    [InlineData(5e-07, 9, "0.000000500")]
    [InlineData(5e-10, 9, "0.000000001")]
    [InlineData(1.5e-09, 9, "0.000000001")]
    [InlineData(1.5, 9, "1.500000000")]
    [InlineData(123.456789012345, 9, "123.456789012")]
    [InlineData(0.000107456, 9, "0.000107456")]
    [InlineData(2.5e-09, 9, "0.000000003")]
    public void Fixed_rounds_the_exact_binary_value_half_to_even_as_Go(double v, int decimals, string expected) =>
        Assert.Equal(expected, GoFormat.Fixed(v, decimals));

    [Theory]
    [InlineData(419.026304, "419.026304")]
    [InlineData(123456, "123456")]
    [InlineData(1e+06, "1e+06")]
    [InlineData(1.2345675e+06, "1.2345675e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0, "0")]
    [InlineData(19.332544, "19.332544")]
    [InlineData(94.599873, "94.599873")]
    [InlineData(1e+21, "1e+21")]
    [InlineData(1.23456789123e+08, "1.23456789123e+08")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e+308, "1.7976931348623157e+308")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(999999.9999, "999999.9999")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(100000, "100000")]
    [InlineData(100000.5, "100000.5")]
    [InlineData(1.397056, "1.397056")]
    public void FloatV_prints_shortest_digits_as_Go(double v, string expected) => Assert.Equal(expected, GoFormat.FloatV(v));

    [Theory]
    [InlineData("hello", "\"hello\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("tab\t", "\"tab\\t\"")]
    [InlineData("ü", "\"ü\"")]
    [InlineData("\x01", "\"\\x01\"")]
    [InlineData("\u2028", "\"\\u2028\"")]
    [InlineData("日本", "\"日本\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("\x7f", "\"\\x7f\"")]
    [InlineData("", "\"\"")]
    [InlineData("nl\n", "\"nl\\n\"")]
    [InlineData("😀", "\"😀\"")]
    [InlineData("\u00ad", "\"\\u00ad\"")]
    public void Quote_escapes_as_Go(string s, string expected) => Assert.Equal(expected, GoFormat.Quote(s));

    [Theory]
    [InlineData(0L, "0.000000000")]
    [InlineData(1L, "0.000000001")]
    [InlineData(19332544L, "0.019332544")]
    [InlineData(94599873L, "0.094599873")]
    [InlineData(1000000000L, "1.000000000")]
    [InlineData(1234567890123L, "1234.567890123")]
    [InlineData(999999999L, "0.999999999")]
    public void Seconds_with_nine_decimals_as_Go(long ns, string expected) => Assert.Equal(expected, GoFormat.Fixed(GoFormat.Seconds(ns), 9));

    [Fact]
    public void Histogram_bounds_print_as_in_the_spec_table()
    {
        // Appendix B of the spec (Go 1.27, amd64): a few rows, including the two 1ns rows and the first with hours.
        Assert.Equal("1ns", GoFormat.Duration(Summary.TimeHistogram.BucketMin(0)));
        Assert.Equal("1ns", GoFormat.Duration(Summary.TimeHistogram.BucketMin(1)));
        Assert.Equal("39.81\u00b5s", GoFormat.Duration(Summary.TimeHistogram.BucketMin(23)));
        Assert.Equal("398.10717ms", GoFormat.Duration(Summary.TimeHistogram.BucketMin(43)));
        Assert.Equal("1m3.095734448s", GoFormat.Duration(Summary.TimeHistogram.BucketMin(54)));
        Assert.Equal("1h6m21.071705534s", GoFormat.Duration(Summary.TimeHistogram.BucketMin(63)));
        Assert.Equal("277h46m40.000000005s", GoFormat.Duration(Summary.TimeHistogram.BucketMin(75)));
        Assert.Equal("1752659h17m24.801965056s", GoFormat.Duration(Summary.TimeHistogram.BucketMin(94)));
    }
}
