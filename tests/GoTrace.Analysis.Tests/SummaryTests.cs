using System.Text;
using GoTrace.Analysis.Summary;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// The summarizer's rules on hand-built event streams (the quirks of Go's <c>src/internal/trace/summary.go</c>
/// that the committed traces do not all exercise), and checks over every committed trace.
/// </summary>
public class SummaryTests
{
    /// <summary>Builds events the way the ordering delivers them (wire type, states, arguments).</summary>
    private sealed class Feeder
    {
        public readonly GenerationData Gen = new();
        public readonly Summarizer S = new();
        private readonly Dictionary<string, ulong> _strings = [];
        private long _last;

        public ulong Str(string s)
        {
            if (!_strings.TryGetValue(s, out var id))
            {
                id = (ulong)_strings.Count + 1;
                _strings[s] = id;
                Gen.Strings[id] = Encoding.UTF8.GetBytes(s);
            }
            return id;
        }

        public void Feed(Event ev)
        {
            ev.Generation ??= Gen;
            ev.Thread = 1;
            _last = ev.Time;
            S.OnEvent(in ev);
        }

        public void Sync(long t) => Feed(new Event { Kind = EventKind.Sync, Type = Ev.SyncMarker, Time = t, Goroutine = -1, Proc = -1, Extra = 1 });

        public void Go(byte type, long t, long goid, GoState from, GoState to, long ctxG = -1, long p = 0, ulong a0 = 0) =>
            Feed(new Event
            {
                Kind = EventKind.StateTransition, Type = type, Time = t, Goroutine = ctxG, Proc = p,
                OldState = (byte)from, NewState = (byte)to, A0 = a0 != 0 ? a0 : (ulong)goid,
            });

        public void Status(long t, long goid, GoState to, long p = 0) => Go(Ev.GoStatus, t, goid, GoState.Undetermined, to, -1, p);

        /// <summary>A one-frame stack whose function is <paramref name="func"/>; returns its ID.</summary>
        public ulong Stack(string func)
        {
            ulong id = (ulong)Gen.Stacks.Count + 1, pc = 0x1000 * id;
            Gen.Pcs[pc] = new GenerationData.FrameRecord(Str(func), Str("x.go"), 1);
            Gen.Stacks[id] = [pc];
            return id;
        }

        /// <summary>A status event with the goroutine's stack (names it).</summary>
        public void StatusStack(long t, long goid, GoState to, string func) => Feed(new Event
        {
            Kind = EventKind.StateTransition, Type = Ev.GoStatusStack, Time = t, Goroutine = -1, Proc = 0,
            OldState = (byte)GoState.Undetermined, NewState = (byte)to, A0 = (ulong)goid, A3 = Stack(func),
        });

        public void Block(long t, long goid, string reason) =>
            Go(Ev.GoBlock, t, goid, GoState.Running, GoState.Waiting, goid, 0, Str(reason));

        public void ProcIdle(long t, long proc) => Feed(new Event
        {
            Kind = EventKind.StateTransition, Type = Ev.ProcSteal, Time = t, Goroutine = -1, Proc = -1,
            OldState = (byte)ProcState.Running, NewState = (byte)ProcState.Idle, A0 = (ulong)proc,
        });

        public void Region(bool begin, long t, long goid, string name, ulong task = 0) => Feed(new Event
        {
            Kind = begin ? EventKind.RegionBegin : EventKind.RegionEnd, Type = begin ? Ev.UserRegionBegin : Ev.UserRegionEnd,
            Time = t, Goroutine = goid, Proc = 0, A0 = task, A1 = Str(name),
        });

        public void Range(EventKind kind, byte type, long t, long goid, long proc) => Feed(new Event
        {
            Kind = kind, Type = type, Time = t, Goroutine = goid, Proc = proc, A0 = (ulong)proc,
        });

        public TraceSummary End()
        {
            S.Complete(new PassEnd(100, _last, _last, 0, 0, null, 0));
            return S.Result;
        }
    }

    [Fact]
    public void A_blocked_syscall_pending_at_trace_end_is_double_counted_as_in_Go_and_corrected_separately()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(110, 1, GoState.Running);                                             // exec 100..120 (back-filled from the Sync)
        s.Go(Ev.GoSyscallBegin, 120, 1, GoState.Running, GoState.Syscall, ctxG: 1, p: 0);
        s.ProcIdle(150, 0);                                                           // the P is taken: blocked from 150
        s.Sync(200);                                                                  // trace end, still in the syscall
        var g = s.End().Goroutines[1].Stats;

        // Go's figures (spec §2.6.2): the whole syscall is "syscall execution" AND its blocked part is "sched wait".
        Assert.Equal((20L, 80L, 50L, 0L, 100L), (g.ExecTime, g.SyscallTime, g.SchedWaitTime, g.SyscallBlockTime, g.TotalTime));
        Assert.Equal(50, g.SyscallDoubleCount);
        Assert.Equal(0, g.UnknownTime);
        // The right split: 30 ns of syscall execution, 50 ns blocked, no scheduler wait.
        var fixedStats = g.WithoutSyscallDoubleCount();
        Assert.Equal((20L, 30L, 0L, 50L, 100L),
            (fixedStats.ExecTime, fixedStats.SyscallTime, fixedStats.SchedWaitTime, fixedStats.SyscallBlockTime, fixedStats.TotalTime));
    }

    [Fact]
    public void An_ended_syscall_is_split_at_the_moment_its_P_went_idle()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(100, 1, GoState.Running);
        s.Go(Ev.GoSyscallBegin, 120, 1, GoState.Running, GoState.Syscall, ctxG: 1);
        s.ProcIdle(150, 0);
        s.Go(Ev.GoSyscallEndBlocked, 190, 1, GoState.Syscall, GoState.Runnable, ctxG: 1, p: -1);
        s.Go(Ev.GoStart, 195, 1, GoState.Runnable, GoState.Running, p: 1);
        s.Sync(200);
        var g = s.End().Goroutines[1].Stats;
        Assert.Equal((25L, 30L, 40L, 5L, 0L), (g.ExecTime, g.SyscallTime, g.SyscallBlockTime, g.SchedWaitTime, g.SyscallDoubleCount));
        Assert.Equal(100, g.TotalTime);
    }

    [Fact]
    public void A_goroutine_seen_first_in_a_status_event_is_back_filled_from_the_Sync_and_gets_an_empty_reason()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(130, 7, GoState.Waiting);
        s.Go(Ev.GoUnblock, 160, 7, GoState.Waiting, GoState.Runnable, ctxG: -1, p: -1);
        s.Sync(200);
        var g = s.End().Goroutines[7];
        Assert.Equal(100, g.CreationTime);
        Assert.Equal(60, g.Stats.BlockTimeByReason[""]);        // 100..130 back-filled + 130..160
        Assert.Equal(40, g.Stats.SchedWaitTime);                  // still runnable at the end
        Assert.Equal(0, g.StartTime);
        Assert.Contains("Block time ()", g.Stats.NonOverlappingStats().Keys);
    }

    [Fact]
    public void Blocking_forever_ends_the_goroutine_and_closes_its_regions_with_the_block_event()
    {
        var s = new Feeder();
        s.Sync(100);
        s.StatusStack(100, 1, GoState.Running, "main.main");
        s.Region(true, 110, 1, "outer");
        s.Block(150, 1, "forever");
        s.Sync(300);
        var g = s.End().Goroutines[1];
        Assert.Equal("main.main", g.Name);
        Assert.Equal(150, g.EndTime);
        Assert.Equal(50, g.Stats.TotalTime);
        var r = Assert.Single(g.Regions);
        Assert.Equal("outer", r.Name);
        Assert.Equal(150, r.End!.Value.Time);
        Assert.Equal(EventKind.StateTransition, r.End!.Value.Kind);
        Assert.Equal(40, r.Stats.TotalTime);
        Assert.Equal(40, r.Stats.ExecTime);
    }

    [Fact]
    public void A_goroutine_without_a_name_counts_as_a_system_goroutine_and_loses_its_open_regions()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(100, 1, GoState.Running);
        s.Region(true, 110, 1, "kept");
        s.Region(false, 120, 1, "kept");
        s.Region(true, 130, 1, "lost");
        s.Sync(300);
        var sum = s.End();
        Assert.True(sum.Goroutines[1].IsSystem);
        Assert.Equal(["kept"], sum.Goroutines[1].Regions.Select(r => r.Name));
        Assert.Equal(2, sum.Tasks[0].Regions.Count); // the task still lists the lost one
    }

    [Fact]
    public void A_region_end_pops_the_innermost_open_region_whatever_its_name()
    {
        var s = new Feeder();
        s.Sync(100);
        s.StatusStack(100, 1, GoState.Running, "main.main");
        s.Region(true, 110, 1, "a");
        s.Region(true, 120, 1, "b");
        s.Region(false, 130, 1, "a");   // closes "b"
        s.Region(false, 140, 1, "zzz"); // closes "a"
        s.Region(false, 150, 1, "c");   // an end without a begin: stats since the goroutine's creation
        s.Sync(200);
        var regions = s.End().Goroutines[1].Regions;
        Assert.Equal(["c", "a", "b"], regions.Select(r => r.Name)); // null Start first, then by start time
        Assert.Equal([50L, 30L, 10L], regions.Select(r => r.Stats.TotalTime));
        Assert.Null(regions[0].Start);
    }

    [Fact]
    public void A_goroutine_created_in_a_region_inherits_its_task_through_a_synthetic_region_unless_it_is_a_system_goroutine()
    {
        var s = new Feeder();
        var frames = s.Gen;
        // Stack 1: main.worker (user); stack 2: runtime.bgsweep (system).
        frames.Strings[100] = "main.worker"u8.ToArray();
        frames.Strings[101] = "runtime.bgsweep"u8.ToArray();
        frames.Strings[102] = "x.go"u8.ToArray();
        frames.Pcs[0x10] = new GenerationData.FrameRecord(100, 102, 1);
        frames.Pcs[0x20] = new GenerationData.FrameRecord(101, 102, 2);
        frames.Stacks[1] = [0x10];
        frames.Stacks[2] = [0x20];
        s.Sync(100);
        s.Status(100, 1, GoState.Running);
        s.Region(true, 110, 1, "r", task: 5);
        s.Feed(new Event { Kind = EventKind.StateTransition, Type = Ev.GoCreate, Time = 120, Goroutine = 1, Proc = 0,
            OldState = (byte)GoState.NotExist, NewState = (byte)GoState.Runnable, A0 = 2, A1 = 1 });
        s.Feed(new Event { Kind = EventKind.StateTransition, Type = Ev.GoCreate, Time = 121, Goroutine = 1, Proc = 0,
            OldState = (byte)GoState.NotExist, NewState = (byte)GoState.Runnable, A0 = 3, A1 = 2 });
        s.Region(false, 130, 1, "r", task: 5);
        s.Sync(200);
        var sum = s.End();
        var worker = sum.Goroutines[2];
        Assert.Equal("main.worker", worker.Name);
        var synthetic = Assert.Single(worker.Regions);
        Assert.Equal(("", 5UL, 120L, (long?)null), (synthetic.Name, synthetic.TaskId, synthetic.Start!.Value.Time, synthetic.End?.Time));
        Assert.Equal(80, synthetic.Stats.TotalTime);
        Assert.Equal(80, synthetic.Duration(sum));
        Assert.Equal("runtime.bgsweep", sum.Goroutines[3].Name);
        Assert.Empty(sum.Goroutines[3].Regions);
        Assert.Equal(new long[] { 1 }, sum.Tasks[5].Goroutines.Keys);
    }

    [Fact]
    public void RangeActive_restarts_the_range_at_the_last_Sync()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(100, 1, GoState.Running);
        s.Range(EventKind.RangeBegin, Ev.GCMarkAssistBegin, 110, 1, 0);
        s.Sync(200);
        s.Range(EventKind.RangeActive, Ev.GCMarkAssistActive, 210, 1, 1); // scope goroutine = A0 = 1
        s.Range(EventKind.RangeEnd, Ev.GCMarkAssistEnd, 250, 1, 0);
        s.Sync(300);
        var g = s.End().Goroutines[1];
        Assert.Equal(90 + 50, g.Stats.RangeTime["GC mark assist"]); // 110..200, then 200..250
    }

    [Fact]
    public void A_proc_range_that_ends_on_another_goroutine_keeps_accruing_on_the_first_as_in_Go()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(100, 1, GoState.Running, p: 0);
        s.Status(100, 2, GoState.Runnable);
        s.Range(EventKind.RangeBegin, Ev.GCSweepBegin, 110, 1, 0);
        s.Go(Ev.GoStop, 120, 1, GoState.Running, GoState.Runnable, ctxG: 1, a0: s.Str("preempted"));
        s.Go(Ev.GoStart, 130, 2, GoState.Runnable, GoState.Running);
        s.Range(EventKind.RangeEnd, Ev.GCSweepEnd, 140, 2, 0);           // ends on goroutine 2
        s.Sync(300);
        var sum = s.End();
        // Go: not attributed to goroutine 2; goroutine 1's start time stays set, so it accrues up to the trace end.
        Assert.Equal(190, sum.Goroutines[1].Stats.RangeTime["GC incremental sweep"]);
        Assert.Equal(190, sum.Goroutines[1].Legacy.GcSweeping);
        Assert.False(sum.Goroutines[2].Stats.RangeTime.ContainsKey("GC incremental sweep"));
    }

    [Fact]
    public void Legacy_GC_pause_is_the_overlap_of_the_lifetime_with_GC_cycles()
    {
        var s = new Feeder();
        s.Sync(100);
        s.Status(100, 1, GoState.Running);
        s.Range(EventKind.RangeBegin, Ev.GCBegin, 120, 1, 0);
        s.Range(EventKind.RangeEnd, Ev.GCEnd, 150, 1, 0);
        s.Go(Ev.GoDestroy, 160, 1, GoState.Running, GoState.NotExist, ctxG: 1);
        s.Range(EventKind.RangeBegin, Ev.GCBegin, 170, -1, 0);
        s.Sync(300);
        var sum = s.End();
        Assert.Equal([(120L, 150L), (170L, 300L)], sum.GcCycles);
        Assert.Equal(30, sum.Goroutines[1].Legacy.GcPause);
        Assert.Equal(60, sum.Goroutines[1].Legacy.Execution);
    }

    [Fact]
    public void Histogram_drops_the_zero_bucket_row_as_Go_does_and_TrueMinBucket_keeps_it()
    {
        var h = new TimeHistogram();
        h.Add(1);
        h.Add(0);
        h.Add(1000);
        Assert.Equal(3, h.Count);
        Assert.Equal(14, h.MinBucket);   // Go's rendering starts at 630ns: the two samples of bucket 0 are not shown
        Assert.Equal(0, h.TrueMinBucket);
        Assert.Equal(2, h[0]);
        Assert.Equal(["630ns"], h.Rows().Select(r => r.Label));
        Assert.Equal("1µs", h.FinalLabel);
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(-5L, 0)]
    [InlineData(1L, 0)]
    [InlineData(2L, 1)]
    [InlineData(100L, 9)]            // ln(100)/ln(10^0.2) is just below 10 in float64
    [InlineData(101L, 10)]
    [InlineData(10_000_000L, 34)]    // exactly 10ms lands in the bucket below the 10ms label
    [InlineData(10_000_001L, 35)]
    [InlineData(long.MaxValue, 94)]
    public void Histogram_buckets_are_Gos(long d, int bucket) => Assert.Equal(bucket, TimeHistogram.BucketOf(d));

    [Fact]
    public void Histogram_bounds_are_Gos_table()
    {
        // Every bound is inside its own bucket except where truncation puts it below (the 10^k boundaries).
        for (int i = 1; i < 94; i++)
        {
            long min = TimeHistogram.BucketMin(i);
            Assert.InRange(TimeHistogram.BucketOf(min), i - 1, i);
        }
        Assert.Equal(long.MinValue, TimeHistogram.BucketMin(95));
    }

    public static TheoryData<string> Traces() => TestData.AllTraces();

    [Theory]
    [InlineData("blocking.go1.22.trace.flip-7")]
    [InlineData("blocking.go1.25.trace.flip-0")]
    public void After_a_parse_error_the_summary_has_seen_events_the_page_bounds_exclude(string variant)
    {
        // These variants have pages captured from Go; the page tests pass on them only if the summarizer keeps the
        // events after the last Sync while the trace bounds stop there (spec §1.2).
        var sum = GoldenPages.Summary(variant);
        Assert.NotNull(sum.Pass.Error);
        Assert.True(sum.Pass.Events > sum.Pass.RetainedEvents);
        Assert.True(sum.Pass.LastTime > sum.EndTime);
    }

    /// <summary>Checks the interning shortcuts against the Event properties they stand for, on every event.</summary>
    private sealed class InterningCheck(Summarizer s) : IEventConsumer
    {
        public long Checked;

        public void OnEvent(in Event ev)
        {
            if (ev.Kind == EventKind.StateTransition && ev.TransitionResource == ResourceKind.Goroutine)
            {
                Assert.Equal(ev.TransitionReason, s.ReasonName(in ev));
                Checked++;
            }
            else if (ev.Kind is EventKind.RangeBegin or EventKind.RangeActive or EventKind.RangeEnd)
            {
                Assert.Equal(ev.RangeName, s.RangeNameOf(in ev));
                Checked++;
            }
            s.OnEvent(in ev);
        }

        public void Complete(in PassEnd end) => s.Complete(in end);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Interned_reasons_and_range_names_equal_the_event_properties(string trace)
    {
        var check = new InterningCheck(new Summarizer());
        TracePass.Run(TestData.TracePath(trace), check);
        Assert.True(check.Checked > 0);
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void Derived_figures_are_consistent(string trace)
    {
        var sum = GoldenPages.Summary(trace);
        foreach (var g in sum.Goroutines.Values)
        {
            var st = g.Stats;
            long nonOverlapping = st.ExecTime + st.SchedWaitTime + st.SyscallTime + st.SyscallBlockTime + st.BlockTimeByReason.Values.Sum();
            Assert.True(nonOverlapping + st.UnknownTime >= st.TotalTime);
            Assert.Equal(st.ExecTime, g.Legacy.Execution);
            Assert.Equal(st.SchedWaitTime, g.Legacy.SchedulerWait);
            Assert.Equal(st.BlockTimeByReason.GetValueOrDefault("network"), g.Legacy.NetworkWait);
            Assert.InRange(g.Legacy.GcPause, 0, st.TotalTime);
            Assert.Equal(g.Regions.Sum(r => r.Duration(sum)), g.RegionTime.Values.Sum());
            Assert.All(g.Regions, r => Assert.Equal(g.Id, r.Goroutine));
        }
        if (trace.StartsWith("gcheavy", StringComparison.Ordinal))
        {
            Assert.NotEmpty(sum.GcCycles);
            Assert.Contains(sum.Goroutines.Values, g => g.Legacy.GcPause > 0);
            Assert.Contains(sum.Goroutines.Values, g => g.Legacy.GcSweeping > 0);
        }
    }
}
