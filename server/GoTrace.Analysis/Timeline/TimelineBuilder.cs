using GoTrace.Format;

namespace GoTrace.Analysis.Timeline;

/// <summary>
/// Builds a <see cref="TimelineIndex"/> in one pass over a trace, alongside other consumers of
/// <see cref="TracePass"/>. Like Go's timeline it keeps only the valid prefix of a damaged trace.
/// <para>
/// Per event it updates the state machines of the goroutine, proc and thread concerned and appends at most a few
/// spans to their streams (<see cref="TrackWriter"/>: the current span is held unencoded until the next one begins,
/// then varint-encoded into the track's block buffer, and full blocks go to one shared arena). No allocation per
/// event: goroutines, procs and threads live in struct arrays behind open-addressing maps; strings and stacks are
/// interned through per-generation caches. Tables (ranges, regions, tasks, logs, samples) grow by amortized doubling.
/// </para>
/// </summary>
public sealed class TimelineBuilder : IPrefixConsumer
{
    internal readonly RecordStore Store = new();
    internal readonly StringTable Strings = new();
    internal readonly StackTable Stacks;
    internal readonly PyramidOptions Options;

    internal Growable<GState> Gs = new(256);
    private readonly Stack<int> _freeSlots = new();
    internal GoroutineTableBuilder Finished = new();
    internal Growable<PState> Ps = new(16);
    internal Growable<MState> Ms = new(16);
    private readonly LongIntMap _gmap = new(), _pmap = new(), _mmap = new();

    internal Growable<RangeRec> Ranges = new(64);
    internal Growable<RegionRec> Regions = new(16);
    internal Growable<TaskRec> Tasks = new(16);
    internal Growable<LogRec> Logs = new(16);
    internal Growable<SampleRec> Samples = new(64);
    private readonly Dictionary<(int Name, ResourceScope Scope, long Id), int> _openRanges = [];
    private readonly Dictionary<long, List<int>> _openRegions = [];
    private readonly Dictionary<ulong, int> _taskById = [];

    // Go's summarizer's syscall bookkeeping, reproduced so that syscall spans split exactly where its times do.
    private readonly Dictionary<long, long> _syscallingP = [], _syscallingG = [];

    internal readonly CounterWriter Heap, Procs, Goroutines, Threads;

    internal readonly int SCreated, SUnblocked, SSyscallExit, SForever, SMarkAssist;
    private readonly int[] _rangeByType = new int[256];
    private GenerationData? _stwGen;
    private int[] _stwById = new int[16];

    internal long FirstTime, SyncTime, CheckpointTime, Cutoff = long.MaxValue;
    private long _now;
    private bool _any;
    private TimelineIndex? _result;

    /// <summary>Creates a builder. <paramref name="stacks"/> may be shared with other consumers of the same pass.</summary>
    public TimelineBuilder(StackTable? stacks = null, PyramidOptions? options = null)
    {
        Stacks = stacks ?? new StackTable();
        Options = options ?? new PyramidOptions();
        SCreated = Strings.Intern("created");
        SUnblocked = Strings.Intern("unblocked");
        SSyscallExit = Strings.Intern("syscall exit");
        SForever = Strings.Intern("forever");
        SMarkAssist = Strings.Intern("GC mark assist");
        Heap = new CounterWriter(Store, 2, CounterOps.Delta);
        Procs = new CounterWriter(Store, 1, CounterOps.Delta);
        Goroutines = new CounterWriter(Store, 4, CounterOps.GoroutinePair);
        Threads = new CounterWriter(Store, 2, CounterOps.Delta);
    }

    /// <summary>The index, after <see cref="Complete"/>.</summary>
    public TimelineIndex Result => _result ?? throw new InvalidOperationException("the pass has not completed");

    /// <summary>Reads the trace at <paramref name="path"/> and indexes it.</summary>
    public static TimelineIndex Build(string path, PyramidOptions? options = null)
    {
        var b = new TimelineBuilder(null, options);
        TracePass.Run(path, b);
        return b.Result;
    }

    /// <summary>Indexes <paramref name="stream"/>.</summary>
    public static TimelineIndex Build(Stream stream, PyramidOptions? options = null, CancellationToken cancel = default)
    {
        var b = new TimelineBuilder(null, options);
        TracePass.Run(stream, [b], cancel);
        return b.Result;
    }

    /// <inheritdoc/>
    public void Checkpoint() => CheckpointTime = SyncTime;

    /// <inheritdoc/>
    public void Rollback() => Cutoff = CheckpointTime;

    /// <inheritdoc/>
    public void OnEvent(in Event ev)
    {
        long t = ev.Time;
        _now = t;
        if (!_any)
        {
            _any = true;
            FirstTime = t;
            SyncTime = t;
        }
        switch (ev.Kind)
        {
            case EventKind.Sync:
                SyncTime = t;
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
            case EventKind.Metric:
                Metric(in ev, t);
                break;
            case EventKind.Label:
                if (_gmap.TryGet(ev.Goroutine, out int lg))
                {
                    ref var g = ref Gs.Items[lg];
                    g.Label = Strings.OfGeneration(ev.Generation, ev.A0);
                    g.LabelTime = t;
                }
                break;
            case EventKind.StackSample:
                Samples.Add(new SampleRec { Time = t, Goroutine = ev.Goroutine, Proc = ev.Proc, Thread = ev.Thread, Stack = Stacks.OfEvent(in ev) });
                break;
            case EventKind.TaskBegin:
            case EventKind.TaskEnd:
                TaskEvent(in ev, t);
                break;
            case EventKind.RegionBegin:
                RegionBegin(in ev, t);
                break;
            case EventKind.RegionEnd:
                RegionEnd(in ev, t);
                break;
            case EventKind.Log:
                Logs.Add(new LogRec
                {
                    Time = t, Goroutine = ev.Goroutine, Proc = ev.Proc, Thread = ev.Thread, Task = ev.RegionTask,
                    Category = Strings.OfGeneration(ev.Generation, ev.A1), Message = Strings.OfGeneration(ev.Generation, ev.A2),
                    Stack = Stacks.OfEvent(in ev),
                });
                break;
        }
    }

    // ---------------------------------------------------------------- goroutines, procs, threads

    /// <summary>The slot of goroutine <paramref name="id"/>, created (not seen until now) on first mention.</summary>
    private int G(long id)
    {
        if (_gmap.TryGet(id, out int gi)) return gi;
        if (_freeSlots.Count > 0)
        {
            gi = _freeSlots.Pop();
        }
        else
        {
            gi = Gs.Count;
            Gs.Add();
        }
        _gmap.Set(id, gi);
        ref var g = ref Gs.Items[gi];
        var buffers = g.W.Enc.Detach();   // a freed slot keeps its last goroutine's encoder buffers
        g = new GState { Id = id, Proc = -1, Thread = -1, NameTime = long.MaxValue, LabelTime = long.MaxValue };
        g.W.Enc.Reuse(buffers);
        g.W.Stream = -1;
        g.W.Set(Store, FirstTime, (byte)GoroutineState.NotSeen, 0, 0, -1, -1);
        return gi;
    }

    /// <summary>
    /// A goroutine exited (or the pass ended): its track is complete. A track that fits one block (most goroutines)
    /// goes to the goroutine pack as one record; a longer one keeps its stream. The slot is freed for reuse.
    /// </summary>
    private void Finish(int gi)
    {
        ref var g = ref Gs.Items[gi];
        g.W.EmitPending(Store);
        if (g.W.Stream < 0)
        {
            Finished.AddSmall(g.Id, g.Name, g.Label, g.StartStack, g.NameTime, g.LabelTime, g.W.Enc.BlockStart, g.W.Enc.PendingItems,
                g.W.Enc.PendingBytes, FirstTime);
        }
        else
        {
            g.W.Close(Store);
            Finished.AddLarge(g.Id, g.W.Stream, g.Name, g.Label, g.StartStack, g.NameTime, g.LabelTime);
        }
        _gmap.Remove(g.Id);
        var buffers = g.W.Enc.Detach();
        g = default;
        g.W.Enc.Reuse(buffers);
        _freeSlots.Push(gi);
    }

    private int P(long id)
    {
        if (_pmap.TryGet(id, out int pi)) return pi;
        pi = Ps.Count;
        _pmap.Set(id, pi);
        ref var p = ref Ps.Add();
        p = new PState { Id = id, G = -1, Thread = -1, FirstSeen = _now };
        p.W.Stream = Store.NewStream();
        p.W.Set(Store, FirstTime, (byte)ProcActivity.NotSeen, 0, 0, -1, -1);
        return pi;
    }

    private int M(long id)
    {
        if (id < 0) return -1;
        if (_mmap.TryGet(id, out int mi)) return mi;
        mi = Ms.Count;
        _mmap.Set(id, mi);
        ref var m = ref Ms.Add();
        m = new MState { Id = id, G = -1, FirstSeen = _now };
        m.W.Stream = Store.NewStream();
        m.W.Set(Store, FirstTime, (byte)ThreadActivity.Idle, 0, 0, -1, -1);
        return mi;
    }

    private int Reason(in Event ev) => ev.Type is Ev.GoStop or Ev.GoBlock ? Strings.OfGeneration(ev.Generation, ev.A0) : 0;

    private static byte Viewer(GoState s, bool markAssist) => s switch
    {
        GoState.Running or GoState.Syscall => 1,
        GoState.Runnable => 2,
        GoState.Waiting => markAssist ? (byte)3 : (byte)4,
        _ => 0,
    };

    private void GoTransition(in Event ev, long t)
    {
        var from = ev.GoFrom;
        var to = ev.GoTo;
        if (from == to) return; // no-op status events: skipped entirely, as by Go's summarizer
        long id = ev.TransitionId;
        int slot = G(id);
        ref var g = ref Gs.Items[slot];
        // First sight of a goroutine that existed before: its state is back-dated to the last Sync (as the summarizer).
        long start = from == GoState.Undetermined ? Math.Max(SyncTime, g.W.Start) : t;
        int evStack = Stacks.OfEvent(in ev);

        if (g.Name == 0 && ev.HasTransitionStack)
        {
            int ts = Stacks.OfTransition(in ev);
            var frames = Stacks.FrameIndexes(ts);
            if (frames.Length > 0)
            {
                int name = Strings.Intern(Stacks.GetFrame(frames[^1]).Function);
                if (name != 0)
                {
                    g.Name = name;
                    g.NameTime = t;
                }
            }
        }
        if (from == GoState.NotExist)
        {
            g.StartStack = Stacks.OfTransition(in ev);
            g.LastStop = g.StartStack;
        }
        if (from == GoState.Syscall)
        {
            // As Go: a missing entry reads as P 0.
            _syscallingP.Remove(_syscallingG.GetValueOrDefault(id));
            _syscallingG.Remove(id);
        }

        byte cat;
        int code = 0, stack = evStack;
        long a = -1, b = -1;
        switch (to)
        {
            case GoState.Runnable:
                cat = (byte)GoroutineState.Runnable;
                code = from switch
                {
                    GoState.NotExist => SCreated,
                    GoState.Waiting => SUnblocked,
                    GoState.Running => Reason(in ev),
                    GoState.Syscall => SSyscallExit,
                    _ => 0,
                };
                if (from is GoState.NotExist or GoState.Waiting && ev.Goroutine >= 0) a = ev.Goroutine;
                break;
            case GoState.Running:
                cat = (byte)GoroutineState.Running;
                stack = g.LastStop;
                if (ev.Proc >= 0) a = ev.Proc;
                break;
            case GoState.Waiting:
                cat = (byte)GoroutineState.Waiting;
                if (from == GoState.NotExist)
                {
                    code = SCreated;
                    if (ev.Goroutine >= 0) a = ev.Goroutine;
                }
                else
                {
                    code = Reason(in ev);
                }
                break;
            case GoState.Syscall:
                cat = from == GoState.Undetermined && ev.Proc < 0 ? (byte)GoroutineState.SyscallBlocked : (byte)GoroutineState.Syscall;
                if (ev.Proc >= 0) a = ev.Proc;
                if (ev.Thread >= 0) b = ev.Thread;
                _syscallingP[ev.Proc] = id;
                _syscallingG[id] = ev.Proc;
                break;
            default:
                cat = (byte)GoroutineState.Dead;
                break;
        }
        if ((from == GoState.Running && to != GoState.Syscall) || (from == GoState.Undetermined && evStack != 0)) g.LastStop = evStack;
        g.W.Set(Store, start, cat, code, stack, a, b);

        // Procs and threads.
        bool wasExec = from is GoState.Running or GoState.Syscall, isExec = to is GoState.Running or GoState.Syscall;
        if (wasExec && !isExec)
        {
            ReleaseProc(ref g, t);
            ReleaseThread(ref g, t);
        }
        else if (isExec)
        {
            int mi = M(ev.Thread);
            int pi = ev.Proc >= 0 ? P(ev.Proc) : -1;
            long s = wasExec ? t : start;
            if (pi != g.Proc) ReleaseProc(ref g, t);
            if (mi != g.Thread) ReleaseThread(ref g, t);
            if (pi >= 0)
            {
                ref var p = ref Ps.Items[pi];
                p.G = id;
                g.Proc = pi;
                p.W.Set(Store, Math.Max(s, p.W.Start), to == GoState.Running ? (byte)ProcActivity.Running : (byte)ProcActivity.Syscall,
                    0, 0, id, mi);
            }
            if (mi >= 0)
            {
                ref var m = ref Ms.Items[mi];
                m.G = id;
                g.Thread = mi;
                byte mc = to == GoState.Running ? (byte)ThreadActivity.Running
                    : g.Proc >= 0 ? (byte)ThreadActivity.Syscall : (byte)ThreadActivity.SyscallBlocked;
                m.W.Set(Store, Math.Max(s, m.W.Start), mc, 0, 0, id, g.Proc >= 0 ? Ps.Items[g.Proc].Id : -1);
            }
        }
        // Counters.
        byte v = Viewer(to, g.MarkAssist);
        Goroutines.Pair(Store, t, g.Viewer, v);
        g.Viewer = v;
        if (from == GoState.Syscall) Threads.Delta(Store, t, 1, -1);
        if (to == GoState.Syscall) Threads.Delta(Store, t, 1, 1);
        g.State = to;
        if (to == GoState.NotExist) Finish(slot);
    }

    private void ReleaseProc(ref GState g, long t)
    {
        if (g.Proc < 0) return;
        ref var p = ref Ps.Items[g.Proc];
        if (p.G == g.Id)
        {
            p.G = -1;
            p.W.Set(Store, t, p.Running ? (byte)ProcActivity.Scheduling : (byte)ProcActivity.Idle, 0, 0, -1, p.Running ? p.Thread : -1);
        }
        g.Proc = -1;
    }

    private void ReleaseThread(ref GState g, long t)
    {
        if (g.Thread < 0) return;
        ref var m = ref Ms.Items[g.Thread];
        if (m.G == g.Id)
        {
            m.G = -1;
            m.W.Set(Store, t, (byte)ThreadActivity.Idle, 0, 0, -1, -1);
        }
        g.Thread = -1;
    }

    private void ProcTransition(in Event ev, long t)
    {
        var from = ev.ProcFrom;
        var to = ev.ProcTo;
        if (from == to) return;
        long pid = ev.TransitionId;
        int pi = P(pid);
        ref var p = ref Ps.Items[pi];
        long start = from == ProcState.Undetermined ? Math.Max(SyncTime, p.W.Start) : t;
        if (to == ProcState.Running)
        {
            int mi = M(ev.Thread);
            p = ref Ps.Items[pi];
            p.Running = true;
            p.Thread = mi;
            if (p.G < 0) p.W.Set(Store, start, (byte)ProcActivity.Scheduling, 0, 0, -1, mi);
            Threads.Delta(Store, start, 0, 1);
            return;
        }
        if (from == ProcState.Running) Threads.Delta(Store, t, 0, -1);
        p.Running = false;
        if (p.G >= 0)
        {
            // The P is taken from a goroutine in a syscall: its thread goes on in the syscall without a P.
            if (_gmap.TryGet(p.G, out int gi))
            {
                ref var g = ref Gs.Items[gi];
                if (g.Proc == pi)
                {
                    g.Proc = -1;
                    if (g.Thread >= 0 && Ms.Items[g.Thread].G == g.Id)
                    {
                        Ms.Items[g.Thread].W.Set(Store, t, (byte)ThreadActivity.SyscallBlocked, 0, 0, g.Id, -1);
                    }
                }
            }
            p.G = -1;
        }
        p.W.Set(Store, start, to == ProcState.Idle ? (byte)ProcActivity.Idle : (byte)ProcActivity.NotSeen, 0, 0, -1, -1);

        // The summarizer's rule: a P going idle while its goroutine is in a syscall makes the syscall blocked.
        if (to == ProcState.Idle && _syscallingP.Remove(pid, out long goid) && _gmap.TryGet(goid, out int gj))
        {
            ref var g = ref Gs.Items[gj];
            if (g.W.Cat == (byte)GoroutineState.Syscall)
            {
                g.W.Set(Store, t, (byte)GoroutineState.SyscallBlocked, 0, g.W.Stack, pid, g.W.B);
            }
        }
    }

    // ---------------------------------------------------------------- ranges, metrics, annotations

    private int RangeName(in Event ev)
    {
        if (ev.Type is Ev.STWBegin or Ev.STWEnd)
        {
            if (!ReferenceEquals(ev.Generation, _stwGen))
            {
                _stwGen = ev.Generation;
                Array.Clear(_stwById);
            }
            ulong id = ev.A0;
            if (id < (ulong)_stwById.Length && _stwById[id] != 0) return _stwById[id] - 1;
            int k = Strings.Intern(ev.RangeName);
            if (id < 1 << 16)
            {
                if (id >= (ulong)_stwById.Length) Array.Resize(ref _stwById, Math.Max((int)id + 1, _stwById.Length * 2));
                _stwById[id] = k + 1;
            }
            return k;
        }
        int c = _rangeByType[ev.Type];
        if (c != 0) return c - 1;
        int n = Strings.Intern(ev.RangeName);
        _rangeByType[ev.Type] = n + 1;
        return n;
    }

    private void RangeBegin(in Event ev, long t)
    {
        int name = RangeName(in ev);
        var scope = (ResourceScope)ev.RangeScopeKind;
        long sid = ev.RangeScopeId;
        var key = (name, scope, sid);
        if (ev.Kind == EventKind.RangeActive)
        {
            if (_openRanges.ContainsKey(key)) return;
            t = SyncTime; // in progress since before this generation
        }
        else if (_openRanges.Remove(key, out int prev))
        {
            Ranges.Items[prev].End = t; // a range begun twice: the first ends here
        }
        _openRanges[key] = Ranges.Count;
        Ranges.Add(new RangeRec
        {
            Name = name, Scope = scope, ScopeId = sid, Start = t, End = -1, Goroutine = ev.Goroutine,
            StartStack = ev.Kind == EventKind.RangeBegin ? Stacks.OfEvent(in ev) : 0,
        });
        if (name == SMarkAssist && scope == ResourceScope.Goroutine && _gmap.TryGet(sid, out int gi)) Gs.Items[gi].MarkAssist = true;
    }

    private void RangeEnd(in Event ev, long t)
    {
        int name = RangeName(in ev);
        var scope = (ResourceScope)ev.RangeScopeKind;
        long sid = ev.RangeScopeId;
        if (!_openRanges.Remove((name, scope, sid), out int i))
        {
            i = Ranges.Count;
            Ranges.Add(new RangeRec { Name = name, Scope = scope, ScopeId = sid, Start = -1, Goroutine = ev.Goroutine });
        }
        ref var r = ref Ranges.Items[i];
        r.End = t;
        r.EndStack = Stacks.OfEvent(in ev);
        if (ev.HasSweepAttributes)
        {
            r.Swept = ev.A0;
            r.Reclaimed = ev.A1;
        }
        if (name == SMarkAssist && scope == ResourceScope.Goroutine && _gmap.TryGet(sid, out int gi)) Gs.Items[gi].MarkAssist = false;
    }

    private void Metric(in Event ev, long t)
    {
        long v = (long)Math.Min(ev.MetricValue, long.MaxValue);
        switch (ev.Type)
        {
            case Ev.HeapAlloc:
                Heap.Set(Store, t, 0, v);
                break;
            case Ev.HeapGoal:
                Heap.Set(Store, t, 1, ev.MetricValue > 1UL << 50 ? 0 : v);
                break;
            case Ev.ProcsChange:
                Procs.Set(Store, t, 0, v);
                break;
        }
    }

    private void TaskEvent(in Event ev, long t)
    {
        ulong id = ev.TaskId;
        bool begin = ev.Kind == EventKind.TaskBegin;
        if (!_taskById.TryGetValue(id, out int i) || (begin && Tasks.Items[i].Start >= 0))
        {
            i = Tasks.Count;
            _taskById[id] = i;
            Tasks.Add(new TaskRec { Id = id, Parent = Event.NoTask, Start = -1, End = -1, StartG = -1, EndG = -1 });
        }
        ref var k = ref Tasks.Items[i];
        int name = begin ? Strings.OfGeneration(ev.Generation, ev.A2) : Strings.Intern(ev.TaskType);
        if (name != 0 || k.Name == 0) k.Name = name;
        if (k.Parent == Event.NoTask) k.Parent = ev.TaskParent;
        if (begin)
        {
            k.Start = t;
            k.StartG = ev.Goroutine;
            k.StartStack = Stacks.OfEvent(in ev);
        }
        else
        {
            k.End = t;
            k.EndG = ev.Goroutine;
            k.EndStack = Stacks.OfEvent(in ev);
        }
    }

    private void RegionBegin(in Event ev, long t)
    {
        if (!_openRegions.TryGetValue(ev.Goroutine, out var open)) _openRegions[ev.Goroutine] = open = [];
        open.Add(Regions.Count);
        Regions.Add(new RegionRec
        {
            Goroutine = ev.Goroutine, Task = ev.RegionTask, Name = Strings.OfGeneration(ev.Generation, ev.A1), Start = t, End = -1,
            StartStack = Stacks.OfEvent(in ev), Depth = open.Count - 1,
        });
    }

    private void RegionEnd(in Event ev, long t)
    {
        int i;
        // As Go's summarizer: the innermost open region ends, whatever its name.
        if (_openRegions.TryGetValue(ev.Goroutine, out var open) && open.Count > 0)
        {
            i = open[^1];
            open.RemoveAt(open.Count - 1);
        }
        else
        {
            i = Regions.Count;
            Regions.Add(new RegionRec
            {
                Goroutine = ev.Goroutine, Task = ev.RegionTask, Name = Strings.OfGeneration(ev.Generation, ev.A1), Start = -1,
            });
        }
        ref var r = ref Regions.Items[i];
        r.End = t;
        r.EndStack = Stacks.OfEvent(in ev);
    }

    /// <inheritdoc/>
    public void Complete(in PassEnd end)
    {
        var free = new HashSet<int>(_freeSlots);
        for (int i = 0; i < Gs.Count; i++)
        {
            if (!free.Contains(i)) Finish(i);
        }
        for (int i = 0; i < Ps.Count; i++) Ps.Items[i].W.Close(Store);
        for (int i = 0; i < Ms.Count; i++) Ms.Items[i].W.Close(Store);
        Heap.Flush(Store);
        Procs.Flush(Store);
        Goroutines.Flush(Store);
        Threads.Flush(Store);
        Store.Freeze();
        _openRanges.Clear();
        _openRegions.Clear();
        _taskById.Clear();
        _syscallingG.Clear();
        _syscallingP.Clear();
        _result = new TimelineIndex(this, end);
        // Nothing of the build is needed any more, even if this builder stays referenced.
        Finished = new GoroutineTableBuilder();
        Gs = default;
        Ps = default;
        Ms = default;
    }
}

/// <summary>Build-time state of one goroutine.</summary>
internal struct GState
{
    public long Id;
    public TrackWriter W;
    public GoState State;
    public int Proc, Thread; // dense indices while executing, else −1
    public int Name, Label, LastStop, StartStack;
    public long NameTime, LabelTime;
    public byte Viewer;
    public bool MarkAssist;
}

/// <summary>Build-time state of one P.</summary>
internal struct PState
{
    public long Id;
    public TrackWriter W;
    public long G, FirstSeen;
    public int Thread;
    public bool Running;
}

/// <summary>Build-time state of one thread.</summary>
internal struct MState
{
    public long Id;
    public TrackWriter W;
    public long G, FirstSeen;
}
