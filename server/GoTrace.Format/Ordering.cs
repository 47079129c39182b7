using System.Runtime.CompilerServices;

namespace GoTrace.Format;

/// <summary>
/// The scheduler state machine that decides whether the next event of a thread may be emitted, validates
/// it, and turns it into one or more model events (Go's <c>ordering</c>, <c>src/internal/trace/order.go</c>).
/// State lives for the whole trace and survives generation boundaries.
/// </summary>
internal sealed partial class Ordering
{
    // Wire goroutine statuses (tracev2.GoStatus) and proc statuses (tracev2.ProcStatus).
    private const byte GBad = 0, GRunnable = 1, GRunning = 2, GSyscall = 3, GWaiting = 4;
    private const byte PBad = 0, PRunning = 1, PIdle = 2, PSyscall = 3, PSyscallAbandoned = 4;

    private static readonly GoState[] GoStatusToState = [GoState.Undetermined, GoState.Runnable, GoState.Running, GoState.Syscall, GoState.Waiting];
    private static readonly ProcState[] ProcStatusToState = [ProcState.Undetermined, ProcState.Running, ProcState.Idle, ProcState.Running, ProcState.Idle];
    private static readonly string[] GoStatusNames = ["Bad", "Runnable", "Running", "Syscall", "Waiting"];
    private static readonly string[] ProcStatusNames = ["Bad", "Running", "Idle", "Syscall", "SyscallAbandoned"];

    private readonly record struct Seq(ulong Gen, ulong N)
    {
        public bool Succeeds(Seq b) => Gen == b.Gen && N == b.N + 1;
        public override string ToString() => $"{N} (gen={Gen})";
    }

    private readonly record struct RangeType(byte Type, ulong Desc);

    private class RangeState
    {
        // Made on first use: a trace may have millions of goroutines, and most never have a range or a region.
        private List<RangeType>? _inFlight;

        public void Begin(RangeType t)
        {
            var inFlight = _inFlight ??= [];
            if (inFlight.Contains(t))
                throw Fail($"discovered event already in-flight for when starting event {Specs.Name(t.Type)}");
            inFlight.Add(t);
        }

        public void Active(RangeType t, bool initialGen)
        {
            if (initialGen)
            {
                var inFlight = _inFlight ??= [];
                if (inFlight.Contains(t)) throw Fail($"found named active range already in first gen: {{{t.Type} {t.Desc}}}");
                inFlight.Add(t);
            }
            else if (_inFlight is null || !_inFlight.Contains(t))
            {
                throw Fail($"resource is missing active range: {Specs.Name(t.Type)} [{string.Join(' ', (_inFlight ?? []).Select(r => $"{{{r.Type} {r.Desc}}}"))}]");
            }
        }

        /// <summary>Ends the first in-flight range of the begin type; removal swaps with the last entry, as in Go.</summary>
        public ulong End(byte endType)
        {
            byte st = Specs.Table[endType]!.StartEvent;
            var inFlight = _inFlight;
            int idx = -1;
            for (int i = 0; i < (inFlight?.Count ?? 0); i++)
            {
                if (inFlight![i].Type == st) { idx = i; break; }
            }
            if (idx < 0) throw Fail($"tried to end event {Specs.Name(st)}, but not in-flight");
            ulong desc = inFlight![idx].Desc;
            inFlight[idx] = inFlight[^1];
            inFlight.RemoveAt(inFlight.Count - 1);
            return desc;
        }
    }

    private sealed class GState(long id) : RangeState
    {
        public readonly long Id = id;
        public byte Status;
        public Seq Seq;
        public List<(ulong Task, string Name)>? Regions; // made on first use
    }

    private sealed class PState : RangeState
    {
        public byte Status;
        public Seq Seq;
    }

    /// <summary>What a thread is running; cursors cache their thread's entry to skip a lookup per event.</summary>
    internal sealed class MState
    {
        public long G = -1, P = -1;
    }

    private enum GcState : byte { Undetermined, NotRunning, Running }

    private readonly LongMap<GState> _g = new();
    private readonly SmallIdMap<PState> _p = new();
    private readonly Dictionary<long, MState> _m = [];
    private readonly Dictionary<ulong, (byte[] Name, ulong Parent)> _tasks = [];
    private ulong _gcSeq;
    private GcState _gc;
    private ulong _initialGen;

    /// <summary>FIFO of model events produced but not yet returned.</summary>
    public readonly EventQueue Queue = new();

    // PERF: the first event an advance produces (almost always the only one) is written straight into the caller's
    // output; only further ones go through the queue. Saves a struct copy and ring-buffer bookkeeping per event.
    private bool _hasFirst;

    /// <summary>Whether the last advance wrote its first event into the output; resets the flag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TakeFirst()
    {
        bool had = _hasFirst;
        _hasFirst = false;
        return had;
    }

    private static Exception Fail(string reason) => new OrderingException(reason);

    private struct Ctx
    {
        public long M, P, G;
    }

    private enum Req : byte { MustNot, May, Must }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Validate(Ctx c, Req m, Req p, Req g)
    {
        if (m == Req.Must && c.M == -1) throw Fail("expected a thread but didn't have one");
        if (m == Req.MustNot && c.M != -1) throw Fail("expected no thread but had one");
        if (p == Req.Must && c.P == -1) throw Fail("expected a proc but didn't have one");
        if (p == Req.MustNot && c.P != -1) throw Fail("expected no proc but had one");
        if (g == Req.Must && c.G == -1) throw Fail("expected a goroutine but didn't have one");
        if (g == Req.MustNot && c.G != -1) throw Fail("expected no goroutine but had one");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ValidateUser(Ctx c) => Validate(c, Req.Must, Req.Must, Req.Must);

    /// <summary>Emits a model event for <paramref name="ev"/>; returns it so that a handler can add what the wire lacks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Event Push(ref Event o, in DecodedEvent ev, Ctx ctx, GenerationData d, byte oldState = 0, byte newState = 0)
    {
        ref var e = ref _hasFirst ? ref Queue.PushRef() : ref o;
        _hasFirst = true;
        // Field by field: a whole-struct copy would also copy (with a write barrier) the reference set just below.
        e.Time = ev.Time;
        e.Type = ev.Type;
        e.A0 = ev.A0;
        e.A1 = ev.A1;
        e.A2 = ev.A2;
        e.A3 = ev.A3;
        e.Extra = 0;
        e.Thread = ctx.M;
        e.Proc = ctx.P;
        e.Goroutine = ctx.G;
        e.Generation = d;
        e.Kind = KindOf(ev.Type);
        e.OldState = oldState;
        e.NewState = newState;
        e.IdsChecked = ev.IdsChecked;
        return ref e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PushGo(ref Event o, in DecodedEvent ev, Ctx ctx, GenerationData d, GoState from, GoState to) => Push(ref o, ev, ctx, d, (byte)from, (byte)to);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PushProc(ref Event o, in DecodedEvent ev, Ctx ctx, GenerationData d, ProcState from, ProcState to) => Push(ref o, ev, ctx, d, (byte)from, (byte)to);

    private static DecodedEvent Synth(byte type, long time, ulong a0 = 0, ulong a1 = 0) => new() { Type = type, Time = time, A0 = a0, A1 = a1 };

    /// <summary>The state of thread <paramref name="m"/>, created on first use.</summary>
    public MState Thread(long m)
    {
        if (!_m.TryGetValue(m, out var ms))
        {
            ms = new MState();
            _m[m] = ms;
        }
        return ms;
    }

    /// <summary>
    /// Tries to advance <paramref name="ev"/>, read from thread <paramref name="m"/> in generation <paramref name="gen"/>.
    /// Returns false if it is not ready yet; throws <see cref="OrderingException"/> if the trace is inconsistent.
    /// </summary>
    /// <remarks>The first event produced is written to <paramref name="o"/>, further ones to <see cref="Queue"/>.</remarks>
    public bool Advance(ref DecodedEvent ev, ref Event o, GenerationData d, long m, MState? ms, ulong gen)
    {
        if (_initialGen == 0) _initialGen = gen;
        Ctx cur = new() { M = m, P = -1, G = -1 };
        if (ms is not null)
        {
            cur.P = ms.P;
            cur.G = ms.G;
        }
        Ctx next = cur;
        bool ok = ev.Type switch
        {
            Ev.ProcsChange or Ev.GoLabel or Ev.UserLog => Annotation(ref ev, ref o, d, cur),
            Ev.ProcStart => ProcStart(ref ev, ref o, d, gen, cur, ref next),
            Ev.ProcStop => ProcStop(ref ev, ref o, d, cur, ref next),
            Ev.ProcSteal => ProcSteal(ref ev, ref o, d, gen, cur, ref next),
            Ev.ProcStatus => ProcStatus(ref ev, ref o, d, gen, cur, ref next),
            Ev.GoCreate or Ev.GoCreateBlocked => GoCreate(ref ev, ref o, d, gen, cur),
            Ev.GoCreateSyscall => GoCreateSyscall(ref ev, ref o, d, gen, cur, ref next),
            Ev.GoStart => GoStart(ref ev, ref o, d, gen, cur, ref next),
            Ev.GoDestroy or Ev.GoStop or Ev.GoBlock => GoStopExec(ref ev, ref o, d, cur, ref next),
            Ev.GoDestroySyscall => GoDestroySyscall(ref ev, ref o, d, cur, ref next),
            Ev.GoUnblock => GoUnblock(ref ev, ref o, d, gen, cur),
            Ev.GoSyscallBegin => GoSyscallBegin(ref ev, ref o, d, gen, cur),
            Ev.GoSyscallEnd => GoSyscallEnd(ref ev, ref o, d, cur),
            Ev.GoSyscallEndBlocked => GoSyscallEndBlocked(ref ev, ref o, d, cur, ref next),
            Ev.GoStatus or Ev.GoStatusStack => GoStatus(ref ev, ref o, d, gen, cur, ref next),
            Ev.STWBegin or Ev.GCMarkAssistBegin => GoRangeBegin(ref ev, ref o, d, cur),
            Ev.STWEnd or Ev.GCMarkAssistEnd => GoRangeEnd(ref ev, ref o, d, cur),
            Ev.GCMarkAssistActive => GoRangeActive(ref ev, ref o, d, gen, cur),
            Ev.GCActive => GcActive(ref ev, ref o, d, gen, cur),
            Ev.GCBegin => GcBegin(ref ev, ref o, d, cur),
            Ev.GCEnd => GcEnd(ref ev, ref o, d, cur),
            Ev.GCSweepActive => SweepActive(ref ev, ref o, d, gen, cur),
            Ev.GCSweepBegin => SweepBegin(ref ev, ref o, d, cur),
            Ev.GCSweepEnd => SweepEnd(ref ev, ref o, d, cur),
            Ev.HeapAlloc or Ev.HeapGoal => HeapMetric(ref ev, ref o, d, cur),
            Ev.UserTaskBegin => TaskBegin(ref ev, ref o, d, cur),
            Ev.UserTaskEnd => TaskEnd(ref ev, ref o, d, cur),
            Ev.UserRegionBegin => RegionBegin(ref ev, ref o, d, cur),
            Ev.UserRegionEnd => RegionEnd(ref ev, ref o, d, cur),
            Ev.GoSwitch or Ev.GoSwitchDestroy => GoSwitch(ref ev, ref o, d, gen, cur, ref next),
            >= Ev.Span and <= Ev.GoroutineStackFree => AllocFree(ref ev, ref o, d, cur),
            _ => throw Fail($"bad event type found while ordering: {ev.Type}"),
        };
        if (ok && ms is not null)
        {
            ms.P = next.P;
            ms.G = next.G;
        }
        return ok;
    }

    private bool Annotation(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ValidateUser(cur);
        Push(ref o, ev, cur, d);
        return true;
    }

    private bool ProcStatus(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        long pid = (long)ev.A0;
        ulong status = ev.A1;
        if (status >= (ulong)ProcStatusToState.Length) throw Fail($"invalid status for proc {pid}: {status}");
        var st = (byte)status;
        ProcState old = ProcStatusToState[st];
        if (_p.TryGetValue(pid, out var s))
        {
            if (st == PSyscallAbandoned && s.Status == PSyscall)
            {
                old = ProcState.Running;
                ev.A1 = PSyscall;
            }
            else if (st == PSyscallAbandoned && s.Status == PSyscallAbandoned)
            {
                old = ProcState.Idle;
                ev.A1 = PSyscallAbandoned;
            }
            else if (s.Status != st)
            {
                throw Fail($"inconsistent status for proc {pid}: old {ProcStatusNames[s.Status]} vs. new {ProcStatusNames[st]}");
            }
            s.Seq = new Seq(gen, 0);
        }
        else
        {
            _p.Add(pid, new PState { Status = st, Seq = new Seq(gen, 0) });
            old = gen == _initialGen ? ProcState.Undetermined : ProcState.NotExist;
        }
        if (st == PRunning || st == PSyscall) next.P = pid;
        if (st == PSyscallAbandoned && old == ProcState.Running)
        {
            bool found = false;
            foreach (var (mid, mst) in _m)
            {
                if (mst.P == pid)
                {
                    cur.M = mid;
                    cur.P = pid;
                    cur.G = mst.G;
                    found = true;
                }
            }
            if (!found) throw Fail($"failed to find sched context for proc {pid} that's about to be stolen");
        }
        PushProc(ref o, ev, cur, d, old, ProcStatusToState[ev.A1]);
        return true;
    }

    private bool ProcStart(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        long pid = (long)ev.A0;
        var seq = new Seq(gen, ev.A1);
        if (!_p.TryGetValue(pid, out var s) || s.Status != PIdle || !seq.Succeeds(s.Seq) || cur.P != -1) return false;
        Validate(cur, Req.Must, Req.MustNot, Req.May);
        s.Status = PRunning;
        s.Seq = seq;
        next.P = pid;
        PushProc(ref o, ev, cur, d, ProcState.Idle, ProcState.Running);
        return true;
    }

    private bool ProcStop(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur, ref Ctx next)
    {
        if (!_p.TryGetValue(cur.P, out var s)) throw Fail($"event ProcStop for proc ({cur.P}) that doesn't exist");
        if (s.Status != PRunning && s.Status != PSyscall) throw Fail("ProcStop event for proc that's not Running or Syscall");
        Validate(cur, Req.Must, Req.Must, Req.May);
        s.Status = PIdle;
        next.P = -1;
        PushProc(ref o, ev, cur, d, ProcState.Running, ProcState.Idle);
        return true;
    }

    private bool ProcSteal(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        long pid = (long)ev.A0;
        var seq = new Seq(gen, ev.A1);
        if (!_p.TryGetValue(pid, out var s) || (s.Status != PSyscall && s.Status != PSyscallAbandoned) || !seq.Succeeds(s.Seq)) return false;
        Validate(cur, Req.Must, Req.May, Req.May);
        byte oldStatus = s.Status;
        s.Status = PIdle;
        s.Seq = seq;
        if (oldStatus == PSyscallAbandoned)
        {
            PushProc(ref o, ev, cur, d, ProcState.Idle, ProcState.Idle);
            return true;
        }
        long mid = (long)ev.A2;
        if (mid == cur.M)
        {
            if (cur.P != pid) throw Fail($"tried to self-steal proc {pid} (thread {mid}), but got proc {cur.P} instead");
            next.P = -1;
            PushProc(ref o, ev, cur, d, ProcState.Running, ProcState.Idle);
            return true;
        }
        if (!_m.TryGetValue(mid, out var victim)) throw Fail($"stole proc from non-existent thread {mid}");
        if (victim.P != pid) throw Fail($"tried to steal proc {pid} from thread {mid}, but got proc {victim.P} instead");
        victim.P = -1;
        PushProc(ref o, ev, cur, d, ProcState.Running, ProcState.Idle);
        return true;
    }

    private bool GoStatus(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        long gid = (long)ev.A0;
        long mid = (long)ev.A1;
        ulong status = ev.A2;
        if (status >= (ulong)GoStatusToState.Length) throw Fail($"invalid status for goroutine {gid}: {status}");
        var st = (byte)status;
        GoState old = GoStatusToState[st];
        if (_g.TryGetValue(gid, out var s))
        {
            if (s.Status != st) throw Fail($"inconsistent status for goroutine {gid}: old {GoStatusNames[s.Status]} vs. new {GoStatusNames[st]}");
            s.Seq = new Seq(gen, 0);
        }
        else if (gen == _initialGen)
        {
            _g[gid] = new GState(gid) { Status = st, Seq = new Seq(gen, 0) };
            old = GoState.Undetermined;
        }
        else
        {
            throw Fail($"found goroutine status for new goroutine after the first generation: id={gid} status={GoStatusNames[st]}");
        }
        switch (st)
        {
            case GRunning:
                next.G = gid;
                break;
            case GSyscall:
                if (mid == -1) throw Fail($"found goroutine {gid} in syscall without a thread");
                if (mid == cur.M)
                {
                    if (gen != _initialGen && cur.G != gid)
                        throw Fail($"inconsistent thread for syscalling goroutine {gid}: thread has goroutine {cur.G}");
                    next.G = gid;
                    break;
                }
                if (_m.TryGetValue(mid, out var other))
                {
                    if (other.G != gid) throw Fail($"inconsistent thread for syscalling goroutine {gid}: thread has goroutine {other.G}");
                    cur.G = other.G;
                }
                else
                {
                    _m[mid] = new MState { G = gid, P = -1 };
                }
                cur.M = mid;
                break;
        }
        PushGo(ref o, ev, cur, d, old, GoStatusToState[st]);
        return true;
    }

    private bool GoCreate(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur)
    {
        Validate(cur, Req.Must, Req.Must, Req.May);
        if (_g.TryGetValue(cur.G, out var creator) && creator.Status != GRunning)
            throw Fail($"{Specs.Name(ev.Type)} event for goroutine that's not Running");
        long ng = (long)ev.A0;
        if (_g.ContainsKey(ng)) throw Fail($"tried to create goroutine ({ng}) that already exists");
        byte status = ev.Type == Ev.GoCreateBlocked ? GWaiting : GRunnable;
        _g[ng] = new GState(ng) { Status = status, Seq = new Seq(gen, 0) };
        PushGo(ref o, ev, cur, d, GoState.NotExist, status == GWaiting ? GoState.Waiting : GoState.Runnable);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private GState RunningG(in DecodedEvent ev, Ctx cur, byte want = GRunning, string wantName = "Running")
    {
        if (!_g.TryGetValue(cur.G, out var s)) throw Fail($"event {Specs.Name(ev.Type)} for goroutine ({cur.G}) that doesn't exist");
        if (s.Status != want) throw Fail($"{Specs.Name(ev.Type)} event for goroutine that's not {wantName}");
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool GoStopExec(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur, ref Ctx next)
    {
        ValidateUser(cur);
        var s = RunningG(ev, cur);
        GoState to;
        switch (ev.Type)
        {
            case Ev.GoDestroy:
                _g.Remove(cur.G);
                to = GoState.NotExist;
                break;
            case Ev.GoStop:
                s.Status = GRunnable;
                to = GoState.Runnable;
                break;
            default:
                s.Status = GWaiting;
                to = GoState.Waiting;
                break;
        }
        next.G = -1;
        PushGo(ref o, ev, cur, d, GoState.Running, to);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool GoStart(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        long gid = (long)ev.A0;
        var seq = new Seq(gen, ev.A1);
        if (!_g.TryGetValue(gid, out var s) || s.Status != GRunnable || !seq.Succeeds(s.Seq)) return false;
        Validate(cur, Req.Must, Req.Must, Req.MustNot);
        s.Status = GRunning;
        s.Seq = seq;
        next.G = gid;
        PushGo(ref o, ev, cur, d, GoState.Runnable, GoState.Running);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool GoUnblock(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur)
    {
        long gid = (long)ev.A0;
        var seq = new Seq(gen, ev.A1);
        if (!_g.TryGetValue(gid, out var s) || s.Status != GWaiting || !seq.Succeeds(s.Seq)) return false;
        s.Status = GRunnable;
        s.Seq = seq;
        PushGo(ref o, ev, cur, d, GoState.Waiting, GoState.Runnable);
        return true;
    }

    private bool GoSwitch(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        ValidateUser(cur);
        var curG = RunningG(ev, cur);
        long nextG = (long)ev.A0;
        var seq = new Seq(gen, ev.A1);
        if (!_g.TryGetValue(nextG, out var ns) || ns.Status != GWaiting || !seq.Succeeds(ns.Seq)) return false;
        PushGo(ref o, ev, cur, d, GoState.Waiting, GoState.Runnable);
        if (ev.Type == Ev.GoSwitch)
        {
            curG.Status = GWaiting;
            PushGo(ref o, Synth(Ev.GoBlock, ev.Time), cur, d, GoState.Running, GoState.Waiting);
        }
        else
        {
            _g.Remove(cur.G);
            PushGo(ref o, Synth(Ev.GoDestroy, ev.Time), cur, d, GoState.Running, GoState.NotExist);
        }
        ns.Status = GRunning;
        ns.Seq = seq;
        next.G = nextG;
        var startCtx = cur;
        startCtx.G = -1;
        PushGo(ref o, Synth(Ev.GoStart, ev.Time, (ulong)nextG, ev.A1), startCtx, d, GoState.Runnable, GoState.Running);
        return true;
    }

    private bool GoSyscallBegin(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur)
    {
        ValidateUser(cur);
        var s = RunningG(ev, cur);
        s.Status = GSyscall;
        if (!_p.TryGetValue(cur.P, out var p)) throw Fail($"uninitialized proc {cur.P} found during GoSyscallBegin");
        p.Status = PSyscall;
        var pseq = new Seq(gen, ev.A0);
        if (!pseq.Succeeds(p.Seq)) throw Fail($"failed to advance GoSyscallBegin: can't make sequence: {p.Seq} -> {pseq}");
        p.Seq = pseq;
        PushGo(ref o, ev, cur, d, GoState.Running, GoState.Syscall);
        return true;
    }

    private bool GoSyscallEnd(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur)
    {
        ValidateUser(cur);
        var s = RunningG(ev, cur, GSyscall, "Running");
        s.Status = GRunning;
        if (!_p.TryGetValue(cur.P, out var p)) throw Fail($"uninitialized proc {cur.P} found during GoSyscallEnd");
        if (p.Status != PSyscall) throw Fail($"expected proc {cur.P} in state Syscall, but got {ProcStatusNames[p.Status]} instead");
        p.Status = PRunning;
        PushGo(ref o, ev, cur, d, GoState.Syscall, GoState.Running);
        return true;
    }

    private bool GoSyscallEndBlocked(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur, ref Ctx next)
    {
        if (cur.P != -1)
        {
            if (!_p.TryGetValue(cur.P, out var p)) throw Fail($"uninitialized proc {cur.P} found during GoSyscallEndBlocked");
            if (p.Status == PSyscall) return false;
        }
        Validate(cur, Req.Must, Req.May, Req.Must);
        var s = RunningG(ev, cur, GSyscall, "Running");
        next.G = -1;
        s.Status = GRunnable;
        PushGo(ref o, ev, cur, d, GoState.Syscall, GoState.Runnable);
        return true;
    }

    private bool GoCreateSyscall(ref DecodedEvent ev, ref Event o, GenerationData d, ulong gen, Ctx cur, ref Ctx next)
    {
        Validate(cur, Req.Must, Req.May, Req.MustNot);
        long ng = (long)ev.A0;
        if (_g.ContainsKey(ng)) throw Fail($"tried to create goroutine ({ng}) in syscall that already exists");
        _g[ng] = new GState(ng) { Status = GSyscall, Seq = new Seq(gen, 0) };
        next.G = ng;
        PushGo(ref o, ev, cur, d, GoState.NotExist, GoState.Syscall);
        return true;
    }

    private bool GoDestroySyscall(ref DecodedEvent ev, ref Event o, GenerationData d, Ctx cur, ref Ctx next)
    {
        Validate(cur, Req.Must, Req.May, Req.Must);
        RunningG(ev, cur, GSyscall, "Syscall");
        _g.Remove(cur.G);
        next.G = -1;
        if (cur.P != -1)
        {
            if (!_p.TryGetValue(cur.P, out var p)) throw Fail($"found invalid proc {cur.P} during GoDestroySyscall");
            if (p.Status != PSyscall) throw Fail($"proc {cur.P} in unexpected state {ProcStatusNames[p.Status]} during GoDestroySyscall");
            p.Status = PSyscallAbandoned;
            next.P = -1;
            PushProc(ref o, Synth(Ev.ProcSteal, ev.Time, (ulong)cur.P), cur, d, ProcState.Running, ProcState.Idle);
        }
        PushGo(ref o, ev, cur, d, GoState.Syscall, GoState.NotExist);
        return true;
    }

    /// <summary>Event kind of a wire type (Go's <c>tracev2Type2Kind</c>).</summary>
    internal static EventKind KindOf(byte type) => Kinds[type];

    private static readonly EventKind[] Kinds = BuildKinds();

    private static EventKind[] BuildKinds()
    {
        var k = new EventKind[256];
        k[Ev.CPUSample] = EventKind.StackSample;
        k[Ev.ProcsChange] = k[Ev.HeapAlloc] = k[Ev.HeapGoal] = EventKind.Metric;
        foreach (var t in new[] { Ev.ProcStart, Ev.ProcStop, Ev.ProcSteal, Ev.ProcStatus, Ev.GoCreate, Ev.GoCreateSyscall, Ev.GoStart,
                     Ev.GoDestroy, Ev.GoDestroySyscall, Ev.GoStop, Ev.GoBlock, Ev.GoUnblock, Ev.GoSyscallBegin, Ev.GoSyscallEnd,
                     Ev.GoSyscallEndBlocked, Ev.GoStatus, Ev.GoSwitch, Ev.GoSwitchDestroy, Ev.GoCreateBlocked, Ev.GoStatusStack })
            k[t] = EventKind.StateTransition;
        k[Ev.STWBegin] = k[Ev.GCBegin] = k[Ev.GCSweepBegin] = k[Ev.GCMarkAssistBegin] = EventKind.RangeBegin;
        k[Ev.STWEnd] = k[Ev.GCEnd] = k[Ev.GCSweepEnd] = k[Ev.GCMarkAssistEnd] = EventKind.RangeEnd;
        k[Ev.GCActive] = k[Ev.GCSweepActive] = k[Ev.GCMarkAssistActive] = EventKind.RangeActive;
        k[Ev.GoLabel] = EventKind.Label;
        k[Ev.UserTaskBegin] = EventKind.TaskBegin;
        k[Ev.UserTaskEnd] = EventKind.TaskEnd;
        k[Ev.UserRegionBegin] = EventKind.RegionBegin;
        k[Ev.UserRegionEnd] = EventKind.RegionEnd;
        k[Ev.UserLog] = EventKind.Log;
        for (int t = Ev.Span; t <= Ev.GoroutineStackFree; t++) k[t] = EventKind.Experimental;
        k[Ev.SyncMarker] = EventKind.Sync;
        return k;
    }
}
