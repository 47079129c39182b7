using System.Collections.Concurrent;
using GoTrace.Analysis.Timeline;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// Range queries: merged spans conserve time per state and raw counts exactly, stay contiguous and bounded by the
/// pixel count at every zoom, read the same from the pyramid as from the raw spans; counters and instants.
/// </summary>
public class TimelineQueryTests
{
    public static TheoryData<string> Traces() => TimelineData.AllTraces();

    private static readonly ConcurrentDictionary<string, TimelineIndex> Dense = new();

    /// <summary>An index with pyramids on every track (small base resolution, no minimum size) and stored region/range lanes.</summary>
    private static TimelineIndex DenseIndex(string trace) => Dense.GetOrAdd(trace, t => TimelineBuilder.Build(TestData.TracePath(t),
        new PyramidOptions { BaseResolution = 1 << 10, Factor = 2, MinRawItems = 4, KeepRatio = 0.9, TopItems = 2, LaneStreamMin = 0 }));

    /// <summary>Checks one query result of a span track against the raw spans.</summary>
    private static void CheckSpans(TimelineIndex ix, TrackData d, List<TimelineSpan> raw, long start, long end, long r)
    {
        var spans = d.Spans;
        if (raw.Count == 0 || start >= ix.End)
        {
            Assert.Empty(spans);
            return;
        }
        Assert.NotEmpty(spans);
        long pixels = (end - start + r - 1) / r;
        Assert.True(spans.Length <= 2 * pixels + 3, $"{d.Track}: {spans.Length} spans for {pixels} pixels");
        Assert.True(spans[0].Start <= Math.Max(start, ix.Start) && spans[^1].End >= Math.Min(end, ix.End));
        long firstRaw = spans[0].Index;
        long n = 0;
        var times = new long[d.StateCount];
        for (int i = 0; i < spans.Length; i++)
        {
            var s = spans[i];
            if (i > 0) Assert.Equal(spans[i - 1].End, s.Start);
            Assert.Equal(firstRaw + n, s.Index);
            n += s.Count;
            if (s.IsMerged)
            {
                Assert.True(s.Count > 1);
                long sum = 0, best = -1;
                for (int k = 0; k < d.StateCount; k++)
                {
                    long v = d.StateTimes[s.Breakdown + k];
                    times[k] += v;
                    sum += v;
                    best = Math.Max(best, v);
                }
                Assert.Equal(s.Duration, sum);
                Assert.Equal(best, d.StateTimes[s.Breakdown + s.State]);
            }
            else
            {
                Assert.Equal(1, s.Count);
                var rs = raw[(int)s.Index];
                Assert.Equal((rs.Start, rs.End, rs.State, rs.Reason, rs.Stack, rs.Goroutine, rs.Proc, rs.Thread, rs.Ref),
                    (s.Start, s.End, s.State, s.Reason, s.Stack, s.Goroutine, s.Proc, s.Thread, s.Ref));
                times[s.State] += s.Duration;
            }
        }
        // Exactly the raw spans from the first to the last covered, with their time per state.
        var covered = raw.Skip((int)firstRaw).Take((int)n).ToList();
        Assert.Equal(spans[0].Start, covered[0].Start);
        Assert.Equal(spans[^1].End, covered[^1].End);
        Assert.Equal(TimelineData.Totals(covered, d.StateCount), times);
    }

    private static IEnumerable<long> Resolutions(TimelineIndex ix)
    {
        long dur = ix.End - ix.Start;
        return [1_000, 16_000, 100_000, 1_000_000, Math.Max(1, dur / 800), Math.Max(1, dur / 3), dur * 2];
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Full_view_conserves_time_per_state_at_every_resolution(string trace)
    {
        foreach (var ix in new[] { TimelineData.Index(trace), DenseIndex(trace) })
        {
            foreach (var id in TimelineData.SpanTracks(ix))
            {
                var raw = TimelineData.Raw(ix, id);
                foreach (long r in Resolutions(ix))
                {
                    var d = ix.QueryTrack(id, ix.Start, ix.End, r);
                    CheckSpans(ix, d, raw, ix.Start, ix.End, r);
                    Assert.Equal(ix.Start, d.Spans[0].Start);
                    Assert.Equal(ix.End, d.Spans[^1].End);
                    Assert.Equal(raw.Count, d.Spans.Sum(s => (long)s.Count));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Windows_are_covered_bounded_and_exact(string trace)
    {
        var rng = new Random(trace.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        foreach (var ix in new[] { TimelineData.Index(trace), DenseIndex(trace) })
        {
            var tracks = TimelineData.SpanTracks(ix).ToList();
            var raws = tracks.ToDictionary(t => t, t => TimelineData.Raw(ix, t));
            long dur = ix.End - ix.Start;
            for (int k = 0; k < 30; k++)
            {
                long width = Math.Max(1, (long)(dur * Math.Pow(10, -rng.NextDouble() * 5)));
                long start = ix.Start - width / 4 + (long)(rng.NextDouble() * dur);
                long end = start + width;
                int pixels = rng.Next(1, 2000);
                long r = Math.Max(1, width / pixels);
                foreach (var id in tracks.Where((_, i) => (i + k) % 4 == 0))
                {
                    CheckSpans(ix, ix.QueryTrack(id, start, end, r), raws[id], start, end, r);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Pyramid_and_raw_spans_give_the_same_totals(string trace)
    {
        var plain = TimelineBuilder.Build(TestData.TracePath(trace), new PyramidOptions { MinRawItems = int.MaxValue });
        var dense = DenseIndex(trace);
        foreach (var id in TimelineData.SpanTracks(plain).Take(60))
        {
            foreach (long r in Resolutions(plain))
            {
                var a = plain.QueryTrack(id, plain.Start, plain.End, r);
                var b = dense.QueryTrack(id, plain.Start, plain.End, r);
                Assert.Equal(a.Spans.Sum(s => (long)s.Count), b.Spans.Sum(s => (long)s.Count));
                Assert.Equal(Times(a), Times(b));
                Assert.True(b.Scanned <= a.Scanned, $"{id} at {r}: pyramid read {b.Scanned}, raw {a.Scanned}");
            }
        }

        static long[] Times(TrackData d)
        {
            var t = new long[d.StateCount];
            foreach (var s in d.Spans)
            {
                if (s.IsMerged) for (int k = 0; k < t.Length; k++) t[k] += d.StateTimes[s.Breakdown + k];
                else t[s.State] += s.Duration;
            }
            return t;
        }
    }

    [Theory]
    [InlineData("annotations.go1.27.trace")]
    [InlineData("annotations.go1.21.trace")]
    [InlineData("gcheavy.go1.27.trace")]
    public void Table_lanes_equal_stored_lanes(string trace)
    {
        var table = TimelineData.Index(trace);
        var stored = DenseIndex(trace);
        var lanes = table.Resolve(TrackSelection.OfKinds(TrackKind.Regions, TrackKind.GoroutineRanges));
        Assert.NotEmpty(lanes);
        Assert.Equal(lanes, stored.Resolve(TrackSelection.OfKinds(TrackKind.Regions, TrackKind.GoroutineRanges)));
        foreach (var id in lanes)
        {
            var a = TimelineData.Raw(table, id);
            var b = TimelineData.Raw(stored, id);
            Assert.Equal(a.Select(x => (x.Start, x.End, x.State, x.Reason, x.Stack, x.Goroutine, x.Ref)),
                b.Select(x => (x.Start, x.End, x.State, x.Reason, x.Stack, x.Goroutine, x.Ref)));
        }
    }

    [Fact]
    public void Query_selects_tracks_and_bounds_the_pixels()
    {
        var ix = TimelineData.Index("blocking.go1.27.trace");
        var all = ix.Query(ix.Start, ix.End, 1000);
        Assert.Equal(ix.TrackList.Count, all.Tracks.Length);
        var some = ix.Query(ix.Start, ix.End, 1000, new TrackSelection { Kinds = [TrackKind.Proc], Tracks = [TrackId.Goroutine(1), TrackId.Goroutine(1)] });
        Assert.Equal(ix.TrackList.Count(t => t.Id.Kind == TrackKind.Proc) + 1, some.Tracks.Length);
        Assert.All(some.Tracks.SkipLast(1), t => Assert.Equal(TrackKind.Proc, t.Track.Kind));
        // A 1 ns resolution over the whole trace is coarsened to MaxPixels.
        var fine = ix.QueryTrack(TrackId.Goroutine(1), ix.Start, ix.End, 1);
        Assert.True(fine.Spans.Length <= 2 * TimelineIndex.MaxPixels + 3);
        Assert.Empty(ix.QueryTrack(new TrackId(TrackKind.Goroutine, 123456789), ix.Start, ix.End, 1000).Spans);
        Assert.Empty(ix.QueryTrack(TrackId.Goroutine(1), ix.End + 10, ix.End + 1000, 1).Spans);
    }

    [Fact]
    public void Concurrent_queries_agree()
    {
        var ix = TimelineData.Index("gcheavy.go1.27.trace");
        long dur = ix.End - ix.Start;
        var windows = Enumerable.Range(0, 64).Select(i => (ix.Start + dur * i / 80, ix.Start + dur * i / 80 + dur / (1 + i))).ToList();
        string Render(TimelineQueryResult q) => string.Join(";", q.Tracks.Select(t =>
            t.Track + ":" + string.Join(",", t.Spans.Select(s => $"{s.Start}-{s.End}/{s.State}/{s.Count}")) + string.Join(",", t.Samples) +
            string.Join(",", t.Instants.Select(i => i.Time + "x" + i.Count))));
        var expected = windows.Select(w => Render(ix.Query(w.Item1, w.Item2, Math.Max(1, (w.Item2 - w.Item1) / 500)))).ToList();
        var got = new string[windows.Count];
        Parallel.For(0, windows.Count, i => got[i] = Render(ix.Query(windows[i].Item1, windows[i].Item2, Math.Max(1, (windows[i].Item2 - windows[i].Item1) / 500))));
        Assert.Equal(expected, got);
    }

    // ---------------------------------------------------------------- counters

    /// <summary>Value of every series of a counter just after <paramref name="t"/> (the last sample of a 1-ns window).</summary>
    private static long[] ValueAt(TimelineIndex ix, CounterKind c, long t)
    {
        var d = ix.QueryTrack(TrackId.Counter(c), t, t + 1, 1);
        var v = new long[d.Series.Length];
        foreach (var s in d.Samples) v[s.Series] = s.Last;
        return v;
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Metric_counters_follow_the_metric_events(string trace)
    {
        var ix = TimelineData.Index(trace);
        var metrics = new List<(long Time, string Name, ulong Value)>();
        using (var f = File.OpenRead(TestData.TracePath(trace)))
        {
            var r = TraceReader.Open(f);
            while (r.TryRead(out var ev))
            {
                if (ev.Kind == EventKind.Metric) metrics.Add((ev.Time, ev.MetricName, ev.MetricValue));
            }
        }
        long heap = 0, goal = 0, procs = 0;
        foreach (var (t, name, value) in metrics)
        {
            if (name == "/memory/classes/heap/objects:bytes") heap = (long)value;
            else if (name == "/gc/heap/goal:bytes") goal = value > 1UL << 50 ? 0 : (long)value;
            else procs = (long)value;
            Assert.Equal([heap, goal], ValueAt(ix, CounterKind.Heap, t));
            Assert.Equal([procs], ValueAt(ix, CounterKind.Gomaxprocs, t));
        }
        // Downsampled: every bucket's envelope holds its last value, and the whole trace's envelope is the metrics'.
        var full = ix.QueryTrack(TrackId.Counter(CounterKind.Heap), ix.Start, ix.End + 1, Math.Max(1, (ix.End - ix.Start) / 50));
        Assert.All(full.Samples, s => Assert.InRange(s.Last, s.Min, s.Max));
        var heaps = metrics.Where(m => m.Name == "/memory/classes/heap/objects:bytes").Select(m => (long)m.Value).ToList();
        if (heaps.Count > 0) Assert.Equal(heaps.Max(), full.Samples.Where(s => s.Series == 0).Max(s => s.Max));
    }

    [Fact]
    public void Gomaxprocs_changes_two_one_two()
    {
        var ix = TimelineData.Index("blocking.go1.27.trace");
        var d = ix.QueryTrack(TrackId.Counter(CounterKind.Gomaxprocs), ix.Start, ix.End + 1, 1000);
        var values = d.Samples.Select(s => s.Last).Where(v => v != 0).ToList();
        var distinct = values.Where((v, i) => i == 0 || values[i - 1] != v).ToList();
        Assert.Equal([2, 1, 2], distinct);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Goroutine_counter_ends_with_the_goroutine_states(string trace)
    {
        var ix = TimelineData.Index(trace);
        long running = 0, runnable = 0, waiting = 0;
        foreach (var g in ix.Goroutines())
        {
            var last = TimelineData.Raw(ix, TrackId.Goroutine(g.Id))[^1];
            switch ((GoroutineState)last.State)
            {
                case GoroutineState.Running or GoroutineState.Syscall or GoroutineState.SyscallBlocked: running++; break;
                case GoroutineState.Runnable: runnable++; break;
                case GoroutineState.Waiting: waiting++; break;
            }
        }
        var v = ValueAt(ix, CounterKind.Goroutines, ix.End);
        Assert.Equal(running, v[0]);
        Assert.Equal(runnable, v[1]);
        Assert.Equal(waiting, v[2] + v[3]);
        // Never negative, and the downsampled envelope agrees with the raw changes.
        long dur = ix.End - ix.Start;
        var raw = ix.QueryTrack(TrackId.Counter(CounterKind.Goroutines), ix.Start, ix.End + 1, 1);
        foreach (long r in new[] { dur / 10, dur / 100, dur / 1000, 20_000 })
        {
            var coarse = ix.QueryTrack(TrackId.Counter(CounterKind.Goroutines), ix.Start, ix.End + 1, Math.Max(1, r));
            Assert.True(coarse.Samples.Length <= 4 * (2 + (dur + 1) / Math.Max(1, r) + 1));
            for (int s = 0; s < 4; s++)
            {
                Assert.All(coarse.Samples.Where(x => x.Series == s), x => Assert.True(x.Min >= 0 && x.Min <= x.Last && x.Last <= x.Max));
                Assert.Equal(raw.Samples.Where(x => x.Series == s).Max(x => x.Max), coarse.Samples.Where(x => x.Series == s).Max(x => x.Max));
                Assert.Equal(raw.Samples.Where(x => x.Series == s).Min(x => x.Min), coarse.Samples.Where(x => x.Series == s).Min(x => x.Min));
                Assert.Equal(raw.Samples.Last(x => x.Series == s).Last, coarse.Samples.Last(x => x.Series == s).Last);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Counter_buckets_finer_than_the_first_level_are_exact(string trace)
    {
        // Windows read from the raw changes (resolutions below the 16 µs first level): every bucket's least, greatest and
        // last value equals what the 1-ns answer (each change on its own) says for the bucket's interval.
        var ix = TimelineData.Index(trace);
        long dur = ix.End - ix.Start;
        int totalChecked = 0;
        foreach (var kind in new[] { CounterKind.Goroutines, CounterKind.Heap, CounterKind.Threads })
        {
            // Windows of 65,536 ns, so that the 1-ns answer is not coarsened (TimelineIndex.MaxPixels).
            foreach (long from in Enumerable.Range(0, 40).Select(k => ix.Start + dur * k / 40))
            {
                long to = from + TimelineIndex.MaxPixels;
                var fine = ix.QueryTrack(TrackId.Counter(kind), from, to, 1).Samples;
                int checkedBuckets = 0;
                foreach (long r in new[] { 97L, 1000L, 16383L })
                {
                    var coarse = ix.QueryTrack(TrackId.Counter(kind), from, to, r).Samples;
                    foreach (var c in coarse.Where(x => x.End > x.Time))
                    {
                        var same = fine.Where(f => f.Series == c.Series).ToList();
                        var inside = same.Where(f => f.Time >= c.Time && f.Time < c.End).ToList();
                        long carry = same.LastOrDefault(f => f.Time < c.Time || (f.Time == c.Time && f.End == f.Time)).Last;
                        // (A bucket holds every series when one of them changed: the others keep their value.)
                        Assert.Equal(inside.Count == 0 ? carry : Math.Min(carry, inside.Min(f => f.Min)), c.Min);
                        Assert.Equal(inside.Count == 0 ? carry : Math.Max(carry, inside.Max(f => f.Max)), c.Max);
                        Assert.Equal(inside.Count == 0 ? carry : inside[^1].Last, c.Last);
                        if (inside.Count > 0) checkedBuckets++;
                    }
                }
                Assert.True(fine.All(f => f.End - f.Time <= 1), "the 1-ns answer is coarsened");
                totalChecked += checkedBuckets;
            }
        }
        Assert.True(totalChecked >= 5, $"{totalChecked} buckets with changes checked");
    }

    // ---------------------------------------------------------------- instants

    [Theory]
    [MemberData(nameof(Traces))]
    public void Cpu_samples_are_all_there_and_bucketed(string trace)
    {
        var ix = TimelineData.Index(trace);
        var samples = new List<(long Time, long G, long P)>();
        using (var f = File.OpenRead(TestData.TracePath(trace)))
        {
            var r = TraceReader.Open(f);
            while (r.TryRead(out var ev))
            {
                if (ev.Kind == EventKind.StackSample) samples.Add((ev.Time, ev.Goroutine, ev.Proc));
            }
        }
        Assert.Equal(samples.Count, ix.TableSizes.Samples);
        var all = new TrackId(TrackKind.CpuSamples, -1);
        foreach (long r in new[] { 1L, 10_000, 1_000_000, ix.End - ix.Start + 1 })
        {
            var d = ix.QueryTrack(all, ix.Start, ix.End + 1, r);
            Assert.Equal(samples.Count, d.Instants.Sum(i => i.Count));
            long pixels = (ix.End + 1 - ix.Start + r - 1) / r;
            Assert.True(d.Instants.Length <= Math.Min(2 * pixels, samples.Count) + 1);
            Assert.All(d.Instants, i => Assert.True(i.Time <= i.End));
        }
        // A sample taken outside any goroutine or P (-1: the scheduler, a thread without one) is only on the
        // all-samples track, whose ID is -1 too.
        foreach (var g in samples.Select(s => s.G).Where(g => g >= 0).Distinct().Take(5))
        {
            var d = ix.QueryTrack(new TrackId(TrackKind.CpuSamples, g), ix.Start, ix.End + 1, 1_000_000);
            Assert.Equal(samples.Count(s => s.G == g), d.Instants.Sum(i => i.Count));
            Assert.All(d.Instants, i => Assert.Equal(g, i.Goroutine));
        }
        foreach (var p in samples.Select(s => s.P).Where(p => p >= 0).Distinct())
        {
            var d = ix.QueryTrack(new TrackId(TrackKind.CpuSamples, p, 1), ix.Start, ix.End + 1, 1_000_000);
            Assert.Equal(samples.Count(s => s.P == p), d.Instants.Sum(i => i.Count));
            Assert.All(d.Instants, i => Assert.Equal(p, i.Proc));
        }
        if (samples.Count > 0)
        {
            var s0 = ix.Sample(0);
            Assert.Equal(samples[0].Time, s0.Time);
            Assert.NotEmpty(ix.Frames(s0.Stack));
        }
    }

    [Fact]
    public void Some_traces_have_cpu_samples()
    {
        Assert.Contains(TestData.AllTraceNames(), t => TimelineData.Index(t).TableSizes.Samples > 0);
    }
}
