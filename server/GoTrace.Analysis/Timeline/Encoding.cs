using System.Runtime.CompilerServices;

namespace GoTrace.Analysis.Timeline;

/// <summary>Varints and time deltas of the timeline's compact streams.</summary>
internal static class Codec
{
    /// <summary>Largest encoded size of one varint.</summary>
    public const int MaxVarint = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(byte[] buf, int pos, ulong v)
    {
        while (v >= 0x80)
        {
            buf[pos++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buf[pos++] = (byte)v;
        return pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(byte[] buf, ref int pos)
    {
        ulong b = buf[pos++];
        if (b < 0x80) return b;
        ulong v = b & 0x7F;
        int shift = 7;
        while (true)
        {
            b = buf[pos++];
            v |= (b & 0x7F) << shift;
            if (b < 0x80) return v;
            shift += 7;
        }
    }

    /// <summary>
    /// A non-negative time difference. Trace times are multiples of 64 ns on every platform but Windows (ticks of
    /// 64 ns), except where the reader bumped a tied time by 1 ns; the common case costs one bit instead of six.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Delta(long d) => (d & 63) == 0 ? (ulong)(d >> 6) << 1 : ((ulong)d << 1) | 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long UnDelta(ulong v) => (v & 1) == 0 ? (long)(v >> 1) << 6 : (long)(v >> 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Zig(long v) => (ulong)((v << 1) ^ (v >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long UnZig(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}

/// <summary>
/// Append-only storage of encoded blocks in 1 MiB pages. A block never straddles two pages, so a block is addressed by
/// one offset (page number in the high bits). Read-only use after building is safe from any thread.
/// </summary>
internal sealed class ByteArena
{
    public const int PageShift = 20, PageSize = 1 << PageShift, PageMask = PageSize - 1;
    private byte[][] _pages = new byte[4][];
    private int _count, _used = PageSize;

    /// <summary>Bytes held (pages allocated; a full page may end with a few unused bytes).</summary>
    public long Bytes
    {
        get
        {
            long n = 0;
            for (int i = 0; i < _count; i++) n += _pages[i].Length;
            return n;
        }
    }

    /// <summary>Copies <paramref name="data"/> (at most one page) and returns its offset.</summary>
    public long Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > PageSize) throw new ArgumentException("block larger than a page");
        if (_used + data.Length > PageSize)
        {
            // The unused tail of the full page (less than one block) stays: trimming would copy the whole page.
            if (_count == _pages.Length) Array.Resize(ref _pages, _count * 2);
            _pages[_count++] = new byte[PageSize];
            _used = 0;
        }
        long off = ((long)(_count - 1) << PageShift) | (uint)_used;
        data.CopyTo(_pages[_count - 1].AsSpan(_used));
        _used += data.Length;
        return off;
    }

    /// <summary>The page holding offset <paramref name="offset"/>; the data starts at <c>offset &amp; PageMask</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte[] Page(long offset) => _pages[(int)(offset >> PageShift)];

    /// <summary>Gives back the unused tail of the last page.</summary>
    public void Trim()
    {
        if (_count > 0 && _used < _pages[_count - 1].Length) Array.Resize(ref _pages[_count - 1], _used);
        _used = PageSize; // the next append starts a new page
    }
}

/// <summary>A growable array of structs with by-reference access (a <see cref="List{T}"/> without the copy on read).</summary>
internal struct Growable<T>
{
    public T[] Items;
    public int Count;

    public Growable(int capacity) => Items = capacity == 0 ? [] : new T[capacity];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Add()
    {
        if (Count == Items.Length) Array.Resize(ref Items, Math.Max(8, Items.Length * 2));
        return ref Items[Count++];
    }

    public void Add(in T v) => Add() = v;

    public readonly ref T this[int i] => ref Items[i];

    public readonly ReadOnlySpan<T> Span => Items.AsSpan(0, Count);

    public void Trim()
    {
        if (Items.Length != Count) Array.Resize(ref Items, Count);
    }
}
