using System.Runtime.CompilerServices;

namespace GoTrace.Analysis;

/// <summary>
/// The intervals of a <see cref="BlockingCollector"/> in closing order, varint-encoded: about 5 bytes an interval
/// instead of the 28 of a <see cref="BlockingInterval"/> (a 64 MiB trace closes about 7.7 million of them).
/// Read them with <c>foreach</c>, which decodes in order; there is no random access.
/// </summary>
/// <remarks>
/// A record is a header byte and varints:
/// <list type="bullet">
/// <item>header: bits 0–1 the kind; bit 2 "same stack", bit 3 "same reason" as the last interval of the same
/// goroutine and kind (remembered in a small direct-mapped cache both sides keep alike, so memory stays bounded
/// however many goroutines there are); bit 4 "the time fields are in units of 64 ns" (the modern format's clock
/// quantum; ties bumped by 1 ns are written in ns). <c>0xFF</c> is a reset: both sides forget the cache and the last
/// end time (written after a rollback, because the encoder's memory then includes dropped intervals).</item>
/// <item>goroutine index; end minus the previous record's end (zig-zag: ends are non-decreasing in practice, but
/// nothing relies on it); duration; the stack unless same; the reason unless same.</item>
/// </list>
/// Records never straddle pages, so a reader works on one page's span at a time.
/// </remarks>
public sealed class BlockingIntervals
{
    private const int PageSize = 1 << 20;
    private const int MaxRecord = 1 + 5 + 10 + 10 + 5 + 5;
    internal const int CacheBits = 16;
    private const byte Reset = 0xFF;
    private const int SameStack = 4, SameReason = 8, Quantum = 16;

    private readonly List<byte[]> _pages = [];
    private readonly List<int> _used = [];
    private byte[] _page = [];
    private int _pos;
    private long _lastEnd;
    private readonly Cache _cache = new();

    /// <summary>Number of intervals.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes held by the encoded records (after <see cref="Trim"/>: exactly the pages' sizes).</summary>
    public long Bytes
    {
        get
        {
            long n = 0;
            foreach (var p in _pages) n += p.Length;
            return n;
        }
    }

    /// <summary>Appends an interval.</summary>
    public void Add(in BlockingInterval iv)
    {
        if (_page.Length - _pos < MaxRecord) NewPage();
        var span = _page.AsSpan(_pos);
        int n = 1;
        int header = (int)iv.Kind;
        ref var slot = ref _cache.Slot(iv.GoroutineIndex, iv.Kind);
        bool hit = slot.Key == Cache.KeyOf(iv.GoroutineIndex, iv.Kind);
        bool sameStack = hit && slot.Stack == iv.Stack, sameReason = hit && slot.Reason == iv.Reason;
        if (sameStack) header |= SameStack;
        if (sameReason) header |= SameReason;
        long dEnd = iv.End - _lastEnd, dur = iv.End - iv.Start;
        if ((dEnd & 63) == 0 && (dur & 63) == 0)
        {
            header |= Quantum;
            dEnd >>= 6;
            dur >>= 6;
        }
        span[0] = (byte)header;
        n += Varint.Write(span[n..], (ulong)(uint)iv.GoroutineIndex);
        n += Varint.Write(span[n..], (ulong)((dEnd << 1) ^ (dEnd >> 63)));
        n += Varint.Write(span[n..], (ulong)dur);
        if (!sameStack) n += Varint.Write(span[n..], (ulong)(uint)iv.Stack);
        if (!sameReason) n += Varint.Write(span[n..], iv.Reason);
        _pos += n;
        _lastEnd = iv.End;
        slot = new Cache.Entry { Key = Cache.KeyOf(iv.GoroutineIndex, iv.Kind), Stack = iv.Stack, Reason = iv.Reason };
        Count++;
    }

    /// <summary>A position to come back to with <see cref="Truncate"/>.</summary>
    public Mark Checkpoint() => new(Count, _pages.Count, _pos);

    /// <summary>Drops every interval added after <paramref name="mark"/>.</summary>
    public void Truncate(Mark mark)
    {
        if (mark.Count == Count) return;
        while (_pages.Count > Math.Max(1, mark.Pages))
        {
            _pages.RemoveAt(_pages.Count - 1);
            _used.RemoveAt(_used.Count - 1);
        }
        if (mark.Pages == 0)
        {
            _pages.Clear();
            _used.Clear();
            _page = [];
            _pos = 0;
        }
        else
        {
            _page = _pages[^1];
            _pos = mark.Position;
            _used[^1] = _pos;
        }
        Count = mark.Count;
        // The encoder remembers dropped intervals: tell the reader to forget as well.
        if (_page.Length - _pos < 1) NewPage();
        _page[_pos++] = Reset;
        _used[^1] = _pos;
        _cache.Clear();
        _lastEnd = 0;
    }

    /// <summary>Shrinks the last page to its used length (call when no more intervals come).</summary>
    public void Trim()
    {
        if (_pages.Count == 0) return;
        if (_pos < _page.Length)
        {
            Array.Resize(ref _page, _pos);
            _pages[^1] = _page;
        }
    }

    private void NewPage()
    {
        if (_pages.Count > 0) _used[^1] = _pos;
        _page = new byte[PageSize];
        _pages.Add(_page);
        _used.Add(0);
        _pos = 0;
    }

    /// <summary>Decodes the intervals in order.</summary>
    public Enumerator GetEnumerator()
    {
        if (_pages.Count > 0) _used[^1] = _pos;
        return new Enumerator(this);
    }

    /// <summary>A checkpoint of <see cref="BlockingIntervals"/>.</summary>
    public readonly record struct Mark(long Count, int Pages, int Position);

    /// <summary>Sequential decoder.</summary>
    public struct Enumerator
    {
        private readonly BlockingIntervals _owner;
        private readonly Cache _cache;
        private int _page, _pos, _end;
        private long _lastEnd, _left;
        private BlockingInterval _current;

        internal Enumerator(BlockingIntervals owner)
        {
            _owner = owner;
            _cache = new Cache();
            _page = -1;
            _left = owner.Count;
        }

        /// <summary>The interval decoded last.</summary>
        public readonly BlockingInterval Current => _current;

        /// <summary>Decodes the next interval.</summary>
        public bool MoveNext()
        {
            while (_left > 0)
            {
                if (_pos >= _end)
                {
                    if (++_page >= _owner._pages.Count) return false;
                    _pos = 0;
                    _end = _owner._used[_page];
                    continue;
                }
                var span = _owner._pages[_page].AsSpan(_pos, _end - _pos);
                int header = span[0];
                if (header == Reset)
                {
                    _cache.Clear();
                    _lastEnd = 0;
                    _pos++;
                    continue;
                }
                int n = 1;
                var kind = (BlockingKind)(header & 3);
                int g = (int)Varint.Read(span, ref n);
                ulong z = Varint.Read(span, ref n);
                long dEnd = (long)(z >> 1) ^ -(long)(z & 1);
                long dur = (long)Varint.Read(span, ref n);
                if ((header & Quantum) != 0)
                {
                    dEnd <<= 6;
                    dur <<= 6;
                }
                ref var slot = ref _cache.Slot(g, kind);
                int stack = (header & SameStack) != 0 ? slot.Stack : (int)Varint.Read(span, ref n);
                ushort reason = (header & SameReason) != 0 ? slot.Reason : (ushort)Varint.Read(span, ref n);
                slot = new Cache.Entry { Key = Cache.KeyOf(g, kind), Stack = stack, Reason = reason };
                _pos += n;
                long end = _lastEnd + dEnd;
                _lastEnd = end;
                _current = new BlockingInterval { GoroutineIndex = g, Kind = kind, Start = end - dur, End = end, Stack = stack, Reason = reason };
                _left--;
                return true;
            }
            return false;
        }
    }

    /// <summary>Last stack and reason per (goroutine, kind), direct-mapped: a miss only costs a few bytes.</summary>
    internal sealed class Cache
    {
        internal struct Entry
        {
            public long Key;
            public int Stack;
            public ushort Reason;
        }

        private readonly Entry[] _slots = new Entry[1 << CacheBits];

        public Cache() => Clear();

        public static long KeyOf(int g, BlockingKind kind) => ((long)(uint)g << 2) | (long)kind;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref Entry Slot(int g, BlockingKind kind)
        {
            ulong h = (ulong)KeyOf(g, kind) * 0x9E3779B97F4A7C15UL;
            return ref _slots[(int)(h >> (64 - CacheBits))];
        }

        public void Clear() => Array.Fill(_slots, new Entry { Key = -1 });
    }
}

/// <summary>Unsigned LEB128 varints.</summary>
internal static class Varint
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> dst, ulong v)
    {
        int n = 0;
        while (v >= 0x80)
        {
            dst[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        dst[n++] = (byte)v;
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(ReadOnlySpan<byte> src, ref int pos)
    {
        ulong v = 0;
        int shift = 0;
        while (true)
        {
            byte b = src[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
            shift += 7;
        }
    }
}
