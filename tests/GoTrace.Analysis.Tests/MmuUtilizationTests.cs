using GoTrace.Analysis.Mmu;
using GoTrace.Format;

namespace GoTrace.Analysis.Tests;

/// <summary>
/// <see cref="MmuBuilder"/> keeps only a few events; these tests check that the utilization functions computed
/// from them equal those of a plain transcription of Go's <c>MutatorUtilizationV2</c> that looks at every event
/// of the valid prefix, for every trace and all 32 flag combinations.
/// </summary>
public class MmuUtilizationTests
{
    /// <summary>Keeps every event of the valid prefix.</summary>
    private sealed class AllEvents : IPrefixConsumer
    {
        public readonly List<Event> Events = new();
        private int _checkpoint;
        public void OnEvent(in Event ev) => Events.Add(ev);
        public void Checkpoint() => _checkpoint = Events.Count;
        public void Rollback() => Events.RemoveRange(_checkpoint, Events.Count - _checkpoint);
        public void Complete(in PassEnd end) { }
    }

    private static bool Executing(GoState s) => s is GoState.Running or GoState.Syscall;

    /// <summary>Go's algorithm (trace-analyses.md §6.3), event by event, without any shortcut.</summary>
    private static List<List<UtilPoint>> Reference(List<Event> events, UtilFlags flags)
    {
        bool perProc = (flags & UtilFlags.PerProc) != 0;
        var output = new List<List<UtilPoint>>();
        var ps = new List<(int Gc, int Series)>();
        var procs = new List<(long Time, int N)>();
        var inGC = new HashSet<long>();
        var bgMark = new HashSet<long>();
        var states = new Dictionary<long, GoState>();
        int stw = 0, nSync = 0;

        static void AddUtil(List<UtilPoint> s, UtilPoint p)
        {
            if (s.Count > 0)
            {
                var last = s[^1];
                if (p.Util == last.Util) return;
                if (p.Time == last.Time)
                {
                    if (p.Util < last.Util) s[^1] = p;
                    return;
                }
            }
            s.Add(p);
        }
        void Gc(long p, int d) => ps[(int)p] = (ps[(int)p].Gc + d, ps[(int)p].Series);
        bool IsStw(in Event ev) => (flags & UtilFlags.Stw) != 0 && ev.RangeName.StartsWith("stop-the-world", StringComparison.Ordinal) && ev.RangeName.Contains("GC", StringComparison.Ordinal);
        bool IsAssist(in Event ev) => (flags & UtilFlags.Assist) != 0 && ev.RangeName == "GC mark assist";
        bool IsSweep(in Event ev) => (flags & UtilFlags.Sweep) != 0 && ev.RangeName == "GC incremental sweep";

        foreach (var ev in events)
        {
            if (ev.Kind == EventKind.Sync) nSync = ev.SyncN;
            if (ev.Kind == EventKind.Metric && ev.MetricName == "/sched/gomaxprocs:threads")
            {
                int n = (int)ev.MetricValue;
                if (ps.Count > n)
                {
                    if (perProc) foreach (var p in ps.Skip(n)) AddUtil(output[p.Series], new UtilPoint(ev.Time, 0));
                    ps.RemoveRange(n, ps.Count - n);
                }
                while (ps.Count < n)
                {
                    int series = 0;
                    if (perProc || output.Count == 0)
                    {
                        series = output.Count;
                        output.Add([new UtilPoint(ev.Time, 1)]);
                    }
                    ps.Add((0, series));
                }
                if (procs.Count == 0 || n != procs[^1].N) procs.Add((ev.Time, n));
            }
            if (ps.Count == 0) continue;

            bool begin = false;
            switch (ev.Kind)
            {
                case EventKind.RangeActive:
                    if (nSync > 1) break;
                    bool retro = (IsAssist(ev) && Executing(states.GetValueOrDefault(ev.Goroutine))) || IsSweep(ev);
                    if (retro && !perProc)
                    {
                        int pi = 0;
                        var s0 = output[0];
                        for (int k = 0; k < s0.Count; k++)
                        {
                            while (pi < procs.Count - 1 && procs[pi + 1].Time < s0[k].Time) pi++;
                            s0[k] = s0[k] with { Util = Math.Max(0, s0[k].Util - 1.0 / procs[pi].N) };
                        }
                    }
                    begin = true;
                    break;
                case EventKind.RangeBegin:
                    begin = true;
                    break;
                case EventKind.RangeEnd:
                    if (IsStw(ev)) stw--;
                    else if (IsSweep(ev)) Gc(ev.Proc, -1);
                    else if (IsAssist(ev))
                    {
                        Gc(ev.Proc, -1);
                        if (ev.RangeScopeId != -1) inGC.Remove(ev.RangeScopeId);
                    }
                    break;
                case EventKind.StateTransition:
                    if (ev.TransitionResource != ResourceKind.Goroutine) break;
                    long g = ev.TransitionId;
                    if (inGC.Contains(g) || bgMark.Contains(g))
                    {
                        if (!Executing(ev.GoFrom) && Executing(ev.GoTo)) Gc(ev.Proc, 1);
                        else if (Executing(ev.GoFrom) && !Executing(ev.GoTo)) Gc(ev.Proc, -1);
                    }
                    states[g] = ev.GoTo;
                    break;
                case EventKind.Label:
                    var l = ev.Label;
                    if ((flags & UtilFlags.Background) != 0 && l.StartsWith("GC ", StringComparison.Ordinal) && l != "GC (idle)"
                        && !(perProc && l == "GC (dedicated)"))
                    {
                        bgMark.Add(ev.Goroutine);
                        Gc(ev.Proc, 1);
                    }
                    break;
            }
            if (begin)
            {
                if (IsStw(ev)) stw++;
                else if (IsSweep(ev)) Gc(ev.Proc, 1);
                else if (IsAssist(ev))
                {
                    Gc(ev.Proc, 1);
                    if (ev.RangeScopeId != -1) inGC.Add(ev.RangeScopeId);
                }
            }

            if (!perProc)
            {
                int gcPs = stw > 0 ? ps.Count : ps.Count(p => p.Gc > 0);
                AddUtil(output[0], new UtilPoint(ev.Time, 1 - (double)gcPs / ps.Count));
            }
            else
            {
                foreach (var p in ps) AddUtil(output[p.Series], new UtilPoint(ev.Time, stw > 0 || p.Gc > 0 ? 0 : 1));
            }
        }
        if (events.Count > 0)
            foreach (var p in ps) AddUtil(output[p.Series], new UtilPoint(events[^1].Time, 0));
        return output;
    }

    public static TheoryData<string> Traces()
    {
        var d = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(MmuGoldenTests.GoldenDir).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "mmu.tsv.gz"))) d.Add(Path.GetFileName(dir));
        return d;
    }

    [Theory]
    [MemberData(nameof(Traces))]
    public void RecordedEventsGiveTheSameFunctionsAsEveryEvent(string trace)
    {
        var all = new AllEvents();
        var builder = new MmuBuilder();
        TracePass.Run(MmuGoldenTests.TraceFile(trace), all, builder);
        var mmu = builder.Result;
        Assert.True(mmu.RecordCount < all.Events.Count / 2 + 50, $"{mmu.RecordCount} of {all.Events.Count} events kept");
        for (int f = 0; f < 32; f++)
        {
            var flags = (UtilFlags)f;
            var expected = Reference(all.Events, flags);
            var actual = mmu.Utilization(flags, MmuOptions.Go);
            Assert.False(actual.GoWouldCrash);
            Assert.Equal(expected.Count, actual.Series.Count);
            for (int s = 0; s < expected.Count; s++)
                Assert.True(expected[s].SequenceEqual(actual.Series[s]), $"{trace} flags={UtilFlagsText.Format(flags)} series {s} differs");
        }
    }

    [Fact]
    public void CorrectModeDiffersOnlyWithBackground()
    {
        foreach (var trace in TestData.AllTraceNames())
        {
            var mmu = MmuGoldenTests.Load(trace);
            for (int f = 0; f < 32; f++)
            {
                var flags = (UtilFlags)f;
                if ((flags & UtilFlags.Background) != 0) continue;
                var go = mmu.Utilization(flags, MmuOptions.Go);
                var ours = mmu.Utilization(flags, MmuOptions.Correct);
                Assert.Equal(go.Series.Count, ours.Series.Count);
                for (int s = 0; s < go.Series.Count; s++) Assert.True(go.Series[s].SequenceEqual(ours.Series[s]));
            }
        }
    }

    private static MmuRecord Rec(long time, MmuRecordKind kind, long value, int p, byte bits = 0) =>
        new() { Time = time, Kind = kind, Value = value, P = p, Bits = bits };

    private static MmuTrace Records(long end, params MmuRecord[] records)
    {
        var chunk = new MmuRecord[MmuBuilder.ChunkSize];
        records.CopyTo(chunk, 0);
        return new MmuTrace([chunk], records.Length, true, records[0].Time, end);
    }

    /// <summary>
    /// A fractional worker runs twice on P 0, then leaves a syscall after its P was taken (an event without P):
    /// Go double counts the second run and indexes its per-P state with -1 (it panics); we count each run once and
    /// take the count back from P 0.
    /// </summary>
    [Fact]
    public void WorkerCountedOncePerRunAndTakenBackFromItsP()
    {
        const byte run = MmuRecord.NewExecuting, stop = MmuRecord.OldExecuting, stay = MmuRecord.OldExecuting | MmuRecord.NewExecuting;
        var mmu = Records(1000,
            Rec(0, MmuRecordKind.Procs, 2, 0),
            Rec(100, MmuRecordKind.Transition, 7, 0, run),
            Rec(101, MmuRecordKind.Label, 7, 0, MmuRecord.LabelOther),
            Rec(200, MmuRecordKind.Transition, 7, 0, stop),
            Rec(300, MmuRecordKind.Transition, 7, 0, run),
            Rec(301, MmuRecordKind.Label, 7, 0, MmuRecord.LabelOther),
            Rec(350, MmuRecordKind.Transition, 7, 0, stay),   // Running -> Syscall
            Rec(400, MmuRecordKind.Transition, 7, -1, stop),  // Syscall -> Runnable without a P
            Rec(500, MmuRecordKind.Tick, -1, -1));
        var go = mmu.Utilization(UtilFlags.Background, MmuOptions.Go);
        var ours = mmu.Utilization(UtilFlags.Background);
        Assert.True(go.GoWouldCrash);
        Assert.Equal([new UtilPoint(0, 1), new UtilPoint(101, 0.5), new UtilPoint(200, 1), new UtilPoint(300, 0.5), new UtilPoint(1000, 0)],
            go.Series[0]);   // P 0 stays GC from 300 on (count 2, -1 skipped)
        Assert.False(ours.GoWouldCrash);
        Assert.Equal([new UtilPoint(0, 1), new UtilPoint(101, 0.5), new UtilPoint(200, 1), new UtilPoint(300, 0.5), new UtilPoint(400, 1), new UtilPoint(1000, 0)],
            ours.Series[0]);

        // an idle run of a worker that was fractional before: Go counts it, we do not (from its label on)
        var idle = Records(1000,
            Rec(0, MmuRecordKind.Procs, 1, 0),
            Rec(100, MmuRecordKind.Transition, 7, 0, run),
            Rec(101, MmuRecordKind.Label, 7, 0, MmuRecord.LabelOther),
            Rec(200, MmuRecordKind.Transition, 7, 0, stop),
            Rec(300, MmuRecordKind.Transition, 7, 0, run),
            Rec(301, MmuRecordKind.Label, 7, 0, MmuRecord.LabelIdle),
            Rec(400, MmuRecordKind.Transition, 7, 0, stop),
            Rec(500, MmuRecordKind.Tick, -1, -1));
        Assert.Equal([new UtilPoint(0, 1), new UtilPoint(101, 0), new UtilPoint(200, 1), new UtilPoint(300, 0), new UtilPoint(400, 1), new UtilPoint(1000, 0)],
            idle.Utilization(UtilFlags.Background, MmuOptions.Go).Series[0]);
        Assert.Equal([new UtilPoint(0, 1), new UtilPoint(101, 0), new UtilPoint(200, 1), new UtilPoint(300, 0), new UtilPoint(301, 1), new UtilPoint(1000, 0)],
            idle.Utilization(UtilFlags.Background).Series[0]);
    }

    [Fact]
    public void GoFailsWhereGoFailed()
    {
        // Go refused this file ("failed to read trace: EOF"); so do we (nothing could be read)
        foreach (var dir in Directory.GetDirectories(MmuGoldenTests.GoldenDir))
        {
            if (!File.Exists(Path.Combine(dir, "ERROR"))) continue;
            Assert.Throws<TraceFormatException>(() => MmuAnalysis.Collect(MmuGoldenTests.TraceFile(Path.GetFileName(dir))));
        }
    }

    [Fact]
    public void FlagsText()
    {
        Assert.Equal(UtilFlags.Stw | UtilFlags.Background | UtilFlags.Assist, UtilFlagsText.Parse("stw|background|assist", out bool p));
        Assert.False(p);
        Assert.Equal(UtilFlags.PerProc | UtilFlags.Sweep, UtilFlagsText.Parse("perProc|sweep|mut|system", out p));
        Assert.True(p);
        Assert.Equal(UtilFlags.None, UtilFlagsText.Parse(""));
        Assert.Equal(UtilFlags.None, UtilFlagsText.Parse(null));
        Assert.Equal("perProc|stw|background|assist|sweep", UtilFlagsText.Format((UtilFlags)31));
        Assert.Equal("", UtilFlagsText.Format(UtilFlags.None));
    }
}
