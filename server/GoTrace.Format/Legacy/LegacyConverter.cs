using System.Runtime.CompilerServices;

namespace GoTrace.Format.Legacy;

/// <summary>
/// Turns a parsed legacy trace (Go 1.11–1.21) into the event stream of the modern model, event for event as
/// Go 1.27 does (<c>src/internal/trace/tracev1.go</c> and the v1 branch of <c>reader.go</c>): one generation,
/// one Sync before the first event (at its time − 1) and one after the last, synthesized status events for
/// goroutines and procs first seen mid-flight, and strictly increasing times. See FORMAT.md, "Legacy traces".
/// </summary>
internal sealed class LegacyConverter
{
    // Built-in strings the converter adds after the trace's own and the inline log messages (tracev1.go).
    private static readonly string[] Builtins =
    [
        "forever", "preempted", "runtime.Gosched", "sleep", "chan send", "chan receive", "network", "sync",
        "sync.(*Cond).Wait", "select", "", "GC mark assist wait for work",
        // STW reasons, indexed by the legacy parser's STWReason (0 = unknown).
        "", "GC mark termination", "GC sweep termination", "write heap dump", "goroutine profile",
        "goroutine profile cleanup", "all goroutine stack trace", "read mem stats", "AllThreadsSyscall", "GOMAXPROCS",
        "start trace", "stop trace", "CountPagesInUse (test)", "ReadMetricsSlow (test)", "ReadMemStatsSlow (test)",
        "PageCachePagesLeaked (test)", "ResetDebugLog (test)",
    ];

    private const int SForever = 0, SPreempted = 1, SGosched = 2, SSleep = 3, SChanSend = 4, SChanRecv = 5, SNetwork = 6,
        SSync = 7, SSyncCond = 8, SSelect = 9, SEmpty = 10, SMarkAssistWait = 11, SSTWUnknown = 12;

    // Wire goroutine statuses and proc statuses of the modern format.
    private const ulong GRunnable = 1, GRunning = 2, GSyscall = 3, GWaiting = 4;
    private const ulong PRunning = 1, PIdle = 2;

    private static readonly GoState[] GoStatusToState = [GoState.Undetermined, GoState.Runnable, GoState.Running, GoState.Syscall, GoState.Waiting];
    private static readonly ProcState[] ProcStatusToState = [ProcState.Undetermined, ProcState.Running, ProcState.Idle, ProcState.Running, ProcState.Idle];

    private readonly LegacyTrace _trace;
    private readonly GenerationData _table;
    private readonly ulong[] _inlineToStringId;
    private readonly ulong[] _builtinToStringId;
    private readonly LegacyEventReader _reader;
    private LegacyEvent _cur;               // the legacy event being converted; the first one is read ahead
    private bool _hasCur;                   // _cur holds the first event, not converted yet
    private int _curPos;                    // its merged position
    private bool _preInit = true;
    private readonly HashSet<ulong> _createdPreInit = [];
    private readonly EventQueue _extra = new();
    private readonly Dictionary<ulong, (byte[] Name, ulong Parent)> _tasks = [];
    private readonly ProcThreads _procs = new();
    private long _lastTs = -1;
    private ulong _lastStwReason;
    private int _syncs;
    private bool _done;

    public LegacyConverter(LegacyTrace trace)
    {
        _trace = trace;
        var t = new GenerationData { Number = 1 };
        ulong max = 0;
        foreach (var (id, s) in trace.Strings)
        {
            t.Strings[id] = s;
            if (id > max) max = id;
        }
        // The trace's inline strings (log messages) and the converter's own strings get IDs above the largest one.
        if (max + (ulong)trace.InlineStrings.Count < max || max + (ulong)trace.InlineStrings.Count + (ulong)Builtins.Length < max)
            throw new TraceFormatException("trace contains too many strings", "legacy string table");
        _inlineToStringId = new ulong[trace.InlineStrings.Count];
        for (int i = 0; i < trace.InlineStrings.Count; i++)
        {
            ulong id = max + 1 + (ulong)i;
            _inlineToStringId[i] = id;
            t.Strings.TryAdd(id, trace.InlineStrings[i]);
        }
        max += (ulong)trace.InlineStrings.Count;
        _builtinToStringId = new ulong[Builtins.Length];
        for (int i = 0; i < Builtins.Length; i++)
        {
            ulong id = max + 1 + (ulong)i;
            _builtinToStringId[i] = id;
            t.Strings.TryAdd(id, System.Text.Encoding.UTF8.GetBytes(Builtins[i]));
        }
        foreach (var (id, pcs) in trace.Stacks) t.Stacks[id] = pcs;
        foreach (var (pc, f) in trace.PCs) t.Pcs[pc] = new GenerationData.FrameRecord(f.Fn, f.File, unchecked((ulong)f.Line));
        t.Seal();
        _table = t;
        _reader = trace.Read();
        _hasCur = _reader.NextInto(ref _cur); // for the time of the first Sync
        _curPos = _reader.Pos;
    }

    /// <summary>The tables of the converted trace (the single generation).</summary>
    public GenerationData Table => _table;

    /// <summary>Returns the next event of the converted stream; false at the end. Throws <see cref="TraceFormatException"/>.</summary>
    public bool TryRead(out Event ev)
    {
        if (_done)
        {
            ev = default;
            return false;
        }
        if (_syncs == 0 && _hasCur)
        {
            // Always a Sync first, one ns before the first event, carrying the tables.
            _syncs++;
            ev = Sync(_table, _cur.Ts - 1);
            return true;
        }
        if (!NextConverted(out ev))
        {
            _done = true;
            _syncs++;
            ev = Sync(null, _lastTs + 1);
        }
        return true;
    }

    private Event Sync(GenerationData? d, long time) => new()
    {
        Kind = EventKind.Sync, Type = Ev.SyncMarker, Time = time, Thread = -1, Proc = -1, Goroutine = -1,
        Extra = (ulong)_syncs, Generation = d,
    };

    private bool NextConverted(out Event ev)
    {
        while (true)
        {
            if (_extra.TryPop(out ev)) break;
            if (_hasCur) _hasCur = false; // the first event, read ahead
            else
            {
                if (!_reader.NextInto(ref _cur))
                {
                    ev = default;
                    return false;
                }
                _curPos = _reader.Pos;
            }
            if (Convert(_cur, _curPos, out ev)) break;
        }
        // Modern events have strictly increasing times; legacy ties (and synthesized events) become 1 ns steps.
        if (ev.Time <= _lastTs) ev.Time = _lastTs + 1;
        _lastTs = ev.Time;
        return true;
    }

    private Event Make(byte type, long time, long m, long p, long g, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0) => new()
    {
        Type = type, Kind = Ordering.KindOf(type), Time = time, Thread = m, Proc = p, Goroutine = g,
        A0 = a0, A1 = a1, A2 = a2, A3 = a3, Generation = _table,
    };

    private static void States(ref Event e, GoState from, GoState to)
    {
        e.OldState = (byte)from;
        e.NewState = (byte)to;
    }

    private static void States(ref Event e, ProcState from, ProcState to)
    {
        e.OldState = (byte)from;
        e.NewState = (byte)to;
    }

    private ulong Builtin(int s) => _builtinToStringId[s];

    // By legacy type: whether the record carries a stack. By modern type: the index of its main stack argument, or −1.
    private static readonly bool[] LegacyHasStack = Enumerable.Range(0, 64).Select(t => LegacyEventInfo.HasStack((byte)t)).ToArray();
    private static readonly sbyte[] MainStackArg = Enumerable.Range(0, 256).Select(t => (sbyte)(Specs.Table[t]?.MainStackArg ?? -1)).ToArray();

    /// <summary>Converts legacy event <paramref name="le"/> (merged position <paramref name="pos"/>); false if it produces no event of its own (it may queue extras).</summary>
    private bool Convert(in LegacyEvent le, int pos, out Event ev)
    {
        byte type;
        ulong a0 = le.A0, a1 = le.A1, a2 = le.A2, a3 = le.A3, extra = 0;
        long p = le.P;
        switch (le.Type)
        {
            case LegacyEv.GoStart:
                if (_preInit)
                {
                    type = Ev.GoStatus;
                    (a0, a1, a2, a3) = (le.A0, ulong.MaxValue, GRunning, 0);
                    _createdPreInit.Remove(le.A0);
                }
                else
                {
                    type = Ev.GoStart;
                }
                break;
            case LegacyEv.GoUnblock: type = Ev.GoUnblock; break;
            case LegacyEv.GoEnd: type = Ev.GoDestroy; break;
            case LegacyEv.GoStop: type = Ev.GoBlock; (a0, a1) = (Builtin(SForever), le.StkID); break;
            case LegacyEv.GoSched: type = Ev.GoStop; (a0, a1) = (Builtin(SGosched), le.StkID); break;
            case LegacyEv.GoPreempt: type = Ev.GoStop; (a0, a1) = (Builtin(SPreempted), le.StkID); break;
            case LegacyEv.GoSleep: type = Ev.GoBlock; (a0, a1) = (Builtin(SSleep), le.StkID); break;
            case LegacyEv.GoBlock: type = Ev.GoBlock; (a0, a1) = (Builtin(SEmpty), le.StkID); break;
            case LegacyEv.GoBlockSend: type = Ev.GoBlock; (a0, a1) = (Builtin(SChanSend), le.StkID); break;
            case LegacyEv.GoBlockRecv: type = Ev.GoBlock; (a0, a1) = (Builtin(SChanRecv), le.StkID); break;
            case LegacyEv.GoBlockSelect: type = Ev.GoBlock; (a0, a1) = (Builtin(SSelect), le.StkID); break;
            case LegacyEv.GoBlockSync: type = Ev.GoBlock; (a0, a1) = (Builtin(SSync), le.StkID); break;
            case LegacyEv.GoBlockCond: type = Ev.GoBlock; (a0, a1) = (Builtin(SSyncCond), le.StkID); break;
            case LegacyEv.GoBlockNet: type = Ev.GoBlock; (a0, a1) = (Builtin(SNetwork), le.StkID); break;
            case LegacyEv.GoBlockGC: type = Ev.GoBlock; (a0, a1) = (Builtin(SMarkAssistWait), le.StkID); break;
            case LegacyEv.GoCreate:
                if (_preInit)
                {
                    _createdPreInit.Add(le.A0);
                    ev = default;
                    return false;
                }
                type = Ev.GoCreate;
                break;
            case LegacyEv.GoSysExit: type = Ev.GoSyscallEndBlocked; break;
            case LegacyEv.GoSysBlock:
                ev = default;
                return false;
            case LegacyEv.GoSysCall:
                // The syscall blocked if the goroutine's next event is GoSysBlock (found by the validation pass).
                if (!_trace.SyscallBlocked(pos))
                {
                    NonBlockingSyscall(le, out ev);
                    return true;
                }
                type = Ev.GoSyscallBegin;
                (a0, a1, a2, a3) = (0, le.StkID, 0, 0);
                break;
            case LegacyEv.ProcStart:
                _procs.SetThread(p, unchecked((long)le.A0));
                if (_procs.See(p))
                {
                    type = Ev.ProcStart;
                    (a0, a1, a2, a3) = ((ulong)p, 0, 0, 0);
                }
                else
                {
                    type = Ev.ProcStatus;
                    (a0, a1, a2, a3) = ((ulong)p, PRunning, 0, 0);
                }
                break;
            case LegacyEv.ProcStop:
                if (_procs.See(p))
                {
                    type = Ev.ProcStop;
                    (a0, a1, a2, a3) = ((ulong)p, 0, 0, 0);
                }
                else
                {
                    type = Ev.ProcStatus;
                    (a0, a1, a2, a3) = ((ulong)p, PIdle, 0, 0);
                }
                break;
            case LegacyEv.GCStart: type = Ev.GCBegin; break;
            case LegacyEv.GCDone: type = Ev.GCEnd; break;
            case LegacyEv.GCSweepStart: type = Ev.GCSweepBegin; break;
            case LegacyEv.GCSweepDone: type = Ev.GCSweepEnd; break;
            case LegacyEv.HeapAlloc: type = Ev.HeapAlloc; break;
            case LegacyEv.HeapGoal: type = Ev.HeapGoal; break;
            case LegacyEv.GCMarkAssistStart: type = Ev.GCMarkAssistBegin; break;
            case LegacyEv.GCMarkAssistDone: type = Ev.GCMarkAssistEnd; break;
            default:
                // PERF: the rare cases apart, so that this hot method's frame stays small.
                if (ConvertRare(le, out ev, out type, ref a0, ref a1, ref a2, ref a3, ref extra) is bool produced) return produced;
                break;
        }

        // Events that carry a stack in the legacy format put it in the modern event's main stack argument.
        if (LegacyHasStack[le.Type])
        {
            switch (MainStackArg[type])
            {
                case 0: a0 = le.StkID; break;
                case 1: a1 = le.StkID; break;
                case 2: a2 = le.StkID; break;
                case 3: a3 = le.StkID; break;
            }
        }

        long mt = -1;
        if (p != -1 && _procs.TryGetThread(p, out long thread)) mt = thread;
        if (le.Type == LegacyEv.ProcStop) _procs.RemoveThread(p);
        ev = default;
        ev.Type = type;
        ev.Kind = Ordering.KindOf(type);
        ev.Time = le.Ts;
        ev.Thread = mt;
        ev.Proc = p;
        ev.Goroutine = le.G == 0 ? -1 : (long)le.G;
        ev.A0 = a0;
        ev.A1 = a1;
        ev.A2 = a2;
        ev.A3 = a3;
        ev.Extra = extra;
        ev.Generation = _table;
        SetStates(ref ev);
        return true;
    }

    /// <summary>
    /// A syscall that did not block: a 1 ns begin/end pair (the end queued). As for GoStartLabel, Go reads the
    /// thread map without a presence check (0 when the P has no thread).
    /// </summary>
    private void NonBlockingSyscall(in LegacyEvent le, out Event ev)
    {
        long p = le.P;
        long m0 = _procs.TryGetThread(p, out long pm) ? pm : 0;
        long g0 = (long)le.G;
        ev = default;
        ev.Type = Ev.GoSyscallBegin;
        ev.Kind = Ordering.KindOf(Ev.GoSyscallBegin);
        ev.Time = le.Ts;
        ev.Thread = m0;
        ev.Proc = p;
        ev.Goroutine = g0;
        ev.A1 = le.StkID;
        ev.Generation = _table;
        States(ref ev, GoState.Running, GoState.Syscall);
        ref var end = ref _extra.PushRef();
        end = default;
        end.Type = Ev.GoSyscallEnd;
        end.Kind = Ordering.KindOf(Ev.GoSyscallEnd);
        end.Time = le.Ts + 1;
        end.Thread = m0;
        end.Proc = p;
        end.Goroutine = g0;
        end.Generation = _table;
        States(ref end, GoState.Syscall, GoState.Running);
    }

    /// <summary>
    /// The less common legacy types: true or false if the conversion is complete (as <see cref="Convert"/>
    /// returns), null if <see cref="Convert"/> is to finish the event from <paramref name="type"/> and the arguments.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool? ConvertRare(in LegacyEvent le, out Event ev, out byte type, ref ulong a0, ref ulong a1, ref ulong a2, ref ulong a3, ref ulong extra)
    {
        long p = le.P;
        ev = default;
        type = 0;
        switch (le.Type)
        {
            case LegacyEv.Gomaxprocs:
                type = Ev.ProcsChange;
                if (_preInit)
                {
                    // The first Gomaxprocs ends the dump of goroutines that existed when tracing started: those
                    // seen only as created are runnable. (Go emits them in map order, i.e. at random; we sort.)
                    _preInit = false;
                    foreach (var gid in _createdPreInit.Order())
                    {
                        var st = Make(Ev.GoStatus, le.Ts, -1, -1, -1, gid, ulong.MaxValue, GRunnable);
                        States(ref st, GoState.Undetermined, GoState.Runnable);
                        _extra.PushRef() = st;
                    }
                    _createdPreInit.Clear();
                    return false;
                }
                return null;
            case LegacyEv.STWStart:
                _lastStwReason = Builtin(SSTWUnknown + LegacyEventInfo.StwReason(_trace.Version, le.A0));
                type = Ev.STWBegin;
                (a0, a1, a2, a3) = (_lastStwReason, 0, 0, 0);
                return null;
            case LegacyEv.STWDone:
                type = Ev.STWEnd;
                (a0, a1, a2, a3) = (_lastStwReason, 0, 0, 0);
                return null;
            case LegacyEv.GoStartLabel:
            {
                // Go reads the thread map without a presence check here: no thread means 0, not -1.
                long m0 = _procs.TryGetThread(p, out long pm) ? pm : 0;
                var label = Make(Ev.GoLabel, le.Ts, m0, p, (long)le.G, le.A2);
                _extra.PushRef() = label;
                ev = Make(Ev.GoStart, le.Ts, m0, p, (long)le.G, le.A0, le.A1, le.A2, le.A3);
                States(ref ev, GoState.Runnable, GoState.Running);
                return true;
            }
            case LegacyEv.GoWaiting:
                type = Ev.GoStatus;
                (a0, a1, a2, a3) = (le.A0, ulong.MaxValue, GWaiting, 0);
                _createdPreInit.Remove(le.A0);
                return null;
            case LegacyEv.GoInSyscall:
                type = Ev.GoStatus;
                (a0, a1, a2, a3) = (le.A0, ulong.MaxValue, GSyscall, 0);
                _createdPreInit.Remove(le.A0);
                return null;
            case LegacyEv.UserTaskCreate:
            {
                type = Ev.UserTaskBegin;
                ulong parent = le.A1 == 0 ? Event.NoTask : le.A1;
                (a0, a1, a2, a3) = (le.A0, parent, le.A2, le.StkID);
                // TaskEnd reports the parent as recorded here, raw (0 for a root task), as Go does.
                _tasks[le.A0] = (_table.RawStringArray(le.A2), le.A1);
                return null;
            }
            case LegacyEv.UserTaskEnd:
                type = Ev.UserTaskEnd;
                if (_tasks.Remove(le.A0, out var ts))
                {
                    (a0, a1, a2, a3) = (le.A0, le.A1, _table.AddExtraString(ts.Name), 0);
                    extra = ts.Parent;
                }
                else
                {
                    (a0, a1, a2, a3) = (le.A0, le.A1, _table.AddExtraString([]), 0);
                    extra = Event.NoTask;
                }
                return null;
            case LegacyEv.UserRegion:
                if (le.A1 == 0) type = Ev.UserRegionBegin;
                else if (le.A1 == 1) type = Ev.UserRegionEnd;
                else throw new TraceFormatException($"unexpected event type {Ev.None}", "converting a legacy event");
                (a0, a1, a2, a3) = (le.A0, le.A2, le.StkID, 0);
                return null;
            case LegacyEv.UserLog:
                type = Ev.UserLog;
                if (le.A3 >= (ulong)_inlineToStringId.Length)
                    throw new TraceFormatException("log message index out of range", "converting a legacy event");
                (a0, a1, a2, a3) = (le.A0, le.A1, _inlineToStringId[le.A3], le.StkID);
                return null;
            case LegacyEv.CPUSample:
            {
                ev = new Event
                {
                    Kind = EventKind.StackSample, Type = Ev.CPUSample, Time = le.Ts, Thread = -1, Proc = p,
                    Goroutine = le.G == 0 ? -1 : (long)le.G, A0 = le.StkID, Generation = _table,
                };
                return true;
            }
            default:
                throw new TraceFormatException($"unexpected event type {le.Type}", "converting a legacy event");
        }
    }

    /// <summary>The state change a converted event reports (status events: from Undetermined, as Go reports them).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void SetStates(ref Event e)
    {
        // PERF: two table lookups instead of a switch per event.
        e.OldState = OldStates[e.Type];
        e.NewState = e.Type switch
        {
            Ev.ProcStatus => (byte)ProcStatusToState[e.A1],
            Ev.GoStatus => (byte)GoStatusToState[e.A2],
            _ => NewStates[e.Type],
        };
    }

    private static readonly byte[] OldStates = BuildStates(old: true), NewStates = BuildStates(old: false);

    private static byte[] BuildStates(bool old)
    {
        var t = new byte[256];
        void P(byte type, ProcState from, ProcState to) => t[type] = (byte)(old ? from : to);
        void G(byte type, GoState from, GoState to) => t[type] = (byte)(old ? from : to);
        P(Ev.ProcStart, ProcState.Idle, ProcState.Running);
        P(Ev.ProcStop, ProcState.Running, ProcState.Idle);
        P(Ev.ProcStatus, ProcState.Undetermined, ProcState.Undetermined); // new state from the status argument
        G(Ev.GoCreate, GoState.NotExist, GoState.Runnable);
        G(Ev.GoStart, GoState.Runnable, GoState.Running);
        G(Ev.GoDestroy, GoState.Running, GoState.NotExist);
        G(Ev.GoStop, GoState.Running, GoState.Runnable);
        G(Ev.GoBlock, GoState.Running, GoState.Waiting);
        G(Ev.GoUnblock, GoState.Waiting, GoState.Runnable);
        G(Ev.GoSyscallBegin, GoState.Running, GoState.Syscall);
        G(Ev.GoSyscallEnd, GoState.Syscall, GoState.Running);
        G(Ev.GoSyscallEndBlocked, GoState.Syscall, GoState.Runnable);
        G(Ev.GoStatus, GoState.Undetermined, GoState.Undetermined); // new state from the status argument
        return t;
    }
}
