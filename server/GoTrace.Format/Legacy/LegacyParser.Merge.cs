namespace GoTrace.Format.Legacy;

internal static partial class LegacyParser
{
    private sealed partial class Run
    {
        /// <summary>A P's event stream during the merge: the undelivered rest of its current batch.</summary>
        private sealed class Proc
        {
            public required int Pid;
            public int Pos; // index in AvailableProcs while there
            public LegacyEvent[] Buf = [];
            public int Head, Count;
            public bool Done;

            public void Append(in LegacyEvent ev)
            {
                if (Count == Buf.Length) Array.Resize(ref Buf, Math.Max(16, Buf.Length * 2));
                Buf[Count++] = ev;
            }
        }

        // Goroutine ordering states (Go's order.go).
        private const byte GDead = 0, GRunnable = 1, GRunning = 2, GWaiting = 3;

        // Sentinels: "no ordering constraint", the pseudo-goroutine that orders GC starts, "any seq" and "seq + 1".
        private const ulong Unordered = ulong.MaxValue, Garbage = ulong.MaxValue - 1;
        private const ulong NoSeq = ulong.MaxValue, SeqInc = ulong.MaxValue - 1;

        private readonly record struct GState(ulong Seq, byte Status);

        /// <summary>
        /// The ordering rule of an event: which goroutine's state it needs (<paramref name="g"/>; <see cref="Unordered"/>
        /// for none), the state it needs and the state it leaves (Go's <c>stateTransition</c>).
        /// </summary>
        private static void StateTransition(in LegacyEvent ev, out ulong g, out GState init, out GState next)
        {
            switch (ev.Type)
            {
                case LegacyEv.GoCreate:
                    g = ev.A0;
                    init = new GState(0, GDead);
                    next = new GState(1, GRunnable);
                    return;
                case LegacyEv.GoWaiting or LegacyEv.GoInSyscall:
                    g = ev.G;
                    init = new GState(1, GRunnable);
                    next = new GState(2, GWaiting);
                    return;
                case LegacyEv.GoStart or LegacyEv.GoStartLabel:
                    g = ev.G;
                    init = new GState(ev.A1, GRunnable);
                    next = new GState(unchecked(ev.A1 + 1), GRunning);
                    return;
                case LegacyEv.GoStartLocal:
                    // Written on the P that made the goroutine runnable, so that event is already merged.
                    g = ev.G;
                    init = new GState(NoSeq, GRunnable);
                    next = new GState(SeqInc, GRunning);
                    return;
                case LegacyEv.GoBlock or LegacyEv.GoBlockSend or LegacyEv.GoBlockRecv or LegacyEv.GoBlockSelect
                    or LegacyEv.GoBlockSync or LegacyEv.GoBlockCond or LegacyEv.GoBlockNet or LegacyEv.GoSleep
                    or LegacyEv.GoSysBlock or LegacyEv.GoBlockGC:
                    g = ev.G;
                    init = new GState(NoSeq, GRunning);
                    next = new GState(NoSeq, GWaiting);
                    return;
                case LegacyEv.GoSched or LegacyEv.GoPreempt:
                    g = ev.G;
                    init = new GState(NoSeq, GRunning);
                    next = new GState(NoSeq, GRunnable);
                    return;
                case LegacyEv.GoUnblock or LegacyEv.GoSysExit:
                    g = ev.A0;
                    init = new GState(ev.A1, GWaiting);
                    next = new GState(unchecked(ev.A1 + 1), GRunnable);
                    return;
                case LegacyEv.GoUnblockLocal or LegacyEv.GoSysExitLocal:
                    g = ev.A0;
                    init = new GState(NoSeq, GWaiting);
                    next = new GState(SeqInc, GRunnable);
                    return;
                case LegacyEv.GCStart:
                    g = Garbage;
                    init = new GState(ev.A0, GDead);
                    next = new GState(unchecked(ev.A0 + 1), GDead);
                    return;
                default:
                    g = Unordered;
                    init = default;
                    next = default;
                    return;
            }
        }

        private static bool TransitionReady(ulong g, GState curr, GState init) =>
            g == Unordered || (init.Seq == NoSeq || init.Seq == curr.Seq) && init.Status == curr.Status;

        private static void Transition(Dictionary<ulong, GState> gs, ulong g, GState init, GState next)
        {
            if (g == Unordered) return;
            var curr = gs.GetOrDefault(g);
            // Only reachable with corrupt input: the state changed between building the frontier and popping it.
            if (!TransitionReady(g, curr, init))
                throw new TraceFormatException("encountered impossible goroutine state transition", "ordering legacy events");
            ulong seq = next.Seq switch
            {
                NoSeq => curr.Seq,
                SeqInc => unchecked(curr.Seq + 1),
                _ => next.Seq,
            };
            gs[g] = new GState(seq, next.Status);
        }

        /// <summary>
        /// The Ps that are not in the frontier, in the order the reference keeps them (a slice it shrinks by moving
        /// the last element into the hole). The reference re-examines every one of them after each merged event, in
        /// slice order. A P whose next event is not ready stays unready until the state of the goroutine that event
        /// waits for changes, so re-examining it is a no-op until then; this class visits only the positions of Ps
        /// that may have changed ("candidates"), in ascending position order — which pushes the same events in the
        /// same order as the full rescan, without its cost (quadratic on traces with many blocked Ps).
        /// </summary>
        private sealed class AvailableProcs
        {
            private readonly List<Proc> _procs = [];
            private readonly List<bool> _candidate = [];                 // by position
            private readonly PriorityQueue<int, int> _queue = new();     // candidate positions; may hold stale entries
            private readonly Dictionary<ulong, List<Proc>> _waiting = []; // goroutine -> Ps blocked on its state

            public AvailableProcs(List<Proc> all)
            {
                foreach (var p in all) Add(p);
            }

            public Proc this[int pos] => _procs[pos];

            /// <summary>Appends a P (Go: append to the slice); it is a candidate.</summary>
            public void Add(Proc p)
            {
                p.Pos = _procs.Count;
                _procs.Add(p);
                _candidate.Add(true);
                _queue.Enqueue(p.Pos, p.Pos);
            }

            /// <summary>The lowest candidate position, which stops being a candidate.</summary>
            public bool NextCandidate(out int pos)
            {
                while (_queue.TryDequeue(out pos, out _))
                {
                    if (pos < _procs.Count && _candidate[pos])
                    {
                        _candidate[pos] = false;
                        return true;
                    }
                }
                return false;
            }

            /// <summary>Removes the P at <paramref name="pos"/>; the last P takes its place (and its candidacy).</summary>
            public void RemoveAt(int pos)
            {
                int last = _procs.Count - 1;
                if (pos != last)
                {
                    var moved = _procs[last];
                    _procs[pos] = moved;
                    moved.Pos = pos;
                    _candidate[pos] = _candidate[last];
                    if (_candidate[pos]) _queue.Enqueue(pos, pos);
                }
                _procs.RemoveAt(last);
                _candidate.RemoveAt(last);
            }

            /// <summary>Records that <paramref name="p"/>'s next event waits for the state of goroutine <paramref name="g"/>.</summary>
            public void Block(Proc p, ulong g)
            {
                if (!_waiting.TryGetValue(g, out var list)) _waiting[g] = list = [];
                list.Add(p);
            }

            /// <summary>The state of goroutine <paramref name="g"/> changed: the Ps waiting for it become candidates.</summary>
            public void Wake(ulong g)
            {
                if (!_waiting.Remove(g, out var list)) return;
                foreach (var p in list)
                {
                    if (_candidate[p.Pos]) continue;
                    _candidate[p.Pos] = true;
                    _queue.Enqueue(p.Pos, p.Pos);
                }
            }
        }

        /// <summary>The frontier: a binary min-heap on tick time holding at most one event per P (Go's <c>orderEventList</c>).</summary>
        private sealed class Frontier
        {
            private (LegacyEvent Ev, Proc Proc)[] _h = new (LegacyEvent, Proc)[16];
            public int Count { get; private set; }

            private bool Less(int i, int j) => _h[i].Ev.Ts < _h[j].Ev.Ts;

            private void Swap(int i, int j) => (_h[i], _h[j]) = (_h[j], _h[i]);

            public void Push(in LegacyEvent ev, Proc proc)
            {
                if (Count == _h.Length) Array.Resize(ref _h, _h.Length * 2);
                _h[Count++] = (ev, proc);
                // Sift up.
                int j = Count - 1;
                while (true)
                {
                    int i = (j - 1) / 2;
                    if (i == j || !Less(j, i)) break;
                    Swap(i, j);
                    j = i;
                }
            }

            public (LegacyEvent Ev, Proc Proc) Pop()
            {
                int n = Count - 1;
                Swap(0, n);
                // Sift down over the first n elements.
                int i = 0;
                while (true)
                {
                    int j1 = 2 * i + 1;
                    if (j1 >= n || j1 < 0) break;
                    int j = j1;
                    int j2 = j1 + 1;
                    if (j2 < n && Less(j2, j1)) j = j2;
                    if (!Less(j, i)) break;
                    Swap(i, j);
                    i = j;
                }
                var top = _h[n];
                _h[n] = default;
                Count = n;
                return top;
            }
        }

        /// <summary>
        /// Decodes the batches and merges the per-P streams into one consistently ordered list (Go's
        /// <c>parseEventBatches</c>), then applies the syscall exit times. Times are still in ticks.
        /// </summary>
        private LegacyEvent[] MergeBatches(out int count)
        {
            // The samples were written late and out of order; put them in the order of their own timestamps.
            // Same algorithm as Go's slices.SortFunc, so samples with equal times keep Go's order.
            var samples = _cpuSamples.ToArray();
            GoSort.SortFunc(samples.AsSpan(), static (a, b) => a.Ts.CompareTo(b.Ts));

            // Go collects the Ps by iterating over a map, so their order — which decides ties between events
            // with equal tick times, the order batches are decoded in (and so the numbering of user log
            // messages) — is random there. Here: ascending P ID, then the CPU-sample pseudo-P, always last as in Go.
            var pids = _batches.Keys.ToArray();
            Array.Sort(pids);
            var all = new List<Proc>(pids.Length + 1);
            foreach (int pid in pids) all.Add(new Proc { Pid = pid });
            all.Add(new Proc { Pid = LegacyTrace.ProfileP, Buf = samples, Count = samples.Length });

            var gs = new Dictionary<ulong, GState>();
            var frontier = new Frontier();
            var available = new AvailableProcs(all);
            // PERF: sized exactly from pass 1's count (growing by doubling, then trimming, peaked at 3x the events).
            var merged = new LegacyEvent[Math.Max(16, _eventCount + samples.Length)];
            count = 0;

            while (true)
            {
                // Offer the next event of every available P whose event may be ready (Go rescans all of them).
                while (available.NextCandidate(out int i))
                {
                    var proc = available[i];
                    bool exhausted = false;
                    while (proc.Head == proc.Count)
                    {
                        // Batches can be empty, hence the loop.
                        if (!LoadBatch(proc))
                        {
                            proc.Done = true;
                            available.RemoveAt(i);
                            exhausted = true;
                            break;
                        }
                    }
                    if (exhausted) continue;

                    ref var ev = ref proc.Buf[proc.Head];
                    StateTransition(ev, out ulong g, out var init, out _);
                    if (!TransitionReady(g, gs.GetOrDefault(g), init))
                    {
                        available.Block(proc, g);
                        continue;
                    }
                    proc.Head++;
                    available.RemoveAt(i);
                    frontier.Push(ev, proc);
                }

                if (frontier.Count == 0)
                {
                    foreach (var p in all)
                        if (!p.Done) throw new TraceFormatException("no consistent ordering of events possible", "ordering legacy events");
                    break;
                }

                var (e, from) = frontier.Pop();
                StateTransition(e, out ulong g2, out var init2, out var next2);
                // The Local variants only matter for ordering.
                e.Type = e.Type switch
                {
                    LegacyEv.GoStartLocal => LegacyEv.GoStart,
                    LegacyEv.GoUnblockLocal => LegacyEv.GoUnblock,
                    LegacyEv.GoSysExitLocal => LegacyEv.GoSysExit,
                    _ => e.Type,
                };
                if (count == merged.Length) Array.Resize(ref merged, merged.Length * 2);
                merged[count++] = e;
                Transition(gs, g2, init2, next2);
                if (g2 != Unordered) available.Wake(g2);
                available.Add(from);
            }

            // The dependency order must agree with the clocks.
            for (int i = 1; i < count; i++)
                if (merged[i].Ts < merged[i - 1].Ts) throw new TraceFormatException(TimeOrder, "ordering legacy events");

            // A syscall exit is recorded when the goroutine gets a P back; the time it really left the syscall is
            // in its arguments. Use it, after checking it against the block.
            var lastSysBlock = new Dictionary<ulong, long>();
            var moved = new List<int>();
            for (int i = 0; i < count; i++)
            {
                ref var ev = ref merged[i];
                switch (ev.Type)
                {
                    case LegacyEv.GoSysBlock or LegacyEv.GoInSyscall:
                        lastSysBlock[ev.G] = ev.Ts;
                        break;
                    case LegacyEv.GoSysExit:
                        long ts = (long)ev.A2;
                        if (ts == 0) break;
                        long block = lastSysBlock.GetOrDefault(ev.G);
                        if (block == 0) throw new TraceFormatException("stray syscall exit", "ordering legacy events");
                        if (ts < block) throw new TraceFormatException(TimeOrder, "ordering legacy events");
                        if (ts != ev.Ts) moved.Add(i);
                        ev.Ts = ts;
                        break;
                }
            }
            if (moved.Count > 0) StableSortMoved(merged, count, moved);
            return merged;
        }

        /// <summary>
        /// Re-sorts by time after the syscall exits in <paramref name="movedIdx"/> (ascending indices) got new times,
        /// with the result of a stable sort (Go: sort.Stable), i.e. ordered by (time, original index). The other
        /// events are still in that order, so only the moved ones are sorted and then merged in: extra memory is
        /// proportional to the moved events plus one int per event, not a second copy of the events.
        /// </summary>
        private static void StableSortMoved(LegacyEvent[] a, int n, List<int> movedIdx)
        {
            int m = movedIdx.Count;
            var mv = new (LegacyEvent Ev, int Idx)[m];
            for (int k = 0; k < m; k++) mv[k] = (a[movedIdx[k]], movedIdx[k]);
            Array.Sort(mv, static (x, y) => x.Ev.Ts != y.Ev.Ts ? x.Ev.Ts.CompareTo(y.Ev.Ts) : x.Idx.CompareTo(y.Idx));
            // Move the others to the end, keeping their order and remembering where they came from.
            var restIdx = new int[n - m];
            int w = n;
            for (int r = n - 1, k = m - 1; r >= 0; r--)
            {
                if (k >= 0 && movedIdx[k] == r)
                {
                    k--;
                    continue;
                }
                w--;
                a[w] = a[r];
                restIdx[w - m] = r;
            }
            // Merge from the front; the write position never passes the read position of the others.
            int i = m, j = 0;
            for (int o = 0; o < n; o++)
            {
                bool takeMoved = j < m && (i == n || mv[j].Ev.Ts < a[i].Ts || (mv[j].Ev.Ts == a[i].Ts && mv[j].Idx < restIdx[i - m]));
                a[o] = takeMoved ? mv[j++].Ev : a[i++];
            }
        }
    }
}
