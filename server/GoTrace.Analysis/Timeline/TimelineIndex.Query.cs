namespace GoTrace.Analysis.Timeline;

public sealed partial class TimelineIndex
{
    /// <summary>Upper bound on the pixels of one query: a finer <c>nsPerPixel</c> over a wider window is coarsened to this.</summary>
    public const int MaxPixels = 1 << 16;

    /// <summary>
    /// Everything of the selected tracks (all tracks when <paramref name="selection"/> is null) inside
    /// [<paramref name="start"/>, <paramref name="end"/>) at a resolution of <paramref name="nsPerPixel"/>:
    /// span tracks as spans, runs of spans shorter than a pixel merged (count, dominant state, time per state);
    /// counters as min/max/last per pixel bucket; instants individually or, when denser than a pixel, bucketed.
    /// The output per track is bounded by about two items per pixel (three samples per series and pixel for counters)
    /// whatever the zoom; the work is O(log n + output) per track (see Timeline/README.md).
    /// </summary>
    public TimelineQueryResult Query(long start, long end, long nsPerPixel, TrackSelection? selection = null)
    {
        if (end <= start) end = start + 1;
        long r = Resolution(start, end, nsPerPixel);
        var ids = Resolve(selection);
        var tracks = new TrackData[ids.Count];
        for (int i = 0; i < ids.Count; i++) tracks[i] = QueryTrack(ids[i], start, end, r);
        return new TimelineQueryResult { Start = start, End = end, NsPerPixel = r, Tracks = tracks };
    }

    /// <summary>The resolution <see cref="Query"/> and <see cref="QueryTrack"/> use for a window: <paramref name="nsPerPixel"/>, coarsened to at most <see cref="MaxPixels"/> pixels.</summary>
    public static long Resolution(long start, long end, long nsPerPixel) =>
        Math.Max(Math.Max(1, nsPerPixel), (end - start + MaxPixels - 1) / MaxPixels);

    /// <summary>
    /// The tracks a selection stands for, in display order for kinds (goroutine region and range lanes by goroutine,
    /// then lane), then the explicit ones.
    /// </summary>
    public List<TrackId> Resolve(TrackSelection? selection)
    {
        if (selection is null) return _trackList.Select(t => t.Id).ToList();
        var ids = new List<TrackId>();
        var seen = new HashSet<TrackId>();
        if (selection.Kinds.Count > 0)
        {
            var kinds = selection.Kinds;
            foreach (var t in _head)
            {
                if (kinds.Contains(t.Id.Kind) && seen.Add(t.Id)) ids.Add(t.Id);
            }
            if (kinds.Contains(TrackKind.Goroutine))
            {
                foreach (var g in Gt.All()) ids.Add(TrackId.Goroutine(g.Id));
            }
            if (kinds.Contains(TrackKind.Regions))
            {
                foreach (var r in RegionTable)
                {
                    var id = new TrackId(TrackKind.Regions, r.Goroutine, r.Depth);
                    if (seen.Add(id)) ids.Add(id);
                }
            }
            if (kinds.Contains(TrackKind.GoroutineRanges))
            {
                foreach (int i in GRangeOrder)
                {
                    var id = new TrackId(TrackKind.GoroutineRanges, RangeTable[i].ScopeId, RangeTable[i].Lane);
                    if (seen.Add(id)) ids.Add(id);
                }
            }
        }
        foreach (var t in selection.Tracks)
        {
            if (seen.Add(t)) ids.Add(t);
        }
        return ids;
    }

    /// <summary>One track of <see cref="Query"/>. Unknown tracks give an empty result.</summary>
    public TrackData QueryTrack(TrackId id, long start, long end, long nsPerPixel) =>
        QueryTrack(id, start, end, nsPerPixel, static (in TrackView v) => new TrackData
        {
            Track = v.Track, StateCount = v.StateCount, Spans = v.Spans.ToArray(), StateTimes = v.StateTimes.ToArray(),
            Instants = v.Instants.ToArray(), Series = v.Series, Samples = v.Samples.ToArray(), Scanned = v.Scanned,
        });

    /// <summary>
    /// One track of <see cref="Query"/>, handed to <paramref name="read"/> as a view of buffers that are reused by the
    /// next query on this thread (so a query allocates nothing in proportion to its answer); <paramref name="read"/>
    /// copies what it keeps.
    /// </summary>
    public TResult QueryTrack<TResult>(TrackId id, long start, long end, long nsPerPixel, TrackReader<TResult> read)
    {
        if (end <= start) end = start + 1;
        long r = Resolution(start, end, nsPerPixel);
        var o = t_parts ?? new TrackParts();
        t_parts = null; // a query inside read() gets its own buffers
        try
        {
            o.Reset(id);
            switch (id.Kind)
            {
                case TrackKind.Counter:
                    if ((ulong)id.Id < (ulong)Counters.Length) QueryCounter(Counters[id.Id], start, end, r, o);
                    break;
                case TrackKind.CpuSamples:
                case TrackKind.Logs:
                    QueryInstants(id, start, end, r, o);
                    break;
                default:
                    if (SourceOf(id) is { } src) QuerySpans(src, start, end, r, o);
                    break;
            }
            return read(new TrackView(o));
        }
        finally
        {
            o.Reset(default);
            t_parts = o;
        }
    }

    [ThreadStatic] private static TrackParts? t_parts;

    // ---------------------------------------------------------------- spans

    private void QuerySpans(in SpanSource t, long start, long end, long r, TrackParts o)
    {
        var it = t.SeekAt(r, start, End);
        var merger = new SpanMerger(r);
        SpanItem o0 = default;
        long scanned = 0;
        var kind = t.Id.Kind;
        int states = t.States;
        while (it.MoveNext())
        {
            ref var cur = ref it.Current;
            if (cur.Start >= end) break;
            scanned++;
            if (cur.End <= start && cur.End > cur.Start) continue;
            int n = merger.Add(in cur, ref o0);
            if ((n & 1) != 0) o.Spans.Add(ToSpan(in o0, kind, states, ref o.Times));
            if ((n & 2) != 0) o.Spans.Add(ToSpan(in cur, kind, states, ref o.Times));
        }
        if (merger.Flush(ref o0)) o.Spans.Add(ToSpan(in o0, kind, states, ref o.Times));
        o.StateCount = states;
        o.Scanned = scanned;
    }

    /// <summary>Converts a stored item into the public form of its track kind.</summary>
    internal TimelineSpan ToSpan(in SpanItem it, TrackKind kind, int states, ref Growable<long> times)
    {
        var s = new TimelineSpan
        {
            Start = it.Start, End = it.End, Count = (int)Math.Min(int.MaxValue, it.Count), Index = it.Raw, State = (byte)it.Dominant,
            Goroutine = -1, Proc = -1, Thread = -1, Ref = -1, Breakdown = -1,
        };
        if (it.IsMerged)
        {
            s.Breakdown = times.Count;
            for (int i = 0; i < states; i++) times.Add(it.Times[i]);
            return s;
        }
        s.Reason = it.Code;
        s.Stack = it.Stack;
        switch (kind)
        {
            case TrackKind.Goroutine:
                switch ((GoroutineState)it.Cat)
                {
                    case GoroutineState.Runnable:
                    case GoroutineState.Waiting:
                        s.Goroutine = it.A;
                        break;
                    case GoroutineState.Running:
                    case GoroutineState.Syscall:
                    case GoroutineState.SyscallBlocked:
                        s.Proc = it.A;
                        s.Thread = it.B;
                        break;
                }
                break;
            case TrackKind.Proc:
                s.Goroutine = it.A;
                s.Thread = it.B >= 0 && it.B < ThreadIds.Length ? ThreadIds[it.B] : -1;
                break;
            case TrackKind.Thread:
                s.Goroutine = it.A;
                s.Proc = it.B;
                break;
            default:
                s.Goroutine = it.A;
                s.Ref = it.B;
                break;
        }
        return s;
    }

    // ---------------------------------------------------------------- instants

    private void QueryInstants(TrackId id, long start, long end, long r, TrackParts o)
    {
        bool logs = id.Kind == TrackKind.Logs;
        int n = logs ? LogTable.Length : SampleTable.Length;
        long TimeAt(int i) => logs ? LogTable[i].Time : SampleTable[i].Time;
        long GAt(int i) => id.Lane switch
        {
            1 => logs ? LogTable[i].Proc : SampleTable[i].Proc,
            2 => logs ? LogTable[i].Thread : SampleTable[i].Thread,
            _ => logs ? LogTable[i].Goroutine : SampleTable[i].Goroutine,
        };
        int Lower(int lo, int hi, long t)
        {
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (TimeAt(mid) < t) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
        int a = Lower(0, n, start), b = Lower(a, n, end);
        long pixels = (end - start + r - 1) / r;
        bool filter = id.Id >= 0;
        ref var outp = ref o.Instants;
        long scanned = 0;
        if (!filter && b - a <= 2 * pixels)
        {
            for (int i = a; i < b; i++) outp.Add(Instant(logs, i, TimeAt(i), TimeAt(i), 1));
            scanned = b - a;
        }
        else if (!filter)
        {
            for (int i = a; i < b;)
            {
                long bucket = (TimeAt(i) - start) / r;
                long bs = start + bucket * r, be = Math.Min(end, bs + r);
                int j = Lower(i + 1, b, be);
                outp.Add(Instant(logs, i, j - i == 1 ? TimeAt(i) : bs, j - i == 1 ? TimeAt(i) : be, j - i));
                scanned += 1 + (long)Math.Log2(j - i + 1);
                i = j;
            }
        }
        else
        {
            long curBucket = long.MinValue;
            int first = -1, count = 0;
            for (int i = a; i < b; i++)
            {
                scanned++;
                if (GAt(i) != id.Id) continue;
                long bucket = (TimeAt(i) - start) / r;
                if (bucket != curBucket)
                {
                    if (count > 0) outp.Add(BucketOf(first, count, curBucket));
                    curBucket = bucket;
                    first = i;
                    count = 0;
                }
                count++;
            }
            if (count > 0) outp.Add(BucketOf(first, count, curBucket));
        }
        o.Scanned = scanned;

        TimelineInstant BucketOf(int first, int count, long bucket)
        {
            long bs = start + bucket * r;
            return count == 1 ? Instant(logs, first, TimeAt(first), TimeAt(first), 1) : Instant(logs, first, bs, Math.Min(end, bs + r), count);
        }
    }

    private TimelineInstant Instant(bool log, int i, long time, long end, int count)
    {
        if (log)
        {
            ref var l = ref LogTable[i];
            return new TimelineInstant
            {
                Time = time, End = end, Count = count, Index = i, Goroutine = l.Goroutine, Proc = l.Proc, Thread = l.Thread, Stack = l.Stack,
                Text = l.Message,
            };
        }
        ref var s = ref SampleTable[i];
        return new TimelineInstant
        {
            Time = time, End = end, Count = count, Index = i, Goroutine = s.Goroutine, Proc = s.Proc, Thread = s.Thread, Stack = s.Stack,
        };
    }

    // ---------------------------------------------------------------- counters

    private void QueryCounter(CounterTrack c, long start, long end, long r, TrackParts o)
    {
        int n = c.Series.Length;
        int level = -1;
        for (int k = 0; k < c.LevelShifts.Length && (1L << c.LevelShifts[k]) <= r; k++) level = k;
        // Output buckets: the pixel, rounded up to whole buckets of the level read (so never more buckets than pixels).
        long w = level < 0 ? r : ((r + (1L << c.LevelShifts[level]) - 1) >> c.LevelShifts[level]) << c.LevelShifts[level];
        long origin = Start;
        var outp = o.Samples;
        var carry = new long[n];
        var min = new long[n];
        var max = new long[n];
        var last = new long[n];
        long bucket = long.MinValue, scanned = 0;
        bool opened = false;

        void Open(long t)
        {
            // The value the window opens with.
            for (int s = 0; s < n; s++) outp.Add(new CounterSample(t, t, s, carry[s], carry[s], carry[s]));
            opened = true;
        }
        void Close()
        {
            if (bucket == long.MinValue) return;
            long bs = Math.Max(start, origin + bucket * w), be = Math.Min(end, origin + (bucket + 1) * w);
            for (int s = 0; s < n; s++) outp.Add(new CounterSample(bs, be, s, min[s], max[s], last[s]));
            last.CopyTo(carry, 0);
            bucket = long.MinValue;
        }
        void Point(long t, ReadOnlySpan<long> pMin, ReadOnlySpan<long> pMax, ReadOnlySpan<long> pLast)
        {
            long b = (t - origin) / w;
            if (b != bucket)
            {
                Close();
                bucket = b;
                for (int s = 0; s < n; s++)
                {
                    min[s] = Math.Min(carry[s], pMin[s]);
                    max[s] = Math.Max(carry[s], pMax[s]);
                }
            }
            else
            {
                for (int s = 0; s < n; s++)
                {
                    min[s] = Math.Min(min[s], pMin[s]);
                    max[s] = Math.Max(max[s], pMax[s]);
                }
            }
            pLast.CopyTo(last);
        }

        if (level < 0)
        {
            // Raw changes (a window finer than the first level): a change moves one or two series, so inside a bucket
            // only those can take a new least or greatest value, and the bucket's last values are those before the
            // change that opens the next bucket. (Tens of thousands of changes per query: no division or copy per change.)
            var rd = CounterReader.At(Store, c.Stream, start, n, c.Ops);
            var v = rd.Values;
            long bucketEnd = long.MinValue;
            bool beyond = false;
            while (rd.Read())
            {
                scanned++;
                long t = rd.Time;
                if (t < start)
                {
                    v.CopyTo(carry, 0);
                    continue;
                }
                if (!opened)
                {
                    rd.CopyPrevTo(carry);
                    Open(start);
                }
                if (t >= end)
                {
                    beyond = true;
                    break;
                }
                if (bucket == long.MinValue || t >= bucketEnd)
                {
                    if (bucket != long.MinValue)
                    {
                        rd.CopyPrevTo(last);
                        Close();
                    }
                    bucket = (t - origin) / w;
                    bucketEnd = origin + (bucket + 1) * w;
                    for (int s = 0; s < n; s++)
                    {
                        min[s] = Math.Min(carry[s], v[s]);
                        max[s] = Math.Max(carry[s], v[s]);
                    }
                }
                else
                {
                    if (rd.ChangedA is >= 0 and var a)
                    {
                        long x = v[a];
                        if (x < min[a]) min[a] = x;
                        if (x > max[a]) max[a] = x;
                    }
                    if (rd.ChangedB is >= 0 and var b2)
                    {
                        long x = v[b2];
                        if (x < min[b2]) min[b2] = x;
                        if (x > max[b2]) max[b2] = x;
                    }
                }
            }
            if (bucket != long.MinValue)
            {
                if (beyond) rd.CopyPrevTo(last);
                else v.CopyTo(last, 0);
            }
        }
        else
        {
            int stream = c.LevelStreams[level];
            long lw = 1L << c.LevelShifts[level];
            int blk = Store.FindBlock(stream, start);
            var rd = new CounterLevelReader(Store, stream, blk < 0 ? Store.SFirst[stream] + Store.SCount[stream] : blk, n);
            bool first = true;
            while (rd.Read())
            {
                scanned++;
                if (first)
                {
                    rd.Carry.CopyTo(carry, 0);
                    first = false;
                }
                if (rd.Time + lw <= start)
                {
                    rd.Last.CopyTo(carry, 0);
                    continue;
                }
                if (!opened) Open(start);
                if (rd.Time >= end) break;
                Point(rd.Time, rd.Min, rd.Max, rd.Last);
            }
        }
        Close();
        if (!opened) Open(start);
        o.Samples = outp;
        o.Series = c.Series;
        o.Scanned = scanned;
    }
}

/// <summary>Reads one track of a query (<see cref="TimelineIndex.QueryTrack{TResult}"/>).</summary>
public delegate TResult TrackReader<TResult>(in TrackView view);

/// <summary>One track of a query as views of reused buffers: valid only inside the <see cref="TrackReader{TResult}"/> call.</summary>
public readonly ref struct TrackView
{
    internal TrackView(TrackParts p)
    {
        Track = p.Track;
        StateCount = p.StateCount;
        Spans = p.Spans.Span;
        StateTimes = p.Times.Span;
        Instants = p.Instants.Span;
        Series = p.Series;
        Samples = p.Samples.Span;
        Scanned = p.Scanned;
    }

    public TrackId Track { get; }
    /// <inheritdoc cref="TrackData.StateCount"/>
    public int StateCount { get; }
    public ReadOnlySpan<TimelineSpan> Spans { get; }
    /// <inheritdoc cref="TrackData.StateTimes"/>
    public ReadOnlySpan<long> StateTimes { get; }
    public ReadOnlySpan<TimelineInstant> Instants { get; }
    /// <inheritdoc cref="TrackData.Series"/>
    public string[] Series { get; }
    public ReadOnlySpan<CounterSample> Samples { get; }
    /// <inheritdoc cref="TrackData.Scanned"/>
    public long Scanned { get; }
}

/// <summary>The buffers one thread's track queries fill (kept between queries: they grow to the largest answer).</summary>
internal sealed class TrackParts
{
    public TrackId Track;
    public int StateCount;
    public Growable<TimelineSpan> Spans = new(64);
    public Growable<long> Times = new(64);
    public Growable<TimelineInstant> Instants = new(16);
    public Growable<CounterSample> Samples = new(64);
    public string[] Series = [];
    public long Scanned;

    public void Reset(TrackId id)
    {
        Track = id;
        StateCount = 0;
        Spans.Count = Times.Count = Instants.Count = Samples.Count = 0;
        Series = [];
        Scanned = 0;
    }
}
