using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace GoTrace.Format.Legacy;

internal static partial class LegacyParser
{
    private sealed partial class Run
    {
        // Goroutine states of the validation (the same numbering as the ordering states).
        private const byte VDead = 0, VRunnable = 1, VRunning = 2, VWaiting = 3;

        /// <summary>A goroutine during validation.</summary>
        private struct GDesc
        {
            public byte State;
            public byte LastType;     // type of the event that last made it runnable or waiting (0 = none)
            public bool Created;      // created in the trace and not started yet
            public ulong CreateStack; // then: the stack argument of its creation
            public bool InMarkAssist;
        }

        private struct PDesc
        {
            public bool Running;
            public ulong G;
            public bool Sweeping;
        }

        private const string Validating = "validating legacy events";

        /// <summary>
        /// The exception for an inconsistency: <paramref name="format"/> filled with <paramref name="args"/>.
        /// PERF: formatting here and not at the call site keeps the hot validation step's frame small (an
        /// interpolated-string handler there is zeroed on every call).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static TraceFormatException Invalid(string format, params object[] args) =>
            new(string.Format(CultureInfo.InvariantCulture, format, args), Validating);

        /// <summary>
        /// Replays goroutine and P states over the events in their final order and rejects inconsistent traces (Go's
        /// <c>postProcessTrace</c>), one event at a time. The reference edits events in place: GC starts go to the GC
        /// fake P, unblocks of goroutines that blocked on the network go to the netpoll fake P, a goroutine's first
        /// start gets its creation stack, and stack IDs that name no (non-empty) stack become 0. The two edits that
        /// depend on the replayed state are recorded, by event index, for the store; the reader applies them all.
        /// The validator also answers the converter's look-ahead: whether each syscall blocked.
        /// </summary>
        private sealed class Validator
        {
            // Presence in gs matters ("g N already exists"), so it is written exactly where the reference writes it.
            private readonly ULongMap<GDesc> gs = new();
            private readonly ProcMap<PDesc> ps = new();
            private readonly Dictionary<ulong, LegacyEvent> tasks = [];                // task ID -> its creation
            private readonly Dictionary<ulong, List<LegacyEvent>> activeRegions = []; // goroutine -> open region starts
            private bool inGC, inSTW;

            private readonly List<int> netpoll = [];
            private readonly List<(int, uint)> startStacks = [];
            private readonly ulong[] syscallBlocked;
            private readonly ULongMap<int> pendingSyscalls = new(); // goroutine -> index of its GoSysCall whose next event is not seen yet
            private readonly StackIdSet? _stacks;

            /// <param name="count">Number of events.</param>
            /// <param name="stacks">The stack table, to show stored events as the reference keeps them in error
            /// messages; null while it is not complete (then such messages may differ).</param>
            public Validator(int count, StackIdSet? stacks)
            {
                gs.GetOrAdd(0) = new GDesc { State = VRunning };
                syscallBlocked = new ulong[(count + 63) / 64];
                _stacks = stacks;
            }

            /// <summary>Stores the recorded edits and look-ahead answers.</summary>
            public void Finish(LegacyEventStore store)
            {
                store.NetpollUnblocks = netpoll.ToArray();
                store.StartStacks = startStacks.ToArray();
                store.SyscallBlocked = syscallBlocked;
            }

            /// <summary><see cref="Step"/>, reporting an inconsistency as false instead of the exception.</summary>
            [MethodImpl(MethodImplOptions.NoInlining)]
            public bool TryStep(ref LegacyEvent ev, int idx)
            {
                try
                {
                    Step(ref ev, idx);
                    return true;
                }
                catch (TraceFormatException)
                {
                    return false;
                }
            }

            /// <summary>
            /// Validates the next event of the final order, at merged position <paramref name="idx"/> (the key of the
            /// edits it records), applying the reference's edits to it.
            /// </summary>
            public void Step(ref LegacyEvent ev, int idx)
            {
                if (pendingSyscalls.Count > 0)
                {
                    ref int sc = ref pendingSyscalls.Find(ev.G);
                    if (!Unsafe.IsNullRef(ref sc))
                    {
                        if (ev.Type == LegacyEv.GoSysBlock) syscallBlocked[sc >> 6] |= 1UL << (sc & 63);
                        pendingSyscalls.Remove(ev.G);
                    }
                }

                switch (ev.Type)
                {
                    case LegacyEv.ProcStart:
                    {
                        ref var p = ref ps.GetOrAdd(ev.P);
                        if (p.Running) throw Invalid("p {0} is running before start (time {1})", ev.P, ev.Ts);
                        p.Running = true;
                                                break;
                    }
                    case LegacyEv.ProcStop:
                    {
                        ref var p = ref ps.GetOrAdd(ev.P);
                        if (!p.Running) throw Invalid("p {0} is not running before stop (time {1})", ev.P, ev.Ts);
                        if (p.G != 0) throw Invalid("p {0} is running a goroutine {1} during stop (time {2})", ev.P, p.G, ev.Ts);
                        p.Running = false;
                                                break;
                    }
                    case LegacyEv.GCStart:
                        if (inGC) throw Invalid("previous GC is not ended before a new one (time {0})", ev.Ts);
                        inGC = true;
                        ev.P = LegacyTrace.GCP; // GC belongs to no P (the reader applies it)
                        break;
                    case LegacyEv.GCDone:
                        if (!inGC) throw Invalid("bogus GC end (time {0})", ev.Ts);
                        inGC = false;
                        break;
                    case LegacyEv.STWStart:
                        if (inSTW) throw Invalid("previous STW is not ended before a new one (time {0})", ev.Ts);
                        inSTW = true;
                        break;
                    case LegacyEv.STWDone:
                        if (!inSTW) throw Invalid("bogus STW end (time {0})", ev.Ts);
                        inSTW = false;
                        break;
                    case LegacyEv.GCSweepStart:
                    {
                        ref var p = ref ps.GetOrAdd(ev.P);
                        if (p.Sweeping) throw Invalid("previous sweeping is not ended before a new one (time {0})", ev.Ts);
                        p.Sweeping = true;
                                                break;
                    }
                    case LegacyEv.GCMarkAssistStart:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        if (g.InMarkAssist) throw Invalid("previous mark assist is not ended before a new one (time {0})", ev.Ts);
                        g.InMarkAssist = true;
                        break;
                    }
                    case LegacyEv.GCMarkAssistDone:
                        // An assist may have begun before the trace started: no check.
                        gs.GetOrAdd(ev.G).InMarkAssist = false;
                        break;
                    case LegacyEv.GCSweepDone:
                    {
                        ref var p = ref ps.GetOrAdd(ev.P);
                        if (!p.Sweeping) throw Invalid("bogus sweeping end (time {0})", ev.Ts);
                        p.Sweeping = false;
                                                break;
                    }
                    case LegacyEv.GoWaiting or LegacyEv.GoInSyscall:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        if (g.State != VRunnable)
                        {
                            string name = ev.Type == LegacyEv.GoWaiting ? "EvGoWaiting" : "EvGoInSyscall";
                            throw Invalid("g {0} is not runnable before {1} (time {2})", ev.G, name, ev.Ts);
                        }
                        g.State = VWaiting;
                        g.LastType = ev.Type;
                        break;
                    }
                    case LegacyEv.GoCreate:
                    {
                        CheckRunning(ps.Get(ev.P), gs.Get(ev.G), ev, allowG0: true);
                        if (gs.ContainsKey(ev.A0)) throw Invalid("g {0} already exists (time {1})", ev.A0, ev.Ts);
                        gs.GetOrAdd(ev.A0) = new GDesc { State = VRunnable, LastType = LegacyEv.GoCreate, Created = true, CreateStack = ev.A1 };
                        break;
                    }
                    case LegacyEv.GoStart or LegacyEv.GoStartLabel:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        ref var p = ref ps.GetOrAdd(ev.P);
                        if (g.State != VRunnable) throw Invalid("g {0} is not runnable before start (time {1})", ev.G, ev.Ts);
                        if (p.G != 0) throw Invalid("p {0} is already running g {1} while start g {2} (time {3})", ev.P, p.G, ev.G, ev.Ts);
                        g.State = VRunning;
                        p.G = ev.G;
                        if (g.Created)
                        {
                            // The first start shows the stack the goroutine was created with (its start function).
                            ev.StkID = unchecked((uint)g.CreateStack);
                            startStacks.Add((idx, ev.StkID));
                            g.Created = false;
                        }
                        g.LastType = 0;
                                                break;
                    }
                    case LegacyEv.GoEnd or LegacyEv.GoStop:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        ref var p = ref ps.GetOrAdd(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VDead;
                        p.G = 0;
                        if (ev.Type == LegacyEv.GoEnd) activeRegions.Remove(ev.G); // its open regions end with it
                                                break;
                    }
                    case LegacyEv.GoSched or LegacyEv.GoPreempt:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        ref var p = ref ps.GetOrAdd(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VRunnable;
                        p.G = 0;
                        g.LastType = ev.Type;
                                                break;
                    }
                    case LegacyEv.GoUnblock:
                    {
                        var g = gs.Get(ev.G);
                        ref var p = ref ps.GetOrAdd(ev.P);
                        if (g.State != VRunning) throw Invalid("g {0} is not running while unpark (time {1})", ev.G, ev.Ts);
                        if (ev.P != LegacyTrace.TimerP && p.G != ev.G) throw Invalid("p {0} is not running g {1} while unpark (time {2})", ev.P, ev.G, ev.Ts);
                        ref var g1 = ref gs.GetOrAdd(ev.A0);
                        if (g1.State != VWaiting) throw Invalid("g {0} is not waiting before unpark (time {1})", ev.A0, ev.Ts);
                        if (g1.LastType == LegacyEv.GoBlockNet)
                        {
                            ev.P = LegacyTrace.NetpollP;
                            netpoll.Add(idx);
                        }
                        g1.State = VRunnable;
                        g1.LastType = ev.Type;
                        break;
                    }
                    case LegacyEv.GoSysCall:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        CheckRunning(ps.Get(ev.P), g, ev, allowG0: false);
                        g.LastType = ev.Type;
                        pendingSyscalls.GetOrAdd(ev.G) = idx;
                        break;
                    }
                    case LegacyEv.GoSysBlock:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        ref var p = ref ps.GetOrAdd(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VWaiting;
                        p.G = 0;
                                                break;
                    }
                    case LegacyEv.GoSysExit:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        if (g.State != VWaiting) throw Invalid("g {0} is not waiting during syscall exit (time {1})", ev.G, ev.Ts);
                        g.State = VRunnable;
                        g.LastType = ev.Type;
                        break;
                    }
                    case LegacyEv.GoSleep or LegacyEv.GoBlock or LegacyEv.GoBlockSend or LegacyEv.GoBlockRecv
                        or LegacyEv.GoBlockSelect or LegacyEv.GoBlockSync or LegacyEv.GoBlockCond or LegacyEv.GoBlockNet
                        or LegacyEv.GoBlockGC:
                    {
                        ref var g = ref gs.GetOrAdd(ev.G);
                        ref var p = ref ps.GetOrAdd(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VWaiting;
                        g.LastType = ev.Type;
                        p.G = 0;
                                                break;
                    }
                    case LegacyEv.UserTaskCreate:
                        if (tasks.TryGetValue(ev.A0, out var prev))
                            throw Invalid("task id conflicts (id:{0}), {1} vs {2}", ev.A0, Quote(EventString(ev)), Quote(EventString(prev)));
                        tasks[ev.A0] = WithValidStack(ev);
                        break;
                    case LegacyEv.UserTaskEnd:
                        tasks.Remove(ev.A0);
                        break;
                    case LegacyEv.UserRegion:
                    {
                        ulong mode = ev.A1;
                        activeRegions.TryGetValue(ev.G, out var regions);
                        if (mode == 0)
                        {
                            if (regions is null) activeRegions[ev.G] = regions = [];
                            regions.Add(WithValidStack(ev));
                        }
                        else if (mode == 1)
                        {
                            // Without an open region (it began before the trace) the end is accepted as is.
                            if (regions is { Count: > 0 })
                            {
                                var s = regions[^1];
                                if (s.A0 != ev.A0 || s.A2 != ev.A2)
                                    throw Invalid("misuse of region in goroutine {0}: span end {1} when the inner-most active span start event is {2}", ev.G, Quote(EventString(ev)), Quote(EventString(s)));
                                regions.RemoveAt(regions.Count - 1);
                                if (regions.Count == 0) activeRegions.Remove(ev.G);
                            }
                        }
                        else
                        {
                            throw Invalid("invalid user region mode: {0}", Quote(EventString(ev)));
                        }
                        break;
                    }
                }
            }

            /// <summary>The event as the reference keeps it: a stack ID that names no (non-empty) stack becomes 0.</summary>
            private LegacyEvent WithValidStack(LegacyEvent ev)
            {
                if (ev.StkID != 0 && _stacks is not null && !_stacks.Contains(ev.StkID)) ev.StkID = 0;
                return ev;
            }
        }

        /// <summary>
        /// Validation during the merge (PERF: it saves a pass over all events). Events are validated as they are
        /// merged; the final order differs from that only by the syscall exits that take their real exit time (merged
        /// in by (time, merged position)). Such an exit changes the state of its goroutine only, and edits nothing,
        /// so validating it at its merged position instead of its final one gives the same result unless an event
        /// that it trades places with involves the same goroutine. That is tracked per goroutine (the latest time of
        /// an event involving it, and of a moved exit of it); on such a conflict, on an inconsistency, or with timer
        /// goroutines (their records may come after their events), this gives up and the separate pass runs (and
        /// reports any error, with the times in ns).
        /// </summary>
        private sealed class ValidationOnTheWay(int count)
        {
            private struct Touch
            {
                public long MaxTs;      // latest time (ticks; final order) of a validated event involving the goroutine
                public long MaxMovedTs; // latest time of a validated moved exit of the goroutine
                public bool Moved;      // whether there is one
            }

            private readonly Validator _v = new(count, stacks: null);
            private readonly ULongMap<Touch> _touch = new();

            /// <summary>Whether it failed (the result is then unusable).</summary>
            public bool Failed { get; private set; }

            /// <summary>An event that keeps its place: merged position <paramref name="pos"/>, time in ticks.</summary>
            public void Add(ref LegacyEvent ev, int pos)
            {
                // The goroutines whose state the validation of this event may read or write (conservatively).
                if (!Involve(ev.G, ev.Ts)) return;
                if (ev.Type is LegacyEv.GoCreate or LegacyEv.GoUnblock && ev.A0 != ev.G && !Involve(ev.A0, ev.Ts)) return;
                if (!_v.TryStep(ref ev, pos)) Failed = true;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private bool Involve(ulong g, long ts)
            {
                ref var t = ref _touch.GetOrAdd(g);
                // A moved exit of g validated before, but later in the final order: they trade places.
                if (t.Moved && t.MaxMovedTs > ts)
                {
                    Failed = true;
                    return false;
                }
                if (ts > t.MaxTs) t.MaxTs = ts;
                return true;
            }

            /// <summary>A syscall exit at merged position <paramref name="pos"/> whose time became its real exit time.</summary>
            public void AddMoved(ref LegacyEvent ev, int pos)
            {
                ref var t = ref _touch.GetOrAdd(ev.G);
                // An event of g validated before, but later in the final order (greater time; at equal times the
                // merged position decides, and those came first): they trade places.
                if (t.MaxTs > ev.Ts)
                {
                    Failed = true;
                    return;
                }
                t.MaxTs = ev.Ts;
                if (!t.Moved || ev.Ts > t.MaxMovedTs) t.MaxMovedTs = ev.Ts;
                t.Moved = true;
                if (!_v.TryStep(ref ev, pos)) Failed = true;
            }

            /// <summary>The validator, or null if validation failed.</summary>
            public Validator? Finish() => Failed ? null : _v;
        }

        /// <summary>Validation as a pass of its own over the final order (when the merge could not do it on the way).</summary>
        private static void Validate(LegacyEventStore store)
        {
            var v = new Validator(store.Count, store.Stacks);
            var reader = new LegacyEventReader(store, final: false);
            var ev = default(LegacyEvent);
            while (reader.NextInto(ref ev)) v.Step(ref ev, reader.Pos);
            v.Finish(store);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void CheckRunning(in PDesc p, in GDesc g, in LegacyEvent ev, bool allowG0)
        {
            if (g.State != VRunning) throw Invalid("g {0} is not running while {1} (time {2})", ev.G, LegacyEventInfo.Name(ev.Type), ev.Ts);
            if (p.G != ev.G) throw Invalid("p {0} is not running g {1} while {2} (time {3})", ev.P, ev.G, LegacyEventInfo.Name(ev.Type), ev.Ts);
            if (!allowG0 && ev.G == 0) throw Invalid("g 0 did {0} (time {1})", LegacyEventInfo.Name(ev.Type), ev.Ts);
        }

        /// <summary>The reference's debug rendering of an event (Go's <c>Event.String</c>), used in a few messages.</summary>
        private static string EventString(in LegacyEvent ev)
        {
            var sb = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            sb.Append(inv, $"{ev.Ts} {LegacyEventInfo.Name(ev.Type)} p={ev.P} g={ev.G} stk={ev.StkID}");
            var names = LegacyEventInfo.ArgNames(ev.Type);
            for (int i = 0; i < names.Count; i++)
            {
                ulong a = i switch { 0 => ev.A0, 1 => ev.A1, 2 => ev.A2, _ => ev.A3 };
                sb.Append(inv, $" {names[i]}={a}");
            }
            return sb.ToString();
        }

        /// <summary>Go's <c>%q</c> for the ASCII text of <see cref="EventString"/>.</summary>
        private static string Quote(string s)
        {
            var sb = new StringBuilder(s.Length + 2).Append('"');
            foreach (char c in s)
            {
                if (c is '"' or '\\') sb.Append('\\');
                sb.Append(c);
            }
            return sb.Append('"').ToString();
        }
    }
}
