namespace GoTrace.Analysis.Mmu;

/// <summary>
/// Replays the records of an <see cref="MmuTrace"/> into utilization functions, following Go's
/// <c>MutatorUtilizationV2</c> (trace-analyses.md §6.3). Go does the same work for every event; events that are not
/// recorded would change nothing there (see <see cref="MmuBuilder"/>).
/// </summary>
internal static class UtilizationBuilder
{
    private struct PerP
    {
        public int Gc;       // > 0: this P is doing GC work (may go negative, as in Go)
        public int Series;
    }

    /// <summary>A growing list of points with Go's addUtil rule.</summary>
    private sealed class PointList
    {
        public UtilPoint[] Items = new UtilPoint[16];
        public int Count;

        public void Add(long time, double util)
        {
            if (Count > 0)
            {
                ref var last = ref Items[Count - 1];
                if (util == last.Util) return;
                if (time == last.Time)
                {
                    if (util < last.Util) last = new UtilPoint(time, util);
                    return;
                }
            }
            if (Count == Items.Length) Array.Resize(ref Items, Items.Length * 2);
            Items[Count++] = new UtilPoint(time, util);
        }
    }

    public static MutatorUtilization Build(MmuTrace trace, UtilFlags flags, bool go)
    {
        bool perProc = (flags & UtilFlags.PerProc) != 0;
        bool fStw = (flags & UtilFlags.Stw) != 0;
        bool fBackground = (flags & UtilFlags.Background) != 0;
        bool fAssist = (flags & UtilFlags.Assist) != 0;
        bool fSweep = (flags & UtilFlags.Sweep) != 0;

        var output = new List<PointList>();
        var ps = new List<PerP>();
        var procs = new List<(long Time, long N)>();
        var inGC = new HashSet<long>();
        var bgMark = new HashSet<long>();
        // Correct mode: whether a worker's latest label makes it count (Go counts every member of bgMark), and the
        // P on which each goroutine counted as GC (an assist or a worker) has its count, to take it back from there
        // (Go takes it back from the P of the event that stops the goroutine, which may be another one, or none).
        var bgActive = new Dictionary<long, bool>();
        var counted = new Dictionary<long, int>();
        int stw = 0;
        bool crash = false;

        foreach (var chunk in trace.Chunks())
        {
            foreach (ref readonly var r in chunk.Span)
            {
                if (r.Kind == MmuRecordKind.Procs)
                {
                    // Go converts the uint64 metric to int; GOMAXPROCS never comes near int's range.
                    int n = (int)Math.Clamp(r.Value, 0, int.MaxValue);
                    if (ps.Count > n)
                    {
                        if (perProc)
                            for (int i = n; i < ps.Count; i++) output[ps[i].Series].Add(r.Time, 0);
                        ps.RemoveRange(n, ps.Count - n);
                        // counts on removed Ps go with them (Ps added later start from 0)
                        foreach (var (g, p) in counted)
                            if (p >= n) counted.Remove(g);
                    }
                    while (ps.Count < n)
                    {
                        int series = 0;
                        if (perProc || output.Count == 0)
                        {
                            series = output.Count;
                            var list = new PointList();
                            list.Add(r.Time, 1);
                            output.Add(list);
                        }
                        ps.Add(new PerP { Series = series });
                    }
                    if (procs.Count == 0 || procs[^1].N != n) procs.Add((r.Time, n));
                }
                if (ps.Count == 0) continue;

                switch (r.Kind)
                {
                    case MmuRecordKind.SweepActive:
                    case MmuRecordKind.AssistActive:
                    {
                        if ((r.Bits & MmuRecord.FirstGeneration) == 0) break;   // later generations: already known
                        // Go asks whether the event's goroutine is executing, not the assisting goroutine's: the tracer
                        // reports assists of goroutines it has stopped from its own goroutine.
                        bool executing = (r.Bits & (go ? MmuRecord.ContextExecuting : MmuRecord.ScopeExecuting)) != 0;
                        bool retro = r.Kind == MmuRecordKind.AssistActive ? fAssist && executing : fSweep;
                        if (retro && !perProc)
                        {
                            // Active since the trace start: take 1/GOMAXPROCS off every point recorded so far.
                            var s0 = output[0];
                            int pi = 0;
                            for (int k = 0; k < s0.Count; k++)
                            {
                                while (pi < procs.Count - 1 && procs[pi + 1].Time < s0.Items[k].Time) pi++;
                                double u = s0.Items[k].Util - 1.0 / procs[pi].N;
                                if (u < 0) u = 0;
                                s0.Items[k] = new UtilPoint(s0.Items[k].Time, u);
                            }
                        }
                        if (go || r.Kind == MmuRecordKind.SweepActive)
                        {
                            Begin(in r);
                        }
                        else if (fAssist && r.Value != -1)
                        {
                            // Go counts the assist on the event's P even when the assisting goroutine is not running,
                            // and that count is never taken back. It counts where the goroutine runs, when it runs.
                            inGC.Add(r.Value);
                            if (executing) Count(r.Value, r.P);
                        }
                        break;
                    }
                    case MmuRecordKind.StwBegin:
                    case MmuRecordKind.SweepBegin:
                        Begin(in r);
                        break;
                    case MmuRecordKind.AssistBegin:
                        if (go || r.Value == -1) Begin(in r);
                        else if (fAssist)
                        {
                            inGC.Add(r.Value);
                            Count(r.Value, r.P);
                        }
                        break;
                    case MmuRecordKind.StwEnd:
                        if (fStw) stw--;
                        break;
                    case MmuRecordKind.SweepEnd:
                        if (fSweep) AddGc(r.P, -1);
                        break;
                    case MmuRecordKind.AssistEnd:
                        if (!fAssist) break;
                        if (go || r.Value == -1)
                        {
                            AddGc(r.P, -1);
                            if (r.Value != -1) inGC.Remove(r.Value);
                        }
                        else
                        {
                            inGC.Remove(r.Value);
                            if (!bgActive.GetValueOrDefault(r.Value)) Uncount(r.Value);
                        }
                        break;
                    case MmuRecordKind.Transition:
                    {
                        long g = r.Value;
                        bool oldExec = (r.Bits & MmuRecord.OldExecuting) != 0, newExec = (r.Bits & MmuRecord.NewExecuting) != 0;
                        if (go)
                        {
                            if (inGC.Contains(g) || bgMark.Contains(g))
                            {
                                if (!oldExec && newExec) AddGc(r.P, 1);
                                else if (oldExec && !newExec) AddGc(r.P, -1);   // on the event's P, maybe none (-1)
                            }
                        }
                        else if (oldExec && !newExec)
                        {
                            Uncount(g);
                        }
                        else if (!oldExec && newExec && (inGC.Contains(g) || bgActive.GetValueOrDefault(g)))
                        {
                            Count(g, r.P);
                        }
                        break;
                    }
                    case MmuRecordKind.Label:
                    {
                        if (!fBackground) break;
                        long g = r.Value;
                        bool qualifies = r.Bits == MmuRecord.LabelOther || (r.Bits == MmuRecord.LabelDedicated && !perProc);
                        if (go)
                        {
                            // Go counts the worker again although its start already did (once it is in bgMark).
                            if (!qualifies) break;
                            bgMark.Add(g);
                            AddGc(r.P, 1);
                        }
                        else if (qualifies)
                        {
                            // The label follows each start of a worker (on its P) and tells how this run works.
                            bgActive[g] = true;
                            Count(g, r.P);
                        }
                        else if (bgActive.ContainsKey(g))
                        {
                            bgActive[g] = false;
                            if (!inGC.Contains(g)) Uncount(g);
                        }
                        break;
                    }
                }

                if (!perProc)
                {
                    int gcPs = 0;
                    if (stw > 0) gcPs = ps.Count;
                    else
                        foreach (var p in ps)
                            if (p.Gc > 0) gcPs++;
                    output[0].Add(r.Time, 1 - (double)gcPs / ps.Count);
                }
                else
                {
                    foreach (var p in ps) output[p.Series].Add(r.Time, stw > 0 || p.Gc > 0 ? 0.0 : 1.0);
                }
            }
        }

        if (trace.HasEvents)
            foreach (var p in ps) output[p.Series].Add(trace.EndTime, 0);

        var result = new UtilPoint[output.Count][];
        for (int i = 0; i < output.Count; i++) result[i] = output[i].Items.AsSpan(0, output[i].Count).ToArray();
        return new MutatorUtilization(flags, result, crash);

        void Begin(in MmuRecord r)
        {
            switch (r.Kind)
            {
                case MmuRecordKind.StwBegin:
                    if (fStw) stw++;
                    break;
                case MmuRecordKind.SweepBegin:
                case MmuRecordKind.SweepActive:
                    if (fSweep) AddGc(r.P, 1);
                    break;
                case MmuRecordKind.AssistBegin:
                case MmuRecordKind.AssistActive:
                    if (fAssist)
                    {
                        AddGc(r.P, 1);
                        if (r.Value != -1) inGC.Add(r.Value);
                    }
                    break;
            }
        }

        void Count(long g, int p)
        {
            if ((uint)p >= (uint)ps.Count || !counted.TryAdd(g, p)) return;
            AddGc(p, 1);
        }

        void Uncount(long g)
        {
            if (counted.Remove(g, out int p)) AddGc(p, -1);
        }

        void AddGc(int p, int delta)
        {
            if ((uint)p >= (uint)ps.Count)
            {
                crash |= go;   // Go indexes ps[ev.Proc()] and panics
                return;
            }
            var q = ps[p];
            q.Gc += delta;
            ps[p] = q;
        }
    }
}
