namespace GoTrace.Format;

/// <summary>
/// The 16-byte header <c>go 1.NN trace\0\0\0</c>. Parsed the way Go's <c>version.ReadHeader</c> scans it
/// (a decimal version number inside a fixed text), so unknown versions get Go's message.
/// </summary>
public static class TraceHeader
{
    /// <summary>Header versions of the modern (v2) format this reader decodes.</summary>
    public static bool IsModern(int v) => v is 22 or 23 or 25 or 26;

    /// <summary>Header versions of the legacy (v1) format, Go 1.11–1.21.</summary>
    public static bool IsLegacy(int v) => v is 11 or 19 or 21;

    internal static int Read(ByteSource src)
    {
        const string notTrace = "bad file format: not a Go execution trace?";
        foreach (char ch in "go 1.")
        {
            if (src.ReadByte() != ch) throw new TraceFormatException(notTrace, "file header", 0);
        }
        long v = 0;
        int digits = 0;
        int b = src.ReadByte();
        while (b is >= '0' and <= '9')
        {
            if (++digits > 9) throw new TraceFormatException(notTrace, "file header", 0);
            v = v * 10 + (b - '0');
            b = src.ReadByte();
        }
        if (digits == 0) throw new TraceFormatException(notTrace, "file header", 0);
        // The format's single space matches any run of spaces, as in fmt.Fscanf.
        if (b != ' ') throw new TraceFormatException(notTrace, "file header", 0);
        while (b == ' ') b = src.ReadByte();
        const string tail = "trace\0\0\0";
        for (int i = 0; i < tail.Length; i++)
        {
            if (i > 0) b = src.ReadByte();
            if (b != tail[i]) throw new TraceFormatException(notTrace, "file header", 0);
        }
        int version = (int)v;
        if (IsModern(version) || IsLegacy(version)) return version;
        string hint = version is >= 5 and <= 10 ? " (traces from Go 1.5-1.10 cannot be read: re-capture with Go 1.11 or newer)" : "";
        throw new TraceFormatException($"unknown or unsupported trace version go 1.{version}{hint}", "file header", 0);
    }
}
