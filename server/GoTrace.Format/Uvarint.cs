namespace GoTrace.Format;

/// <summary>Outcome of decoding an unsigned LEB128 varint.</summary>
internal enum VarintStatus : byte
{
    Ok,
    /// <summary>The input ended before the last byte (no byte at all, or a partial varint).</summary>
    Truncated,
    /// <summary>More than 64 bits (a tenth byte above 1, or an eleventh byte).</summary>
    Overflow,
}

/// <summary>
/// Unsigned LEB128 varints as the Go tracer writes them: at most 10 bytes, non-minimal encodings allowed
/// (the batch size field is always padded to 10 bytes). See FORMAT.md §"Varints".
/// </summary>
internal static class Uvarint
{
    public const int MaxLength = 10;

    /// <summary>Decodes one varint at the start of <paramref name="data"/>; returns bytes consumed, 0 if truncated, -1 on overflow.</summary>
    public static int Decode(ReadOnlySpan<byte> data, out ulong value)
    {
        ulong v = 0;
        int shift = 0;
        int n = Math.Min(data.Length, MaxLength);
        for (int i = 0; i < n; i++)
        {
            byte b = data[i];
            if (b < 0x80)
            {
                if (i == MaxLength - 1 && b > 1)
                {
                    value = 0;
                    return -1;
                }
                value = v | ((ulong)b << shift);
                return i + 1;
            }
            v |= (ulong)(b & 0x7f) << shift;
            shift += 7;
        }
        value = 0;
        return data.Length >= MaxLength ? -1 : 0;
    }
}
