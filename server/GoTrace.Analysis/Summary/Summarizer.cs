using GoTrace.Format;

namespace GoTrace.Analysis.Summary;

/// <summary>
/// Per-goroutine, per-region and per-task statistics in one pass, exactly as Go 1.27's summarizer
/// (<c>src/internal/trace/summary.go</c>, spec §2) — the data of the goroutine, task and region pages.
/// <para>
/// Like Go's <c>cmd/trace</c>, it sees every event of the pass, also those after the last Sync that a parse error
/// makes the other analyses drop; the pages' trace bounds are the pass's retained bounds (<see cref="PassEnd"/>).
/// </para>
/// <para>
/// Hot path: no allocation per event. Goroutines live in an open-addressing map; block reasons and range names are
/// interned once per (generation, string ID) and per-goroutine maps are arrays indexed by the interned number.
/// Allocation happens per goroutine, per region and task event, and per generation.
/// </para>
/// </summary>
public sealed class Summarizer : IEventConsumer
{
    // Every summary in order of creation, and by ID the position of the current one (a goroutine seen anew replaces
    // the summary of its ID, as in Go's map).
    private readonly List<GoroutineSummary> _created = [];
    private readonly GoTrace.Format.Legacy.ULongMap<int> _gs = new();
    private readonly Dictionary<ulong, TaskSummary> _tasks = [];
    private readonly Dictionary<long, long> _syscallingP = [], _syscallingG = [];
    private readonly Dictionary<(long Proc, int Name), long> _rangesP = [];
    private long _lastTs, _syncTs, _firstTs;
    private bool _any;

    private readonly NameTable _reasons = new(), _ranges = new();
    private readonly SummaryNames _names;
    private readonly int _emptyReason, _foreverReason;

    /// <summary>Go's per-goroutine pending state (the fields of its <c>goroutineSummary</c> beyond the statistics).</summary>
    private struct Activity
    {
        public long LastStartTime, LastRunnableTime, LastBlockTime, LastSyscallTime, LastSyscallBlockTime;
        public int LastBlockReason;
        public TimeMap? LastRangeTime;
        public List<RegionSummary>? ActiveRegions;
    }

    // The pending state of the live goroutines (GoroutineSummary.Activity indexes it), entries reused after Finalize:
    // a trace may see millions of goroutines, but few live at once. A goroutine without an entry has all of it zero.
    private ChunkedList<Activity> _activity = new(12);
    private readonly Stack<int> _freeActivity = new();
    private static readonly Activity NoActivity;

    // Interned indices by string ID, valid for the generation in _cacheGen (index + 1; 0 = not cached).
    private GenerationData? _cacheGen;
    private int[] _reasonById = new int[64], _stwById = new int[16];
    private readonly int[] _rangeByType = new int[256];

    // GC cycles, for the legacy "GC pause" figure.
    private readonly List<(long Start, long End)> _gc = [];
    private long _gcOpen = -1;

    private TraceSummary? _result;

    /// <summary>Creates an empty summarizer; feed it through <see cref="TracePass"/>.</summary>
    public Summarizer()
    {
        _emptyReason = _reasons.Intern("");
        _foreverReason = _reasons.Intern("forever");
        _names = new SummaryNames(_reasons, _ranges);
    }

    /// <summary>The pending state of <paramref name="g"/>, to change (given an entry if it has none).</summary>
    private ref Activity Act(GoroutineSummary g)
    {
        if (g.Activity < 0)
        {
            if (_freeActivity.TryPop(out int free)) g.Activity = free;
            else
            {
                g.Activity = checked((int)_activity.Count);
                _activity.AddRef();
            }
        }
        return ref _activity[g.Activity];
    }

    /// <summary>The pending state of <paramref name="g"/>, to read (all zero if it has no entry).</summary>
    private ref readonly Activity Peek(GoroutineSummary g) => ref g.Activity < 0 ? ref NoActivity : ref _activity[g.Activity];

    /// <summary>Clears the pending state of <paramref name="g"/> and frees its entry.</summary>
    private void Release(GoroutineSummary g)
    {
        if (g.Activity < 0) return;
        _activity[g.Activity] = default;
        _freeActivity.Push(g.Activity);
        g.Activity = -1;
    }

    /// <summary>The result, after <see cref="Complete"/>.</summary>
    public TraceSummary Result => _result ?? throw new InvalidOperationException("the pass has not completed");

    /// <summary>Reads the trace at <paramref name="path"/> and summarizes it.</summary>
    public static TraceSummary Summarize(string path)
    {
        var s = new Summarizer();
        TracePass.Run(path, s);
        return s.Result;
    }

    /// <summary>Summarizes <paramref name="stream"/>.</summary>
    public static TraceSummary Summarize(Stream stream, CancellationToken cancel = default)
    {
        var s = new Summarizer();
        TracePass.Run(stream, [s], cancel);
        return s.Result;
    }

    /// <inheritdoc/>
    public void OnEvent(in Event ev)
    {
        long t = ev.Time;
        if (!_any)
        {
            _any = true;
            _firstTs = t;
        }
        if (_syncTs == 0) _syncTs = t;
        _lastTs = t;
        switch (ev.Kind)
        {
            case EventKind.Sync:
                _syncTs = t;
                break;
            case EventKind.StateTransition:
                if (ev.TransitionResource == ResourceKind.Goroutine) GoTransition(in ev, t);
                else ProcTransition(in ev, t);
                break;
            case EventKind.RangeBegin:
            case EventKind.RangeActive:
                RangeBegin(in ev, t);
                break;
            case EventKind.RangeEnd:
                RangeEnd(in ev, t);
                break;
            case EventKind.RegionBegin:
                RegionBegin(in ev, t);
                break;
            case EventKind.RegionEnd:
                RegionEnd(in ev, t);
                break;
            case EventKind.TaskBegin:
            case EventKind.TaskEnd:
                TaskEvent(in ev);
                break;
            case EventKind.Log:
            {
                var task = GetOrAddTask(ev.RegionTask);
                task.GoroutineMap[ev.Goroutine] = Lookup(ev.Goroutine);
                task.LogList.Add(ev);
                break;
            }
        }
    }

    private GoroutineSummary? Lookup(long id)
    {
        ref int i = ref _gs.Find((ulong)id);
        return System.Runtime.CompilerServices.Unsafe.IsNullRef(ref i) ? null : _created[i];
    }

    private bool TryGet(long id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GoroutineSummary? g) => (g = Lookup(id)) is not null;

    private GoroutineSummary NewGoroutine(long id, long creation)
    {
        var g = new GoroutineSummary(id, creation) { Names = _names };
        _gs.GetOrAdd((ulong)id) = _created.Count;
        _created.Add(g);
        return g;
    }

    private RegionSummary NewRegion(long goroutine, ulong task, string name, Event? start, StatsData data) =>
        new(goroutine, task, name, start, data) { Reasons = _reasons, Ranges = _ranges };

    private void GoTransition(in Event ev, long t)
    {
        var from = ev.GoFrom;
        var to = ev.GoTo;
        if (from == to) return;
        long id = ev.TransitionId;
        var g = Lookup(id);

        // Leaving the old state.
        switch (from)
        {
            case GoState.Undetermined:
            {
                // First sight of a goroutine that existed before this generation: the time since the last Sync
                // counts as the new state.
                g = NewGoroutine(id, _syncTs);
                long d = t - _syncTs;
                ref var s = ref g.Data;
                switch (to)
                {
                    case GoState.Running: s.ExecTime += d; break;
                    case GoState.Waiting: s.BlockTimeForWrite.Add(ReasonIndex(in ev), d); break;
                    case GoState.Runnable: s.SchedWaitTime += d; break;
                    case GoState.Syscall:
                        if (ev.Proc == Event.NoProc) s.SyscallBlockTime += d;
                        else s.SyscallTime += d;
                        break;
                }
                break;
            }
            case GoState.NotExist:
            {
                g = NewGoroutine(id, t);
                // A goroutine created inside a region inherits the creator's innermost region's task through a
                // synthetic, unnamed region.
                if (TryGet(ev.Goroutine, out var creator) && Peek(creator).ActiveRegions is { Count: > 0 } active)
                {
                    Act(g).ActiveRegions = [NewRegion(id, active[^1].TaskId, "", ev, new StatsData())];
                }
                break;
            }
            default:
                // Go dereferences a missing summary here and crashes; the ordering never lets this happen on a
                // valid trace. We start a summary as a status event would, without back-fill.
                g ??= NewGoroutine(id, _syncTs);
                LeaveState(g, from, t, id);
                break;
        }

        // Naming: the root frame of the first non-empty transition stack.
        if (g.Name.Length == 0 && ev.HasTransitionStack)
        {
            var frames = ev.TransitionStack;
            if (frames.Length > 0)
            {
                g.PC = frames[^1].PC;
                g.Name = frames[^1].Function;
            }
        }

        // Entering the new state.
        switch (to)
        {
            case GoState.Running:
                Act(g).LastStartTime = t;
                if (g.StartTime == 0) g.StartTime = t;
                break;
            case GoState.Runnable:
                Act(g).LastRunnableTime = t;
                break;
            case GoState.Waiting:
            {
                int reason = ReasonIndex(in ev);
                if (reason != _foreverReason)
                {
                    ref var a = ref Act(g);
                    a.LastBlockTime = t;
                    a.LastBlockReason = reason;
                }
                else
                {
                    Finalize(g, t, ev); // blocked forever = death
                }
                break;
            }
            case GoState.NotExist:
                Finalize(g, t, ev);
                break;
            case GoState.Syscall:
                _syscallingP[ev.Proc] = id;
                _syscallingG[id] = ev.Proc;
                Act(g).LastSyscallTime = t;
                break;
        }
    }

    private void LeaveState(GoroutineSummary g, GoState from, long t, long id)
    {
        ref var s = ref g.Data;
        ref var a = ref Act(g);
        switch (from)
        {
            case GoState.Running:
                s.ExecTime += t - a.LastStartTime;
                a.LastStartTime = 0;
                break;
            case GoState.Waiting:
                if (a.LastBlockTime != 0)
                {
                    s.BlockTimeForWrite.Add(a.LastBlockReason, t - a.LastBlockTime);
                    a.LastBlockTime = 0;
                }
                break;
            case GoState.Runnable:
                if (a.LastRunnableTime != 0)
                {
                    s.SchedWaitTime += t - a.LastRunnableTime;
                    a.LastRunnableTime = 0;
                }
                break;
            case GoState.Syscall:
                if (a.LastSyscallTime != 0)
                {
                    if (a.LastSyscallBlockTime != 0)
                    {
                        s.SyscallBlockTime += t - a.LastSyscallBlockTime;
                        s.SyscallTime += a.LastSyscallBlockTime - a.LastSyscallTime;
                    }
                    else
                    {
                        s.SyscallTime += t - a.LastSyscallTime;
                    }
                    a.LastSyscallTime = 0;
                    a.LastSyscallBlockTime = 0;
                    // As Go: a missing entry reads as P 0 (and removes P 0's entry).
                    _syscallingP.Remove(_syscallingG.GetValueOrDefault(id));
                    _syscallingG.Remove(id);
                }
                break;
        }
    }

    private void ProcTransition(in Event ev, long t)
    {
        // A P going idle while its goroutine is in a syscall: the syscall is blocked from now on.
        if (ev.ProcFrom != ev.ProcTo && ev.ProcTo == ProcState.Idle)
        {
            long p = ev.TransitionId;
            if (_syscallingP.Remove(p, out long goid) && TryGet(goid, out var g))
            {
                Act(g).LastSyscallBlockTime = t;
            }
        }
    }

    private void RangeBegin(in Event ev, long t)
    {
        var scope = ev.RangeScopeKind;
        if (scope == ResourceKind.None)
        {
            GcRange(in ev, t);
            return;
        }
        int name = RangeIndex(in ev);
        GoroutineSummary? g = null;
        if (scope == ResourceKind.Goroutine)
        {
            g = Lookup(ev.RangeScopeId);
        }
        else if (scope == ResourceKind.Proc)
        {
            g = Lookup(ev.Goroutine);
            if (g is not null) _rangesP[(ev.RangeScopeId, name)] = ev.Goroutine;
        }
        if (g is null) return;
        // Go would write into a nil map here for a goroutine already finalized (and crash); we keep going.
        var last = Act(g).LastRangeTime ??= new TimeMap();
        if (ev.Kind == EventKind.RangeActive)
        {
            long ts = last.Get(name);
            if (ts != 0) g.Data.RangeTimeForWrite.Add(name, _syncTs - ts);
            last.Set(name, _syncTs);
        }
        else
        {
            last.Set(name, t);
        }
    }

    private void RangeEnd(in Event ev, long t)
    {
        var scope = ev.RangeScopeKind;
        if (scope == ResourceKind.None)
        {
            GcRange(in ev, t);
            return;
        }
        int name = RangeIndex(in ev);
        GoroutineSummary? g = null;
        if (scope == ResourceKind.Goroutine)
        {
            g = Lookup(ev.RangeScopeId);
        }
        else if (scope == ResourceKind.Proc)
        {
            // Attributed only when it ends on the goroutine it began on.
            if (_rangesP.Remove((ev.RangeScopeId, name), out long gid) && gid == ev.Goroutine) g = Lookup(gid);
        }
        if (g is null || Peek(g).LastRangeTime is not { } last) return;
        long ts = last.Get(name);
        if (ts == 0) return;
        g.Data.RangeTimeForWrite.Add(name, t - ts);
        last.Remove(name);
    }

    // "GC concurrent mark phase": not used by Go's summarizer; recorded for the legacy GC pause figure.
    private void GcRange(in Event ev, long t)
    {
        switch (ev.Kind)
        {
            case EventKind.RangeBegin:
                if (_gcOpen < 0) _gcOpen = t;
                break;
            case EventKind.RangeActive:
                if (_gcOpen < 0) _gcOpen = _syncTs; // in progress since before this generation
                break;
            case EventKind.RangeEnd:
                _gc.Add((_gcOpen >= 0 ? _gcOpen : _firstTs, t));
                _gcOpen = -1;
                break;
        }
    }

    private void RegionBegin(in Event ev, long t)
    {
        // Go dereferences a missing goroutine summary here (crash); the ordering guarantees one exists.
        if (!TryGet(ev.Goroutine, out var g)) return;
        var r = NewRegion(g.Id, ev.RegionTask, ev.RegionType, ev, Snapshot(g, t));
        (Act(g).ActiveRegions ??= []).Add(r);
        var task = GetOrAddTask(r.TaskId);
        task.RegionList.Add(r);
        task.GoroutineMap[g.Id] = g;
    }

    private void RegionEnd(in Event ev, long t)
    {
        if (!TryGet(ev.Goroutine, out var g)) return;
        RegionSummary r;
        if (Peek(g).ActiveRegions is { Count: > 0 } active)
        {
            // The innermost open region ends, whatever its name.
            r = active[^1];
            active.RemoveAt(active.Count - 1);
        }
        else
        {
            // An end without a begin (begun before the trace or before the oldest kept generation).
            r = NewRegion(g.Id, ev.RegionTask, ev.RegionType, null, new StatsData());
            var task = GetOrAddTask(r.TaskId);
            task.GoroutineMap[g.Id] = g;
            task.RegionList.Add(r);
        }
        r.Data = Snapshot(g, t).Sub(r.Data);
        r.End = ev;
        (g.RegionList ??= []).Add(r);
    }

    private void TaskEvent(in Event ev)
    {
        var task = GetOrAddTask(ev.TaskId);
        task.Name = ev.TaskType;
        task.GoroutineMap[ev.Goroutine] = Lookup(ev.Goroutine);
        if (ev.Kind == EventKind.TaskBegin) task.Start = ev;
        else task.End = ev;
        ulong parent = ev.TaskParent;
        if (parent != Event.NoTask && task.Parent is null)
        {
            var p = GetOrAddTask(parent);
            task.Parent = p;
            p.ChildList.Add(task);
        }
    }

    private TaskSummary GetOrAddTask(ulong id)
    {
        if (!_tasks.TryGetValue(id, out var task))
        {
            task = new TaskSummary(id);
            _tasks.Add(id, task);
        }
        return task;
    }

    /// <summary>Go's <c>snapshotStat</c>: the accumulated statistics plus everything pending at <paramref name="now"/>.</summary>
    private StatsData Snapshot(GoroutineSummary g, long now)
    {
        var s = g.Data.Clone();
        AddPending(g, ref s, now);
        return s;
    }

    private void AddPending(GoroutineSummary g, ref StatsData s, long now)
    {
        if (g.Data.TotalTime == 0) s.TotalTime = now - g.CreationTime;
        if (g.Activity < 0) return;
        ref readonly var a = ref _activity[g.Activity];
        if (a.LastStartTime != 0) s.ExecTime += now - a.LastStartTime;
        if (a.LastRunnableTime != 0) s.SchedWaitTime += now - a.LastRunnableTime;
        if (a.LastBlockTime != 0) s.BlockTimeForWrite.Add(a.LastBlockReason, now - a.LastBlockTime);
        if (a.LastSyscallTime != 0) s.SyscallTime += now - a.LastSyscallTime;
        // Go adds the blocked part of a pending syscall to the sched wait time, on top of the whole syscall
        // above: a double count we reproduce (spec §2.6.2).
        if (a.LastSyscallBlockTime != 0)
        {
            s.SchedWaitTime += now - a.LastSyscallBlockTime;
            s.SyscallDoubleCount += now - a.LastSyscallBlockTime;
        }
        if (a.LastRangeTime is { } last)
        {
            for (int k = 0; k < last.Length; k++)
            {
                if (last.Has(k)) s.RangeTimeForWrite.Add(k, now - last.Get(k));
            }
        }
    }

    /// <summary>Go's <c>finalize</c>: folds pending state into the statistics, closes the open regions, clears the state.</summary>
    private void Finalize(GoroutineSummary g, long now, Event? trigger)
    {
        if (trigger is { } tr) g.EndTime = tr.Time;
        // The snapshot replaces the statistics, so it can be taken in place.
        AddPending(g, ref g.Data, now);
        var final = g.Data;
        if (!g.IsSystem && Peek(g).ActiveRegions is { } active)
        {
            foreach (var r in active)
            {
                r.End = trigger;
                r.Data = final.Sub(r.Data);
                (g.RegionList ??= []).Add(r);
            }
        }
        Release(g);
    }

    /// <inheritdoc/>
    public void Complete(in PassEnd end)
    {
        var goroutines = new Dictionary<long, GoroutineSummary>(_created.Count);
        for (int i = 0; i < _created.Count; i++)
        {
            var g = _created[i];
            // Summaries replaced by a later one of the same ID (a goroutine seen anew) are dropped, as from Go's map.
            if (_gs.Get((ulong)g.Id) != i) continue;
            Finalize(g, _lastTs, null);
            // Go sorts with an unstable sort: null starts first, then by start time. Ties keep stream order here.
            if (g.RegionList is { Count: > 1 }) g.RegionList = g.RegionList.OrderBy(r => r.Start is null ? 0 : 1).ThenBy(r => r.Start?.Time ?? 0).ToList();
            goroutines.Add(g.Id, g);
        }
        if (_gcOpen >= 0)
        {
            _gc.Add((_gcOpen, _lastTs));
            _gcOpen = -1;
        }
        var result = new TraceSummary(goroutines, _tasks, _gc, end) { LastEventTime = _lastTs };
        Derive(result);
        _result = result;
        // Every goroutine is finalized: the pending state is no longer needed.
        _activity = new(12);
        _freeActivity.Clear();
    }

    private void Derive(TraceSummary t) => _names.Owner = t;

    /// <summary>The Go ≤1.21 figures of one goroutine, made when asked (a trace may have millions of goroutines).</summary>
    internal static LegacyGoroutineStats LegacyOf(GoroutineSummary g, TraceSummary t)
    {
        var s = g.Data;
        var reasons = g.Reasons!;
        long sync = 0;
        foreach (var reason in SyncReasons)
        {
            if (Find(reasons, reason) is int k) sync += s.BlockTimeByReason.Get(k);
        }
        int? net = Find(reasons, "network");
        int? sweep = Find(g.Ranges!, "GC incremental sweep");
        long end = g.EndTime != 0 ? g.EndTime : t.LastEventTime;
        return new LegacyGoroutineStats(
            Execution: s.ExecTime,
            NetworkWait: net is int n ? s.BlockTimeByReason.Get(n) : 0,
            SyncBlock: sync,
            BlockingSyscall: s.SyscallBlockTime,
            SchedulerWait: s.SchedWaitTime,
            GcSweeping: sweep is int w ? s.RangeTime.Get(w) : 0,
            GcPause: Overlap(t._gc, g.CreationTime, end));
    }

    private static readonly string[] SyncReasons = ["chan send", "chan receive", "select", "sync", "sync.(*Cond).Wait"];

    private static int? Find(NameTable table, string name)
    {
        for (int i = 0; i < table.Count; i++)
        {
            if (table[i] == name) return i;
        }
        return null;
    }

    /// <summary>Σ overlap of [start, end] with sorted, disjoint intervals.</summary>
    internal static long Overlap(List<(long Start, long End)> intervals, long start, long end)
    {
        long sum = 0;
        // First interval that ends after start.
        int lo = 0, hi = intervals.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (intervals[mid].End <= start) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < intervals.Count && intervals[i].Start < end; i++)
        {
            long a = Math.Max(start, intervals[i].Start), b = Math.Min(end, intervals[i].End);
            if (b > a) sum += b - a;
        }
        return sum;
    }

    // --- interning ---

    private void SwitchGeneration(GenerationData? gen)
    {
        _cacheGen = gen;
        Array.Clear(_reasonById);
        Array.Clear(_stwById);
    }

    /// <summary>
    /// Interned <see cref="Event.TransitionReason"/>, cached by string ID. Mirrors that property's rule (GoStop and
    /// GoBlock carry the reason's string ID in their first argument); a test checks both agree on every trace.
    /// </summary>
    private int ReasonIndex(in Event ev)
    {
        if (ev.Type is not (Ev.GoStop or Ev.GoBlock)) return _emptyReason;
        ulong id = ev.A0;
        if (id == 0) return _emptyReason;
        if (!ReferenceEquals(ev.Generation, _cacheGen)) SwitchGeneration(ev.Generation);
        if (id < (ulong)_reasonById.Length && _reasonById[id] != 0) return _reasonById[id] - 1;
        int k = _reasons.Intern(ev.TransitionReason);
        if (id < 1 << 20)
        {
            if (id >= (ulong)_reasonById.Length) Array.Resize(ref _reasonById, Math.Max((int)id + 1, _reasonById.Length * 2));
            _reasonById[id] = k + 1;
        }
        return k;
    }

    /// <summary>The reason <see cref="ReasonIndex"/> resolves <paramref name="ev"/> to (for tests).</summary>
    internal string ReasonName(in Event ev) => _reasons[ReasonIndex(in ev)];

    /// <summary>The range name <see cref="RangeIndex"/> resolves <paramref name="ev"/> to (for tests).</summary>
    internal string RangeNameOf(in Event ev) => _ranges[RangeIndex(in ev)];

    /// <summary>Interned <see cref="Event.RangeName"/>: by wire type, and for STW ranges by the reason's string ID.</summary>
    private int RangeIndex(in Event ev)
    {
        if (ev.Type is Ev.STWBegin or Ev.STWEnd)
        {
            ulong id = ev.A0;
            if (!ReferenceEquals(ev.Generation, _cacheGen)) SwitchGeneration(ev.Generation);
            if (id < (ulong)_stwById.Length && _stwById[id] != 0) return _stwById[id] - 1;
            int k = _ranges.Intern(ev.RangeName);
            if (id < 1 << 20)
            {
                if (id >= (ulong)_stwById.Length) Array.Resize(ref _stwById, Math.Max((int)id + 1, _stwById.Length * 2));
                _stwById[id] = k + 1;
            }
            return k;
        }
        int c = _rangeByType[ev.Type];
        if (c != 0) return c - 1;
        int n = _ranges.Intern(ev.RangeName);
        _rangeByType[ev.Type] = n + 1;
        return n;
    }
}
