using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using GoTrace.Analysis.Summary;
using GoTrace.Analysis.Timeline;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>Indexes of the committed traces, built once per test run.</summary>
internal static class TimelineData
{
    private static readonly ConcurrentDictionary<string, TimelineIndex> Cache = new();

    public static TimelineIndex Index(string trace) => Cache.GetOrAdd(trace, t => TimelineBuilder.Build(TestData.TracePath(t)));

    public static TheoryData<string> AllTraces() => TestData.AllTraces();

    /// <summary>Traces of the modern formats (Go 1.22+).</summary>
    public static TheoryData<string> ModernTraces()
    {
        var d = new TheoryData<string>();
        foreach (var t in TestData.AllTraceNames())
        {
            if (TraceHeader.IsModern(TestData.HeaderVersion(TestData.TracePath(t)))) d.Add(t);
        }
        return d;
    }

    /// <summary>Every span track of an index, the goroutines' region and range lanes included.</summary>
    public static IEnumerable<TrackId> SpanTracks(TimelineIndex ix) =>
        ix.TrackList.Select(t => t.Id).Where(id => id.Kind is not (TrackKind.Counter or TrackKind.CpuSamples or TrackKind.Logs))
            .Concat(ix.Resolve(TrackSelection.OfKinds(TrackKind.Regions, TrackKind.GoroutineRanges)));

    /// <summary>All raw spans of a track.</summary>
    public static List<TimelineSpan> Raw(TimelineIndex ix, TrackId id) => ix.RawSpans(id, ix.Start, ix.End + 1, int.MaxValue);

    /// <summary>
    /// Spans of the goroutine's last life: Go's summary keeps only the latest goroutine of an ID (cgo callback
    /// goroutines are created and destroyed with the same ID on every callback), the track holds them all.
    /// </summary>
    public static List<TimelineSpan> LastLife(TimelineIndex ix, GoroutineInfo g)
    {
        var spans = Raw(ix, TrackId.Goroutine(g.Id));
        return g.CreationTime < 0 ? spans : spans.Where(s => s.Start >= g.CreationTime).ToList();
    }

    /// <summary>Time per state of raw spans.</summary>
    public static long[] Totals(IEnumerable<TimelineSpan> spans, int states)
    {
        var t = new long[states];
        foreach (var s in spans) t[s.State] += s.End - s.Start;
        return t;
    }
}

/// <summary>
/// The goroutine, proc and thread tracks of the timeline index against independent figures: Go's goroutine pages
/// (execution time per goroutine, as <c>go tool trace</c> printed it), the summarizer, and the raw event stream.
/// </summary>
public class TimelineTests
{
    public static TheoryData<string> Traces() => TimelineData.AllTraces();
    public static TheoryData<string> Modern() => TimelineData.ModernTraces();

    [Theory]
    [MemberData(nameof(Traces))]
    public void Span_tracks_are_contiguous_and_cover_the_trace(string trace)
    {
        var ix = TimelineData.Index(trace);
        Assert.True(ix.End > ix.Start);
        int tracks = 0;
        foreach (var id in TimelineData.SpanTracks(ix))
        {
            var spans = TimelineData.Raw(ix, id);
            Assert.NotEmpty(spans);
            Assert.Equal(ix.Start, spans[0].Start);
            Assert.Equal(ix.End, spans[^1].End);
            for (int i = 0; i < spans.Count; i++)
            {
                Assert.Equal(i, spans[i].Index);
                Assert.Equal(1, spans[i].Count);
                Assert.True(spans[i].Start <= spans[i].End, $"{id} span {i}");
                if (i > 0) Assert.Equal(spans[i - 1].End, spans[i].Start);
            }
            tracks++;
        }
        Assert.True(tracks >= ix.GoroutineCount);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Running_time_per_goroutine_equals_Gos_goroutine_pages(string trace)
    {
        var ix = TimelineData.Index(trace);
        int compared = 0;
        foreach (var (url, page) in GoldenPages.Pages(trace, "/goroutine?"))
        {
            if (url.Contains("sortby=", StringComparison.Ordinal)) continue;
            var (breakdown, _) = GoldenPages.DetailTables(page);
            int col = GoldenPages.StatHeaders(breakdown).IndexOf("Execution time");
            Assert.True(col >= 0, url);
            foreach (var row in GoldenPages.Rows(breakdown))
            {
                var cells = GoldenPages.Cells(row);
                long id = long.Parse(Regex.Match(cells[0], "goid=(\\d+)").Groups[1].Value);
                var g = ix.Goroutine(id);
                Assert.NotNull(g);
                var all = TimelineData.Raw(ix, TrackId.Goroutine(id)).Where(s => s.State == (byte)GoroutineState.Running).Sum(s => s.Duration);
                Assert.Equal(all, g.ExecTime);
                var running = TimelineData.LastLife(ix, g).Where(s => s.State == (byte)GoroutineState.Running).Sum(s => s.Duration);
                Assert.Equal(cells[3 + col].Trim(), GoFormat.Duration(running));
                compared++;
            }
        }
        Assert.True(compared > 0);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Goroutine_states_agree_with_the_summarizer(string trace)
    {
        var ix = TimelineData.Index(trace);
        var sum = GoldenPages.Summary(trace);
        Assert.Equal(sum.Goroutines.Count, ix.GoroutineCount);
        foreach (var gs in sum.Goroutines.Values)
        {
            var g = ix.Goroutine(gs.Id);
            Assert.NotNull(g);
            Assert.Equal(gs.Name, g.Name);
            var spans = TimelineData.LastLife(ix, g);
            var st = gs.Stats;
            var t = TimelineData.Totals(spans, 7);
            long exec = t[(int)GoroutineState.Running], sys = t[(int)GoroutineState.Syscall], sysBlocked = t[(int)GoroutineState.SyscallBlocked];
            string who = $"goroutine {gs.Id} ({gs.Name}), spans "
                + string.Join(" ", spans.Take(12).Select(s => $"{(GoroutineState)s.State}@{s.Start}+{s.Duration}"));
            Assert.True(st.ExecTime == exec, $"{who}: Go's execution time {st.ExecTime}, timeline {exec}");
            // A syscall pending at the end: Go counts all of it as execution (and the blocked part again as sched wait).
            Assert.True(st.SyscallTime + st.SyscallBlockTime == sys + sysBlocked,
                $"{who}: Go's syscall time {st.SyscallTime} + {st.SyscallBlockTime} blocked, timeline {sys} + {sysBlocked}");
            // First seen in a syscall without a P (blocked in it since before the trace or the generation): the
            // timeline shows it blocked until it leaves the syscall; Go's summarizer counts it blocked only until its
            // first event and as executing the syscall after that (no P went idle under it).
            bool firstSeenBlockedInSyscall = spans[0].State == (byte)GoroutineState.SyscallBlocked && g.CreationTime < 0;
            if (spans[^1].State != (byte)GoroutineState.SyscallBlocked)
            {
                if (firstSeenBlockedInSyscall)
                    Assert.True(st.SyscallBlockTime > 0 && st.SyscallBlockTime < sysBlocked, $"{who}: Go's syscall block time {st.SyscallBlockTime}, timeline {sysBlocked}");
                else
                    Assert.True(st.SyscallBlockTime == sysBlocked, $"{who}: Go's syscall block time {st.SyscallBlockTime}, timeline {sysBlocked}");
                Assert.True(st.SchedWaitTime == t[(int)GoroutineState.Runnable],
                    $"{who}: Go's scheduler wait {st.SchedWaitTime}, timeline {t[(int)GoroutineState.Runnable]}");
            }
            // Block time by reason ("created" = created blocked, which Go counts with the empty reason); a goroutine
            // blocked "forever" is finalized by Go at that point.
            var byReason = spans.Where(s => s.State == (byte)GoroutineState.Waiting && ix.String(s.Reason) != "forever")
                .GroupBy(s => ix.String(s.Reason) == "created" ? "" : ix.String(s.Reason)).ToDictionary(x => x.Key, x => x.Sum(s => s.Duration));
            foreach (var (reason, ns) in st.BlockTimeByReason)
            {
                if (reason == "forever") continue;
                Assert.Equal(ns, byReason.GetValueOrDefault(reason));
            }
            Assert.Equal(st.BlockTimeByReason.Where(kv => kv.Key != "forever").Sum(kv => kv.Value), byReason.Values.Sum());
            Assert.Equal(gs.CreationTime, g.CreationTime >= 0 ? g.CreationTime : g.FirstSeen);
            Assert.Equal(gs.EndTime, Math.Max(0, g.EndTime));
        }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Procs_run_exactly_what_the_goroutines_ran_on_them(string trace)
    {
        var ix = TimelineData.Index(trace);
        var perProc = new Dictionary<long, long>();
        foreach (var g in ix.Goroutines())
        {
            foreach (var s in TimelineData.Raw(ix, TrackId.Goroutine(g.Id)))
            {
                if (s.State == (byte)GoroutineState.Running) perProc[s.Proc] = perProc.GetValueOrDefault(s.Proc) + s.Duration;
            }
        }
        foreach (var t in ix.TrackList.Where(t => t.Id.Kind == TrackKind.Proc))
        {
            var spans = TimelineData.Raw(ix, t.Id);
            Assert.Equal(perProc.GetValueOrDefault(t.Id.Id), spans.Where(s => s.State == (byte)ProcActivity.Running).Sum(s => s.Duration));
            Assert.All(spans.Where(s => s.State == (byte)ProcActivity.Running), s => Assert.True(s.Goroutine >= 0));
        }
        Assert.Equal(0, perProc.GetValueOrDefault(-1));
    }

    [Theory]
    [MemberData(nameof(Modern))]
    public void Threads_execute_exactly_what_the_goroutines_executed(string trace)
    {
        var ix = TimelineData.Index(trace);
        long goExec = 0, thExec = 0;
        foreach (var g in ix.Goroutines())
        {
            goExec += TimelineData.Raw(ix, TrackId.Goroutine(g.Id)).Where(s => s.State is (byte)GoroutineState.Running
                or (byte)GoroutineState.Syscall or (byte)GoroutineState.SyscallBlocked).Sum(s => s.Duration);
        }
        foreach (var t in ix.TrackList.Where(t => t.Id.Kind == TrackKind.Thread))
        {
            thExec += TimelineData.Raw(ix, t.Id).Where(s => s.State != (byte)ThreadActivity.Idle).Sum(s => s.Duration);
        }
        Assert.Equal(goExec, thExec);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Unblock_links_point_at_real_GoUnblock_events(string trace)
    {
        var ix = TimelineData.Index(trace);
        // The raw stream: every Waiting->Runnable transition, by (time, goroutine).
        var unblocks = new Dictionary<(long, long), (long By, string[] Stack)>();
        using (var f = File.OpenRead(TestData.TracePath(trace)))
        {
            var r = TraceReader.Open(f);
            while (r.TryRead(out var ev))
            {
                if (ev.Kind == EventKind.StateTransition && ev.TransitionResource == ResourceKind.Goroutine
                    && ev.GoFrom == GoState.Waiting && ev.GoTo == GoState.Runnable)
                {
                    unblocks[(ev.Time, ev.TransitionId)] = (ev.Goroutine, ev.Stack.Select(s => s.Function).ToArray());
                }
            }
        }
        int links = 0;
        foreach (var g in ix.Goroutines())
        {
            var spans = TimelineData.Raw(ix, TrackId.Goroutine(g.Id));
            for (int i = 0; i < spans.Count; i++)
            {
                var u = ix.Unblocker(g.Id, i);
                if (spans[i].State != (byte)GoroutineState.Waiting || i + 1 == spans.Count || spans[i + 1].State != (byte)GoroutineState.Runnable)
                {
                    Assert.Null(u);
                    continue;
                }
                Assert.NotNull(u);
                Assert.True(unblocks.TryGetValue((u.Value.Time, g.Id), out var ev), $"G{g.Id} span {i}: no GoUnblock at {u.Value.Time}");
                Assert.Equal(spans[i].End, u.Value.Time);
                Assert.Equal(ev.By, u.Value.By);
                Assert.Equal(ev.Stack, ix.Frames(u.Value.Stack).Select(s => s.Function).ToArray());
                links++;
            }
        }
        Assert.Equal(unblocks.Count, links);
    }

    [Theory]
    [InlineData("blocking.go1.22.trace")]
    [InlineData("blocking.go1.23.trace")]
    [InlineData("blocking.go1.25.trace")]
    [InlineData("blocking.go1.27.trace")]
    [InlineData("blocking.go1.21.trace")]
    public void Mutex_waiters_are_unblocked_by_Mutex_Unlock(string trace)
    {
        var ix = TimelineData.Index(trace);
        var contenders = ix.Goroutines(GoroutineOrder.Id, group: "main.lockContender");
        Assert.Equal(12, contenders.Count); // 4 per phase, 3 phases
        int byUnlock = 0, waits = 0;
        foreach (var g in contenders)
        {
            var spans = TimelineData.Raw(ix, TrackId.Goroutine(g.Id));
            for (int i = 0; i < spans.Count; i++)
            {
                if (spans[i].State != (byte)GoroutineState.Waiting || ix.String(spans[i].Reason) != "sync") continue;
                var stacks = ix.GoroutineStacks(g.Id, i)!.Value;
                var blocked = ix.Frames(stacks.Goroutine).Select(f => f.Function).ToList();
                if (!blocked.Contains("main.lockContender") || !blocked.Any(f => f.StartsWith("sync.(*Mutex).Lock", StringComparison.Ordinal))) continue;
                waits++;
                var u = ix.Unblocker(g.Id, i);
                Assert.NotNull(u);
                var by = ix.Frames(u.Value.Stack).Select(f => f.Function).ToList();
                if (by.Contains("sync.(*Mutex).Unlock") || by.Contains("sync.(*Mutex).unlockSlow"))
                {
                    byUnlock++;
                    Assert.Equal("main.lockContender", ix.Goroutine(u.Value.By)!.Name);
                    Assert.True(u.Value.Proc >= 0);
                }
            }
        }
        Assert.True(waits > 10, $"{waits} mutex waits");
        Assert.True(byUnlock >= waits * 9 / 10, $"{byUnlock} of {waits} mutex waits ended by Unlock");
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Creation_and_names_follow_the_stream(string trace)
    {
        var ix = TimelineData.Index(trace);
        foreach (var g in ix.Goroutines())
        {
            var spans = TimelineData.Raw(ix, TrackId.Goroutine(g.Id));
            Assert.Equal(g.FirstSeen, spans.First(s => s.State != (byte)GoroutineState.NotSeen).Start);
            if (g.CreationTime < 0) continue;
            // The last creation (an ID can be reused: cgo callbacks).
            var first = spans.Single(s => s.Start == g.CreationTime && s.State != (byte)GoroutineState.NotSeen && s.State != (byte)GoroutineState.Dead);
            if (first.State != (byte)GoroutineState.Syscall)
            {
                Assert.Equal("created", ix.String(first.Reason));
                Assert.Equal(g.Creator, first.Goroutine);
                Assert.Equal(g.CreationStack, first.Stack);
            }
            var start = ix.Frames(g.StartStack);
            if (start.Length > 0 && g.Name.Length > 0) Assert.Equal(g.Name, start[^1].Function);
            // The first run resumes at the start function.
            var run = spans.FirstOrDefault(s => s.State == (byte)GoroutineState.Running && s.Start > g.CreationTime);
            if (run.Count == 1 && first.State == (byte)GoroutineState.Runnable) Assert.Equal(g.StartStack, run.Stack);
        }
    }

    [Fact]
    public void Goroutine_lists_group_and_sort()
    {
        var ix = TimelineData.Index("blocking.go1.27.trace");
        var byExec = ix.Goroutines(GoroutineOrder.ExecTime);
        Assert.Equal(ix.GoroutineCount, byExec.Count);
        for (int i = 1; i < byExec.Count; i++) Assert.True(byExec[i - 1].ExecTime >= byExec[i].ExecTime);
        foreach (var order in new[] { GoroutineOrder.ExecTime, GoroutineOrder.BlockTime, GoroutineOrder.SchedWaitTime, GoroutineOrder.SyscallTime })
        {
            // The heap (few results) and the full sort agree, ties by ID.
            var all = ix.Goroutines(order, null, null, 0, int.MaxValue, heapLimit: 0).Select(g => g.Id).ToList();
            Assert.Equal(all, ix.Goroutines(order).Select(g => g.Id));
            Assert.Equal(all.Skip(3).Take(10), ix.Goroutines(order, offset: 3, limit: 10).Select(g => g.Id));
            Func<GoroutineInfo, long> key = order switch
            {
                GoroutineOrder.ExecTime => g => g.ExecTime,
                GoroutineOrder.BlockTime => g => g.BlockTime,
                GoroutineOrder.SchedWaitTime => g => g.SchedWaitTime,
                _ => g => g.SyscallTime,
            };
            Assert.Equal(ix.Goroutines().OrderByDescending(key).ThenBy(g => g.Id).Select(g => g.Id), all);
        }
        var byBlock = ix.Goroutines(GoroutineOrder.BlockTime);
        for (int i = 1; i < byBlock.Count; i++) Assert.True(byBlock[i - 1].BlockTime >= byBlock[i].BlockTime);
        var byGroup = ix.Goroutines(GoroutineOrder.Group);
        for (int i = 1; i < byGroup.Count; i++) Assert.True(string.CompareOrdinal(byGroup[i - 1].Name, byGroup[i].Name) <= 0);
        var groups = ix.GoroutineGroups();
        Assert.Equal(ix.GoroutineCount, groups.Sum(g => g.Count));
        Assert.Equal(180, groups.Single(g => g.Name == "main.shortLived").Count); // 3 bursts of 20, 3 phases
        Assert.Equal(12, ix.Goroutines(nameContains: "lockcontender").Count);
        Assert.Equal(byExec.Skip(5).Take(7).Select(g => g.Id), ix.Goroutines(GoroutineOrder.ExecTime, offset: 5, limit: 7).Select(g => g.Id));
        var sum = GoldenPages.Summary("blocking.go1.27.trace");
        Assert.Equal(sum.Goroutines.Values.Where(g => g.Name == "main.chanSender").Sum(g => g.Stats.ExecTime),
            groups.Single(g => g.Name == "main.chanSender").ExecTime);
    }

    [Fact]
    public void Long_goroutine_lists_are_kept_for_the_next_page_and_give_the_same_pages()
    {
        var fresh = TimelineBuilder.Build(TestData.TracePath("blocking.go1.27.trace"));
        var cached = TimelineBuilder.Build(TestData.TracePath("blocking.go1.27.trace"));
        cached.ListCacheMinLength = 1;   // every list counts as long
        foreach (var order in Enum.GetValues<GoroutineOrder>())
            foreach (var group in new string?[] { null, "main.shortLived" })
                foreach (var name in new string?[] { null, "main." })
                {
                    if (order == GoroutineOrder.Id && group is null && name is null) continue;   // paged directly, never cached
                    var want = fresh.Goroutines(order, group, name).Select(g => g.Id).ToList();
                    for (int rep = 0; rep < 2; rep++)   // the first call computes and keeps, the second reads
                        for (int off = 0; off < want.Count + 5; off += 7)
                            Assert.Equal(want.Skip(off).Take(7), cached.Goroutines(order, group, name, off, 7).Select(g => g.Id));
                }
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Lookups_agree_with_the_spans(string trace)
    {
        var ix = TimelineData.Index(trace);
        var rng = new Random(trace.Length);
        foreach (var id in TimelineData.SpanTracks(ix).Where((_, i) => i % 3 == 0))
        {
            var spans = TimelineData.Raw(ix, id);
            for (int k = 0; k < 5; k++)
            {
                int i = rng.Next(spans.Count);
                var s = ix.Span(id, i);
                Assert.NotNull(s);
                Assert.Equal(spans[i].Start, s.Value.Start);
                Assert.Equal(spans[i].End, s.Value.End);
                Assert.Equal(spans[i].State, s.Value.State);
                Assert.Equal(spans[i].Reason, s.Value.Reason);
                long t = spans[i].Start + (spans[i].End - spans[i].Start) / 2;
                var at = ix.SpanAt(id, t);
                Assert.NotNull(at);
                Assert.True(at.Value.Start <= t && (t < at.Value.End || at.Value.Start == at.Value.End || t == ix.End));
            }
            Assert.Null(ix.Span(id, spans.Count));
            Assert.Null(ix.SpanAt(id, ix.Start - 1));
        }
    }

    [Fact]
    public void Goroutine_stacks_at_a_span()
    {
        var ix = TimelineData.Index("blocking.go1.27.trace");
        var g = ix.Goroutines(group: "main.chanSender")[0];
        var spans = TimelineData.Raw(ix, TrackId.Goroutine(g.Id));
        int i = spans.FindIndex(s => s.State == (byte)GoroutineState.Waiting && ix.String(s.Reason) == "chan send");
        Assert.True(i > 0);
        var st = ix.GoroutineStacks(g.Id, i)!.Value;
        Assert.Equal(spans[i].Stack, st.Goroutine);
        Assert.Contains("main.chanSender", ix.Frames(st.Goroutine).Select(f => f.Function));
        // The Running span before the block ended with the block's stack; the Running span after resumes there.
        Assert.Equal((byte)GoroutineState.Running, spans[i - 1].State);
        Assert.Equal(spans[i].Stack, ix.GoroutineStacks(g.Id, i - 1)!.Value.End);
        int next = spans.FindIndex(i, s => s.State == (byte)GoroutineState.Running);
        Assert.Equal(spans[i].Stack, spans[next].Stack);
        Assert.Equal(spans[i].Stack, ix.GoroutineStacks(g.Id, next - 1)!.Value.Goroutine);
    }

    [Fact]
    public void Search_finds_blocks_by_reason_in_time_order()
    {
        var ix = TimelineData.Index("blocking.go1.27.trace");
        var hits = ix.Search(SearchKind.GoBlock, ix.Start, ix.End, "chan send", limit: 50);
        Assert.Equal(50, hits.Count);
        for (int i = 1; i < hits.Count; i++) Assert.True(hits[i - 1].Time <= hits[i].Time);
        foreach (var h in hits)
        {
            var s = ix.Span(h.Track, h.Index)!.Value;
            Assert.Equal((byte)GoroutineState.Waiting, s.State);
            Assert.Equal("chan send", ix.String(s.Reason));
            Assert.Equal(h.Time, s.Start);
        }
        var creates = ix.Search(SearchKind.GoCreate, ix.Start, ix.End, limit: 10_000);
        Assert.Equal(ix.Goroutines().Count(g => g.CreationTime >= 0), creates.Count);
        var mid = ix.Start + (ix.End - ix.Start) / 2;
        Assert.All(ix.Search(SearchKind.GoUnblock, mid, mid + 1_000_000), h => Assert.InRange(h.Time, mid, mid + 1_000_000 - 1));
        Assert.NotEmpty(ix.Search(SearchKind.GoStop, ix.Start, ix.End, "Gosched"));
        Assert.NotEmpty(ix.Search(SearchKind.GoEnd, ix.Start, ix.End));
    }
}
