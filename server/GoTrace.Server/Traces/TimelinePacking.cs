using System.Buffers;
using GoTrace.Analysis.Timeline;

namespace GoTrace.Server.Traces;

/// <summary>
/// The packed form of a <c>gotrace/timeline</c> track (<c>"encoding":"packed"</c>): its spans, instants and counter
/// points as one byte string of LEB128 varints (base64 in the JSON), about a fifth of the JSON form and with nothing to
/// parse per item. PROTOCOL.md describes the layout; <c>extension/src/protocol.ts</c> (<c>unpackTrack</c>) and
/// <see cref="Unpack"/> read it. Strings (span reasons, log texts) are indexes into the track's <c>strings</c>.
/// </summary>
/// <remarks>
/// Layout: <c>varint stateCount, varint spans, span*, varint instants, instant*, varint points, point*</c>.
/// Signed values are zigzag-encoded (<c>z</c>). Each item starts with a flags varint naming the members that are not at
/// their usual or implied value; times are deltas from the previous item's.
/// <list type="bullet">
/// <item>span: <c>flags</c> (bit 0 merged, 1 end, 2 index, 3 count, 4 reason, 5 stack, 6 goroutine, 7 proc, 8 thread,
/// 9 ref; state = flags &gt;&gt; 10), <c>z(start − previous start)</c>, [<c>z(end − start)</c>; else the next span's start],
/// [<c>z(index − implied)</c>; implied = previous index + previous count, 0 first], [count; else 1], [reason string],
/// [stack; else 0], [<c>z</c> goroutine, proc, thread, ref; else −1], merged: <c>mask</c> of states with time, then the
/// time of each of them (the others 0).</item>
/// <item>instant: <c>flags</c> (bit 0 end, 1 count, 2 index, 3 goroutine, 4 proc, 5 thread, 6 stack, 7 text),
/// <c>z(time − previous time)</c>, [<c>z(end − time)</c>; else = time], [count; else 1], [<c>z(index − implied)</c>],
/// [<c>z</c> goroutine, proc, thread; else −1], [stack; else 0], [text string].</item>
/// <item>point: <c>flags</c> (bit 0 series, 1 min, 2 max, 3 length), <c>z(time − previous time)</c>, [<c>z(end − time)</c>;
/// else the previous point's length], [series; else 0], <c>z(last − the series' previous last)</c> (0 first),
/// [<c>z(last − min)</c>; else = last], [<c>z(max − last)</c>; else = last].</item>
/// </list>
/// </remarks>
public static class TimelinePacking
{
    /// <summary>Packs one queried track; the strings it refers to are added to <paramref name="stringList"/> (<paramref name="strings"/>: string ID to index there).</summary>
    internal static byte[] Pack(in TrackView t, TimelineIndex ix, Dictionary<int, int> strings, List<string> stringList)
    {
        var w = new VarintWriter(16 + (t.Spans.Length + t.Instants.Length + t.Samples.Length) * 12);
        long origin = ix.Start;
        int Str(int id)
        {
            if (!strings.TryGetValue(id, out int k))
            {
                k = stringList.Count;
                strings.Add(id, k);
                stringList.Add(ix.String(id));
            }
            return k;
        }

        int states = t.StateCount;
        w.U((ulong)states);
        var spans = t.Spans;
        w.U((ulong)spans.Length);
        long prevStart = 0, implied = 0;
        for (int i = 0; i < spans.Length; i++)
        {
            ref readonly var s = ref spans[i];
            long start = s.Start - origin, end = s.End - origin;
            bool merged = s.IsMerged, endGiven = i + 1 == spans.Length || spans[i + 1].Start != s.End;
            ulong f = (ulong)s.State << 10;
            if (merged) f |= 1;
            if (endGiven) f |= 2;
            if (s.Index != implied) f |= 4;
            if (s.Count != 1) f |= 8;
            if (s.Reason > 0) f |= 16;
            if (s.Stack != 0) f |= 32;
            if (s.Goroutine != -1) f |= 64;
            if (s.Proc != -1) f |= 128;
            if (s.Thread != -1) f |= 256;
            if (s.Ref != -1) f |= 512;
            w.U(f);
            w.Z(start - prevStart);
            if (endGiven) w.Z(end - start);
            if (s.Index != implied) w.Z(s.Index - implied);
            if (s.Count != 1) w.U((uint)s.Count);
            if (s.Reason > 0) w.U((uint)Str(s.Reason));
            if (s.Stack != 0) w.U((uint)s.Stack);
            if (s.Goroutine != -1) w.Z(s.Goroutine);
            if (s.Proc != -1) w.Z(s.Proc);
            if (s.Thread != -1) w.Z(s.Thread);
            if (s.Ref != -1) w.Z(s.Ref);
            if (merged)
            {
                var times = t.StateTimes.Slice(s.Breakdown, states);
                ulong mask = 0;
                for (int k = 0; k < times.Length; k++) if (times[k] != 0) mask |= 1UL << k;
                w.U(mask);
                for (int k = 0; k < times.Length; k++) if (times[k] != 0) w.Z(times[k]);
            }
            prevStart = start;
            implied = s.Index + s.Count;
        }

        var instants = t.Instants;
        w.U((ulong)instants.Length);
        long prevTime = 0;
        implied = 0;
        foreach (ref readonly var x in instants)
        {
            long time = x.Time - origin, end = x.End - origin;
            ulong f = 0;
            if (end != time) f |= 1;
            if (x.Count != 1) f |= 2;
            if (x.Index != implied) f |= 4;
            if (x.Goroutine != -1) f |= 8;
            if (x.Proc != -1) f |= 16;
            if (x.Thread != -1) f |= 32;
            if (x.Stack != 0) f |= 64;
            if (x.Text > 0) f |= 128;
            w.U(f);
            w.Z(time - prevTime);
            if (end != time) w.Z(end - time);
            if (x.Count != 1) w.U((uint)x.Count);
            if (x.Index != implied) w.Z(x.Index - implied);
            if (x.Goroutine != -1) w.Z(x.Goroutine);
            if (x.Proc != -1) w.Z(x.Proc);
            if (x.Thread != -1) w.Z(x.Thread);
            if (x.Stack != 0) w.U((uint)x.Stack);
            if (x.Text > 0) w.U((uint)Str(x.Text));
            prevTime = time;
            implied = x.Index + x.Count;
        }

        var points = t.Samples;
        w.U((ulong)points.Length);
        prevTime = 0;
        long prevLength = 0;
        var lastOf = new Dictionary<int, long>();
        foreach (ref readonly var p in points)
        {
            long time = p.Time - origin, length = p.End - p.Time;
            ulong f = 0;
            if (p.Series != 0) f |= 1;
            if (p.Min != p.Last) f |= 2;
            if (p.Max != p.Last) f |= 4;
            if (length != prevLength) f |= 8;
            w.U(f);
            w.Z(time - prevTime);
            if (length != prevLength) w.Z(length);
            if (p.Series != 0) w.U((uint)p.Series);
            lastOf.TryGetValue(p.Series, out long prevLast);
            w.Z(p.Last - prevLast);
            if (p.Min != p.Last) w.Z(p.Last - p.Min);
            if (p.Max != p.Last) w.Z(p.Max - p.Last);
            lastOf[p.Series] = p.Last;
            prevTime = time;
            prevLength = length;
        }
        return w.ToArray();
    }

    /// <summary>
    /// Reads a packed track back into the JSON form with every member filled in (as <c>normalizeTimeline</c> does);
    /// a malformed string throws <see cref="FormatException"/>.
    /// </summary>
    public static (SpanDto[] Spans, InstantDto[] Instants, CounterPointDto[] Points) Unpack(ReadOnlySpan<byte> data, IReadOnlyList<string> strings)
    {
        var v = new DtoVisitor(strings);
        Read(data, strings.Count, ref v);
        return (v.Spans.ToArray(), v.Instants.ToArray(), v.Points.ToArray());
    }

    /// <summary>A packed track's items, one call each, in order (<see cref="Read"/>).</summary>
    public interface IVisitor
    {
        /// <summary>A span; <paramref name="stateNs"/> (time per state) only when <paramref name="merged"/>.</summary>
        void Span(in PackedSpan span, bool merged, ReadOnlySpan<long> stateNs);
        void Instant(in PackedInstant instant);
        void Point(in CounterPointValue point);
    }

    /// <summary>A span as packed: <see cref="Reason"/> indexes the track's strings (−1 = none).</summary>
    public readonly record struct PackedSpan(long StartNs, long EndNs, byte State, int Count, long Index, int Reason, int Stack,
        long Goroutine, long Proc, long Thread, long Ref);

    /// <summary>An instant as packed: <see cref="Text"/> indexes the track's strings (−1 = none).</summary>
    public readonly record struct PackedInstant(long TimeNs, long EndNs, int Count, long Index, long Goroutine, long Proc, long Thread, int Stack, int Text);

    public readonly record struct CounterPointValue(long TimeNs, long EndNs, int Series, long Min, long Max, long Last);

    /// <summary>
    /// Decodes a packed track into <paramref name="visitor"/> with all members filled in (allocating nothing per item);
    /// <paramref name="stringCount"/> bounds the string indexes. A malformed string throws <see cref="FormatException"/>.
    /// </summary>
    public static void Read<TVisitor>(ReadOnlySpan<byte> data, int stringCount, ref TVisitor visitor) where TVisitor : IVisitor
    {
        var r = new VarintReader(data);
        int states = r.Count(64);
        Span<long> times = stackalloc long[states];
        int spans = r.Count(data.Length);
        long prevStart = 0, implied = 0;
        // A span's end may be the next span's start: each span is handed over once the next one is read.
        PackedSpan pending = default;
        bool hasPending = false, pendingMerged = false;
        Span<long> pendingTimes = stackalloc long[states];
        for (int i = 0; i < spans; i++)
        {
            ulong f = r.U();
            long start = prevStart + r.Z();
            long end = (f & 2) != 0 ? start + r.Z() : long.MinValue;
            long index = implied + ((f & 4) != 0 ? r.Z() : 0);
            int count = (f & 8) != 0 ? checked((int)r.U()) : 1;
            int reason = (f & 16) != 0 ? r.Count(stringCount - 1) : -1;
            int stack = (f & 32) != 0 ? checked((int)r.U()) : 0;
            long g = (f & 64) != 0 ? r.Z() : -1, p = (f & 128) != 0 ? r.Z() : -1, th = (f & 256) != 0 ? r.Z() : -1, rf = (f & 512) != 0 ? r.Z() : -1;
            bool merged = (f & 1) != 0;
            if (merged)
            {
                times.Clear();
                ulong mask = r.U();
                for (int k = 0; k < states; k++) if ((mask & (1UL << k)) != 0) times[k] = r.Z();
            }
            if (hasPending)
            {
                var prev = pending.EndNs == long.MinValue ? pending with { EndNs = start } : pending;
                visitor.Span(prev, pendingMerged, pendingMerged ? pendingTimes : default);
            }
            pending = new PackedSpan(start, end, checked((byte)(f >> 10)), count, index, reason, stack, g, p, th, rf);
            pendingMerged = merged;
            if (merged) times.CopyTo(pendingTimes);
            hasPending = true;
            prevStart = start;
            implied = index + count;
        }
        if (hasPending)
        {
            if (pending.EndNs == long.MinValue) throw new FormatException("the last span has no end");
            visitor.Span(pending, pendingMerged, pendingMerged ? pendingTimes : default);
        }

        int instants = r.Count(data.Length);
        long prevTime = 0;
        implied = 0;
        for (int i = 0; i < instants; i++)
        {
            ulong f = r.U();
            long time = prevTime + r.Z();
            long end = (f & 1) != 0 ? time + r.Z() : time;
            int count = (f & 2) != 0 ? checked((int)r.U()) : 1;
            long index = implied + ((f & 4) != 0 ? r.Z() : 0);
            long g = (f & 8) != 0 ? r.Z() : -1, p = (f & 16) != 0 ? r.Z() : -1, th = (f & 32) != 0 ? r.Z() : -1;
            int stack = (f & 64) != 0 ? checked((int)r.U()) : 0;
            int text = (f & 128) != 0 ? r.Count(stringCount - 1) : -1;
            visitor.Instant(new PackedInstant(time, end, count, index, g, p, th, stack, text));
            prevTime = time;
            implied = index + count;
        }

        int points = r.Count(data.Length);
        prevTime = 0;
        long prevLength = 0;
        // The previous last value per series (series are few: a small list, grown on demand).
        Span<long> lastOf = stackalloc long[8];
        long[]? moreLasts = null;
        for (int i = 0; i < points; i++)
        {
            ulong f = r.U();
            long time = prevTime + r.Z();
            long length = (f & 8) != 0 ? r.Z() : prevLength;
            int series = (f & 1) != 0 ? r.Count(1 << 16) : 0;
            if (series >= lastOf.Length)
            {
                moreLasts = new long[Math.Max(series + 1, lastOf.Length * 2)];
                lastOf.CopyTo(moreLasts);
                lastOf = moreLasts;
            }
            long last = lastOf[series] + r.Z();
            long min = (f & 2) != 0 ? last - r.Z() : last, max = (f & 4) != 0 ? last + r.Z() : last;
            visitor.Point(new CounterPointValue(time, time + length, series, min, max, last));
            lastOf[series] = last;
            prevTime = time;
            prevLength = length;
        }
        if (!r.AtEnd) throw new FormatException($"{data.Length - r.Position} bytes after the last point");
    }

    private struct DtoVisitor(IReadOnlyList<string> strings) : IVisitor
    {
        public List<SpanDto> Spans = [];
        public List<InstantDto> Instants = [];
        public List<CounterPointDto> Points = [];

        public readonly void Span(in PackedSpan s, bool merged, ReadOnlySpan<long> stateNs) => Spans.Add(new SpanDto
        {
            StartNs = s.StartNs, EndNs = s.EndNs, State = s.State, Count = s.Count, Index = s.Index, Reason = s.Reason >= 0 ? strings[s.Reason] : null,
            Stack = s.Stack, Goroutine = s.Goroutine, Proc = s.Proc, Thread = s.Thread, Ref = s.Ref, StateNs = merged ? stateNs.ToArray() : null,
        });

        public readonly void Instant(in PackedInstant x) => Instants.Add(new InstantDto
        {
            TimeNs = x.TimeNs, EndNs = x.EndNs, Count = x.Count, Index = x.Index, Goroutine = x.Goroutine, Proc = x.Proc, Thread = x.Thread,
            Stack = x.Stack, Text = x.Text >= 0 ? strings[x.Text] : null,
        });

        public readonly void Point(in CounterPointValue p) => Points.Add(new CounterPointDto
        {
            TimeNs = p.TimeNs, EndNs = p.EndNs, Series = p.Series, Min = p.Min, Max = p.Max, Last = p.Last,
        });
    }

    private struct VarintWriter(int capacity)
    {
        private byte[] _buf = ArrayPool<byte>.Shared.Rent(Math.Max(64, capacity));
        private int _n;

        public void U(ulong v)
        {
            if (_n + 10 > _buf.Length) Grow();
            while (v >= 0x80)
            {
                _buf[_n++] = (byte)(v | 0x80);
                v >>= 7;
            }
            _buf[_n++] = (byte)v;
        }

        public void Z(long v) => U((ulong)((v << 1) ^ (v >> 63)));

        private void Grow()
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buf.Length * 2);
            _buf.AsSpan(0, _n).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = bigger;
        }

        public byte[] ToArray()
        {
            var a = _buf.AsSpan(0, _n).ToArray();
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = [];
            return a;
        }
    }

    private ref struct VarintReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;
        public readonly int Position => _pos;
        public readonly bool AtEnd => _pos == _data.Length;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public ulong U()
        {
            int p = _pos;
            var d = _data;
            if ((uint)(p + 1) < (uint)d.Length)
            {
                // One or two bytes (nearly every number here), without a loop.
                uint b0 = d[p];
                if (b0 < 0x80)
                {
                    _pos = p + 1;
                    return b0;
                }
                uint b1 = d[p + 1];
                if (b1 < 0x80)
                {
                    _pos = p + 2;
                    return (b0 & 0x7f) | (b1 << 7);
                }
            }
            return Long();
        }

        private ulong Long()
        {
            ulong v = 0;
            int p = _pos;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (p >= _data.Length) throw new FormatException($"the packed track ends inside a number at byte {p}");
                byte b = _data[p++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    _pos = p;
                    return v;
                }
            }
            throw new FormatException($"a number longer than 10 bytes at byte {p}");
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public long Z()
        {
            ulong u = U();
            return (long)(u >> 1) ^ -(long)(u & 1);
        }

        /// <summary>A count or index of at most <paramref name="max"/>.</summary>
        public int Count(int max)
        {
            ulong v = U();
            return max >= 0 && v <= (ulong)max ? (int)v : throw new FormatException($"{v} at byte {_pos} is out of range (at most {max})");
        }
    }
}
