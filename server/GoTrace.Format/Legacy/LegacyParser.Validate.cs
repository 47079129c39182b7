using System.Globalization;
using System.Text;

namespace GoTrace.Format.Legacy;

internal static partial class LegacyParser
{
    private sealed partial class Run
    {
        // Goroutine states of the validation (the same numbering as the ordering states).
        private const byte VDead = 0, VRunnable = 1, VRunning = 2, VWaiting = 3;

        /// <summary>A goroutine during validation. Event references are indices into the event array plus one (0 = none).</summary>
        private struct GDesc
        {
            public byte State;
            public int Ev;          // the event that last made it runnable or waiting
            public int EvCreate;    // its creation, until its first start
            public bool InMarkAssist;
        }

        private struct PDesc
        {
            public bool Running;
            public ulong G;
            public bool Sweeping;
        }

        private const string Validating = "validating legacy events";

        private static TraceFormatException Invalid(string reason) => new(reason, Validating);

        /// <summary>
        /// Replays goroutine and P states over the normalized events and rejects inconsistent traces (Go's
        /// <c>postProcessTrace</c>). Edits events in place: GC starts go to the GC fake P, unblocks of goroutines that
        /// blocked on the network go to the netpoll fake P, a goroutine's first start gets its creation stack, and
        /// stack IDs that name no (non-empty) stack become 0.
        /// </summary>
        private void Validate(LegacyEvent[] events)
        {
            // Presence in gs matters ("g N already exists"), so it is written exactly where the reference writes it.
            var gs = new Dictionary<ulong, GDesc> { [0] = new GDesc { State = VRunning } };
            var ps = new Dictionary<int, PDesc>();
            var tasks = new Dictionary<ulong, int>();           // task ID -> index of its creation
            var activeRegions = new Dictionary<ulong, List<int>>(); // goroutine -> indices of open region starts
            bool inGC = false, inSTW = false;

            for (int idx = 0; idx < events.Length; idx++)
            {
                ref var ev = ref events[idx];
                switch (ev.Type)
                {
                    case LegacyEv.ProcStart:
                    {
                        var p = ps.GetOrDefault(ev.P);
                        if (p.Running) throw Invalid($"p {ev.P} is running before start (time {ev.Ts})");
                        p.Running = true;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.ProcStop:
                    {
                        var p = ps.GetOrDefault(ev.P);
                        if (!p.Running) throw Invalid($"p {ev.P} is not running before stop (time {ev.Ts})");
                        if (p.G != 0) throw Invalid($"p {ev.P} is running a goroutine {p.G} during stop (time {ev.Ts})");
                        p.Running = false;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GCStart:
                        if (inGC) throw Invalid($"previous GC is not ended before a new one (time {ev.Ts})");
                        inGC = true;
                        ev.P = LegacyTrace.GCP; // GC belongs to no P
                        break;
                    case LegacyEv.GCDone:
                        if (!inGC) throw Invalid($"bogus GC end (time {ev.Ts})");
                        inGC = false;
                        break;
                    case LegacyEv.STWStart:
                        if (inSTW) throw Invalid($"previous STW is not ended before a new one (time {ev.Ts})");
                        inSTW = true;
                        break;
                    case LegacyEv.STWDone:
                        if (!inSTW) throw Invalid($"bogus STW end (time {ev.Ts})");
                        inSTW = false;
                        break;
                    case LegacyEv.GCSweepStart:
                    {
                        var p = ps.GetOrDefault(ev.P);
                        if (p.Sweeping) throw Invalid($"previous sweeping is not ended before a new one (time {ev.Ts})");
                        p.Sweeping = true;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GCMarkAssistStart:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        if (g.InMarkAssist) throw Invalid($"previous mark assist is not ended before a new one (time {ev.Ts})");
                        g.InMarkAssist = true;
                        gs[ev.G] = g;
                        break;
                    }
                    case LegacyEv.GCMarkAssistDone:
                    {
                        // An assist may have begun before the trace started: no check.
                        var g = gs.GetOrDefault(ev.G);
                        g.InMarkAssist = false;
                        gs[ev.G] = g;
                        break;
                    }
                    case LegacyEv.GCSweepDone:
                    {
                        var p = ps.GetOrDefault(ev.P);
                        if (!p.Sweeping) throw Invalid($"bogus sweeping end (time {ev.Ts})");
                        p.Sweeping = false;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GoWaiting or LegacyEv.GoInSyscall:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        if (g.State != VRunnable)
                        {
                            string name = ev.Type == LegacyEv.GoWaiting ? "EvGoWaiting" : "EvGoInSyscall";
                            throw Invalid($"g {ev.G} is not runnable before {name} (time {ev.Ts})");
                        }
                        g.State = VWaiting;
                        g.Ev = idx + 1;
                        gs[ev.G] = g;
                        break;
                    }
                    case LegacyEv.GoCreate:
                    {
                        CheckRunning(ps.GetOrDefault(ev.P), gs.GetOrDefault(ev.G), ev, allowG0: true);
                        if (gs.ContainsKey(ev.A0)) throw Invalid($"g {ev.A0} already exists (time {ev.Ts})");
                        gs[ev.A0] = new GDesc { State = VRunnable, Ev = idx + 1, EvCreate = idx + 1 };
                        break;
                    }
                    case LegacyEv.GoStart or LegacyEv.GoStartLabel:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        var p = ps.GetOrDefault(ev.P);
                        if (g.State != VRunnable) throw Invalid($"g {ev.G} is not runnable before start (time {ev.Ts})");
                        if (p.G != 0) throw Invalid($"p {ev.P} is already running g {p.G} while start g {ev.G} (time {ev.Ts})");
                        g.State = VRunning;
                        p.G = ev.G;
                        if (g.EvCreate != 0)
                        {
                            // The first start shows the stack the goroutine was created with (its start function).
                            ev.StkID = unchecked((uint)events[g.EvCreate - 1].A1);
                            g.EvCreate = 0;
                        }
                        g.Ev = 0;
                        gs[ev.G] = g;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GoEnd or LegacyEv.GoStop:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        var p = ps.GetOrDefault(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VDead;
                        p.G = 0;
                        if (ev.Type == LegacyEv.GoEnd) activeRegions.Remove(ev.G); // its open regions end with it
                        gs[ev.G] = g;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GoSched or LegacyEv.GoPreempt:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        var p = ps.GetOrDefault(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VRunnable;
                        p.G = 0;
                        g.Ev = idx + 1;
                        gs[ev.G] = g;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GoUnblock:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        var p = ps.GetOrDefault(ev.P);
                        if (g.State != VRunning) throw Invalid($"g {ev.G} is not running while unpark (time {ev.Ts})");
                        if (ev.P != LegacyTrace.TimerP && p.G != ev.G) throw Invalid($"p {ev.P} is not running g {ev.G} while unpark (time {ev.Ts})");
                        var g1 = gs.GetOrDefault(ev.A0);
                        if (g1.State != VWaiting) throw Invalid($"g {ev.A0} is not waiting before unpark (time {ev.Ts})");
                        if (g1.Ev != 0 && events[g1.Ev - 1].Type == LegacyEv.GoBlockNet) ev.P = LegacyTrace.NetpollP;
                        g1.State = VRunnable;
                        g1.Ev = idx + 1;
                        gs[ev.A0] = g1;
                        break;
                    }
                    case LegacyEv.GoSysCall:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        CheckRunning(ps.GetOrDefault(ev.P), g, ev, allowG0: false);
                        g.Ev = idx + 1;
                        gs[ev.G] = g;
                        break;
                    }
                    case LegacyEv.GoSysBlock:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        var p = ps.GetOrDefault(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VWaiting;
                        p.G = 0;
                        gs[ev.G] = g;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.GoSysExit:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        if (g.State != VWaiting) throw Invalid($"g {ev.G} is not waiting during syscall exit (time {ev.Ts})");
                        g.State = VRunnable;
                        g.Ev = idx + 1;
                        gs[ev.G] = g;
                        break;
                    }
                    case LegacyEv.GoSleep or LegacyEv.GoBlock or LegacyEv.GoBlockSend or LegacyEv.GoBlockRecv
                        or LegacyEv.GoBlockSelect or LegacyEv.GoBlockSync or LegacyEv.GoBlockCond or LegacyEv.GoBlockNet
                        or LegacyEv.GoBlockGC:
                    {
                        var g = gs.GetOrDefault(ev.G);
                        var p = ps.GetOrDefault(ev.P);
                        CheckRunning(p, g, ev, allowG0: false);
                        g.State = VWaiting;
                        g.Ev = idx + 1;
                        p.G = 0;
                        gs[ev.G] = g;
                        ps[ev.P] = p;
                        break;
                    }
                    case LegacyEv.UserTaskCreate:
                        if (tasks.TryGetValue(ev.A0, out int prev))
                            throw Invalid($"task id conflicts (id:{ev.A0}), {Quote(EventString(ev))} vs {Quote(EventString(events[prev]))}");
                        tasks[ev.A0] = idx;
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
                            regions.Add(idx);
                        }
                        else if (mode == 1)
                        {
                            // Without an open region (it began before the trace) the end is accepted as is.
                            if (regions is { Count: > 0 })
                            {
                                ref var s = ref events[regions[^1]];
                                if (s.A0 != ev.A0 || s.A2 != ev.A2)
                                    throw Invalid($"misuse of region in goroutine {ev.G}: span end {Quote(EventString(ev))} when the inner-most active span start event is {Quote(EventString(s))}");
                                regions.RemoveAt(regions.Count - 1);
                                if (regions.Count == 0) activeRegions.Remove(ev.G);
                            }
                        }
                        else
                        {
                            throw Invalid($"invalid user region mode: {Quote(EventString(ev))}");
                        }
                        break;
                    }
                }

                // Stack IDs must name a stack with frames (only stacks with frames are stored).
                if (ev.StkID != 0 && !_stacks.ContainsKey(ev.StkID)) ev.StkID = 0;
            }
        }

        private static void CheckRunning(PDesc p, GDesc g, in LegacyEvent ev, bool allowG0)
        {
            string name = LegacyEventInfo.Name(ev.Type);
            if (g.State != VRunning) throw Invalid($"g {ev.G} is not running while {name} (time {ev.Ts})");
            if (p.G != ev.G) throw Invalid($"p {ev.P} is not running g {ev.G} while {name} (time {ev.Ts})");
            if (!allowG0 && ev.G == 0) throw Invalid($"g 0 did {name} (time {ev.Ts})");
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
