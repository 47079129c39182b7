using GoTrace.Analysis.Timeline;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// Tasks, regions, logs and ranges of the timeline against the annotations program (testdata/programs/annotations),
/// the summarizer and the raw stream; and the valid-prefix rule on a damaged trace.
/// </summary>
public class TimelineAnnotationTests
{
    public static TheoryData<string> Traces() => TimelineData.AllTraces();

    public static TheoryData<string> Annotations() => new()
    {
        "annotations.go1.19.trace", "annotations.go1.21.trace", "annotations.go1.22.trace", "annotations.go1.23.trace",
        "annotations.go1.25.trace", "annotations.go1.27.trace",
    };

    [Theory]
    [MemberData(nameof(Annotations))]
    public void Tasks_of_the_annotations_program(string trace)
    {
        var ix = TimelineData.Index(trace);
        var tasks = ix.FindTasks();
        var counts = tasks.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, counts["never-ended"]);
        Assert.Equal(5, counts["server-round"]);
        Assert.Equal(15, counts["request"]);
        Assert.Equal(10, counts["batch"]);
        Assert.False(ix.FindTasks("never-ended").Single().EndKnown);
        // Root tasks: no parent (legacy traces say 0, the background task).
        Assert.All(ix.FindTasks("server-round"), t => Assert.True(t.StartKnown && t.EndKnown && t.Parent is Event.NoTask or 0));
        // Children point at their round; a batch task ends on another goroutine (the finisher).
        var rounds = ix.FindTasks("server-round").ToDictionary(t => t.Id);
        foreach (var t in ix.FindTasks("request").Concat(ix.FindTasks("batch")))
        {
            Assert.True(rounds.ContainsKey(t.Parent), $"task {t.Id} parent {t.Parent}");
            Assert.InRange(t.Start, rounds[t.Parent].Start, rounds[t.Parent].End);
        }
        Assert.All(ix.FindTasks("batch"), t => Assert.NotEqual(t.StartGoroutine, t.EndGoroutine));
        Assert.Equal(tasks[0].Id, ix.TaskById(tasks[0].Id)!.Value.Id);
        Assert.Empty(ix.FindTasks("no such task"));
    }

    [Theory]
    [MemberData(nameof(Annotations))]
    public void Regions_of_the_annotations_program(string trace)
    {
        var ix = TimelineData.Index(trace);
        var regions = ix.FindRegions();
        var counts = regions.GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(15, counts["decode"]);
        Assert.Equal(15, counts["decode.header"]);
        Assert.Equal(15, counts["process"]);
        Assert.Equal(45, counts["process.step"]);
        Assert.Equal(15, counts["encode"]);
        Assert.Equal(10, counts["batch.prepare"]);
        var open = ix.FindRegions("still-open-at-stop").Single();
        Assert.False(open.EndKnown);
        Assert.Equal(ix.End, open.End);
        Assert.All(regions.GroupBy(r => r.Goroutine), g => Assert.Equal(g.Max(r => r.Depth) + 1, ix.Goroutine(g.Key)!.RegionLanes));
        // Nesting: inner regions one lane below, inside their outer region on the same goroutine.
        foreach (var (outer, inner) in new[] { ("decode", "decode.header"), ("process", "process.step") })
        {
            foreach (var r in ix.FindRegions(inner))
            {
                Assert.Equal(1, r.Depth);
                var o = ix.FindRegions(outer, r.Goroutine).Single(x => x.Start <= r.Start && r.End <= x.End);
                Assert.Equal(0, o.Depth);
                Assert.Equal(o.Task, r.Task);
            }
        }
        // The lanes draw them: each region is a Range span on its goroutine's lane at its depth.
        foreach (var r in regions)
        {
            var s = ix.SpanAt(new TrackId(TrackKind.Regions, r.Goroutine, r.Depth), r.Start);
            Assert.NotNull(s);
            Assert.Equal((byte)RangeState.Range, s.Value.State);
            Assert.Equal(r.Index, s.Value.Ref);
            Assert.Equal(r.Name, ix.String(s.Value.Reason));
            Assert.Equal((r.Start, r.End), (s.Value.Start, s.Value.End));
        }
        // Tasks of requests own their regions.
        var requestIds = ix.FindTasks("request").Select(t => t.Id).ToHashSet();
        Assert.All(ix.FindRegions("decode"), r => Assert.Contains(r.Task, requestIds));
    }

    [Theory]
    [MemberData(nameof(Annotations))]
    public void Logs_of_the_annotations_program(string trace)
    {
        var ix = TimelineData.Index(trace);
        Assert.Equal(15, ix.FindLogs("request-id").Count);
        Assert.Equal(15, ix.FindLogs("request done").Count);
        Assert.Equal(45, ix.FindLogs().Count(l => l.Category == "step"));
        var bg = ix.FindLogs("no task: background log").Single();
        Assert.Equal("main", bg.Category);
        Assert.Equal(0UL, bg.Task);
        Assert.Contains("main.main", ix.Frames(bg.Stack).Select(f => f.Function));
        var all = ix.QueryTrack(new TrackId(TrackKind.Logs, -1), ix.Start, ix.End + 1, 1);
        Assert.Equal(ix.TableSizes.Logs, all.Instants.Length);
        Assert.Equal("no task: background log", ix.String(all.Instants.First(i => ix.Log((int)i.Index).Category == "main").Text));
        Assert.Equal(ix.TableSizes.Logs, ix.QueryTrack(new TrackId(TrackKind.Logs, -1), ix.Start, ix.End + 1, (ix.End - ix.Start) / 10 + 1).Instants.Sum(i => i.Count));
        var hits = ix.Search(SearchKind.Log, ix.Start, ix.End + 1, "round");
        Assert.Equal(5, hits.Count(h => ix.Log((int)h.Index).Category == "round"));
        Assert.Contains(hits, h => h.Text == "no task: background log"); // back-g-round
        Assert.Equal(ix.FindRegions("process.step").Count, ix.Search(SearchKind.Region, ix.Start, ix.End + 1, "process.step", 1000).Count);
        Assert.Equal(15, ix.Search(SearchKind.Task, ix.Start, ix.End + 1, "request", 1000).Count);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Named_regions_and_tasks_agree_with_the_summarizer(string trace)
    {
        var ix = TimelineData.Index(trace);
        var sum = GoldenPages.Summary(trace);
        var ours = ix.FindRegions().Select(r => (r.Goroutine, r.Name, Start: r.StartKnown ? r.Start : -1, End: r.EndKnown ? r.End : -1))
            .Order().ToList();
        var go = sum.Goroutines.Values.SelectMany(g => g.Regions.Where(r => r.Name.Length > 0 && (r.Start is not null || r.End is not null))
                .Select(r => (g.Id, r.Name, Start: r.Start?.Time ?? -1, End: r.End?.Kind == EventKind.RegionEnd ? r.End.Value.Time : -1)))
            .Order().ToList();
        // Go drops the open regions of system goroutines at the end; we keep them.
        Assert.Equal(go, ours.Where(r => r.End >= 0 || go.Contains(r)).ToList());
        foreach (var t in sum.Tasks.Values.Where(t => t.Start is not null || t.End is not null))
        {
            var mine = ix.TaskById(t.Id);
            Assert.NotNull(mine);
            Assert.Equal(t.Name, mine.Value.Name);
            Assert.Equal(t.Start?.Time ?? ix.Start, mine.Value.Start);
            Assert.Equal(t.End?.Time ?? ix.End, mine.Value.End);
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Ranges_follow_the_stream(string trace)
    {
        var ix = TimelineData.Index(trace);
        var sum = GoldenPages.Summary(trace);
        var gc = ix.FindRanges("GC concurrent mark phase");
        Assert.Equal(sum.GcCycles.Select(c => (c.Start, c.End)), gc.Select(r => (Math.Max(r.Start, ix.Start), Math.Min(r.End, ix.End))));
        var stwBegins = 0;
        var assists = new HashSet<long>();
        using (var f = File.OpenRead(TestData.TracePath(trace)))
        {
            var r = TraceReader.Open(f);
            while (r.TryRead(out var ev))
            {
                if (ev.Kind == EventKind.RangeBegin && ev.RangeName.StartsWith("stop-the-world", StringComparison.Ordinal)) stwBegins++;
                if (ev.Kind is EventKind.RangeBegin or EventKind.RangeActive && ev.RangeName == "GC mark assist") assists.Add(ev.RangeScopeId);
            }
        }
        var stw = ix.Search(SearchKind.Range, ix.Start, ix.End + 1, "stop-the-world", 100_000);
        Assert.Equal(stwBegins, stw.Count(h => ix.Range((int)h.Index).StartKnown));
        Assert.All(stw, h => Assert.Equal((byte)RangeState.Range, ix.SpanAt(new TrackId(TrackKind.Stw, 0, 0), h.Time)?.State ?? 255));
        foreach (long g in assists)
        {
            Assert.True(ix.Goroutine(g)!.RangeLanes > 0);
        }
        foreach (var r in ix.FindRanges("GC mark assist").Take(50))
        {
            var s = ix.SpanAt(new TrackId(TrackKind.GoroutineRanges, r.ScopeId, ix.Search(SearchKind.Range, r.Start, r.Start + 1, "GC mark assist", 1000)
                .First(h => h.Index == r.Index).Track.Lane), r.Start);
            Assert.NotNull(s);
            Assert.Equal((byte)RangeState.Range, s.Value.State);
            Assert.Equal(r.Index, s.Value.Ref);
        }
        foreach (var r in ix.FindRanges("GC incremental sweep").Take(50))
        {
            var s = ix.SpanAt(new TrackId(TrackKind.ProcRanges, r.ScopeId, 0), r.Start);
            Assert.NotNull(s);
        }
    }

    [Fact]
    public void Gc_heavy_trace_has_mark_assists_and_gc_waiting()
    {
        var ix = TimelineData.Index("gcheavy.go1.27.trace");
        Assert.NotEmpty(ix.FindRanges("GC mark assist"));
        Assert.NotEmpty(ix.FindRanges("GC concurrent mark phase"));
        Assert.Contains(ix.TrackList, t => t.Id.Kind == TrackKind.Gc);
        Assert.Contains(ix.TrackList, t => t.Id.Kind == TrackKind.Stw);
    }

    /// <summary>A trace cut in the middle: the index holds exactly the valid prefix (up to the last Sync), as Go's timeline.</summary>
    [Theory]
    [InlineData("blocking.go1.27.trace", 0.55)]
    [InlineData("annotations.go1.27.trace", 0.6)]
    [InlineData("gcheavy.go1.25.trace", 0.7)]
    public void A_damaged_trace_keeps_its_valid_prefix(string trace, double keep)
    {
        var full = TimelineData.Index(trace);
        var bytes = File.ReadAllBytes(TestData.TracePath(trace));
        var b = new TimelineBuilder();
        var pass = TracePass.Run(new MemoryStream(bytes, 0, (int)(bytes.Length * keep)), [b]);
        Assert.NotNull(pass.Error);
        var ix = b.Result;
        Assert.Equal(pass.EndTime, ix.End);
        Assert.True(ix.End < full.End);
        Assert.Equal(full.Goroutines().Count(g => g.FirstSeen < ix.End), ix.GoroutineCount);
        foreach (var id in TimelineData.SpanTracks(ix).Where(t => t.Kind is TrackKind.Goroutine or TrackKind.Proc or TrackKind.Thread))
        {
            var cut = TimelineData.Raw(ix, id);
            var whole = TimelineData.Raw(full, id).Where(s => s.Start < ix.End).ToList();
            Assert.Equal(whole.Count, cut.Count);
            for (int i = 0; i < cut.Count; i++)
            {
                var w = whole[i];
                if (i == cut.Count - 1) w.End = ix.End;
                Assert.Equal((w.Start, w.End, w.State, w.Reason, w.Stack, w.Goroutine), (cut[i].Start, cut[i].End, cut[i].State, cut[i].Reason, cut[i].Stack, cut[i].Goroutine));
            }
        }
        Assert.All(ix.FindRegions(), r => Assert.True(r.Start < ix.End && r.End <= ix.End));
        Assert.All(ix.FindTasks(), t => Assert.True(t.Start < ix.End && t.End <= ix.End));
        Assert.All(ix.FindLogs(), l => Assert.True(l.Time < ix.End));
        Assert.Equal(full.FindLogs().Count(l => l.Time < ix.End), ix.FindLogs().Count);
        var v = ix.QueryTrack(TrackId.Counter(CounterKind.Goroutines), ix.Start, ix.End + 1, 1);
        Assert.All(v.Samples, s => Assert.True(s.Time < ix.End || s.Time == s.End));
    }
}
