using System.Runtime.CompilerServices;

namespace GoTrace.Format.Legacy;

internal static partial class LegacyParser
{
    private sealed partial class Run
    {
        /// <summary>A P during the merge: its batches, its decoding cursor and its next event.</summary>
        private sealed class Proc
        {
            public required int Index;     // in the merge order of Ps (and in the order stream)
            public required int Pid;
            public required int[] Offsets;
            public required LegacyProcStream Stream;
            public int Pos;                // index in AvailableProcs while there
            public bool Done;

            // The next event (decoded, not yet merged) and its ordering rule.
            public bool HasHead;
            public LegacyEvent Head;
            public ulong G;
            public GState Init, Next;

            public int NextWaiter = -1;    // next P blocked on the same goroutine (a list through GEntry.Waiters)
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool TransitionReady(GEntry curr, GState init) =>
            (init.Seq == NoSeq || init.Seq == curr.Seq) && init.Status == curr.Status;

        /// <summary>A goroutine's state during the merge.</summary>
        private struct GEntry
        {
            public ulong Seq;
            public byte Status;
            public int Waiters;       // index + 1 of the first P whose next event waits for this goroutine's state; 0 = none
            public long LastSysBlock; // tick time of its last GoSysBlock or GoInSyscall (0 = none)
        }

        /// <summary>
        /// The Ps that are not in the frontier, in the order the reference keeps them (a slice it shrinks by moving
        /// the last element into the hole). The reference re-examines every one of them after each merged event, in
        /// slice order. A P whose next event is not ready stays unready until the state of the goroutine that event
        /// waits for changes, so re-examining it is a no-op until then; this class visits only the positions of Ps
        /// that may have changed ("candidates", a bit set by position), in ascending position order — which pushes
        /// the same events in the same order as the full rescan, without its cost (quadratic on traces with many
        /// blocked Ps).
        /// </summary>
        private sealed class AvailableProcs
        {
            private Proc[] _procs;
            private ulong[] _candidate;
            private int _count;
            private int _lowWord; // no candidate below this word

            public AvailableProcs(Proc[] all)
            {
                _procs = new Proc[Math.Max(1, all.Length)];
                _candidate = new ulong[(_procs.Length + 63) / 64];
                foreach (var p in all) Add(p);
            }

            public Proc this[int pos] => _procs[pos];

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private void Set(int pos)
            {
                _candidate[pos >> 6] |= 1UL << (pos & 63);
                if ((pos >> 6) < _lowWord) _lowWord = pos >> 6;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private bool IsSet(int pos) => (_candidate[pos >> 6] & (1UL << (pos & 63))) != 0;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private void Clear(int pos) => _candidate[pos >> 6] &= ~(1UL << (pos & 63));

            /// <summary>Appends a P (Go: append to the slice); it is a candidate.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Add(Proc p)
            {
                // (Every P is in the array or in the frontier, never both: the initial size suffices.)
                p.Pos = _count;
                _procs[_count++] = p;
                Set(p.Pos);
            }

            /// <summary>The lowest candidate position, which stops being a candidate.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public bool NextCandidate(out int pos)
            {
                var c = _candidate;
                for (int w = _lowWord; w < c.Length; w++)
                {
                    if (c[w] == 0) continue;
                    _lowWord = w;
                    pos = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(c[w]);
                    c[w] &= c[w] - 1;
                    return true;
                }
                _lowWord = c.Length;
                pos = 0;
                return false;
            }

            /// <summary>Removes the P at <paramref name="pos"/>; the last P takes its place (and its candidacy).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void RemoveAt(int pos)
            {
                int last = _count - 1;
                if (pos != last)
                {
                    var moved = _procs[last];
                    _procs[pos] = moved;
                    moved.Pos = pos;
                    if (IsSet(last)) Set(pos);
                    else Clear(pos);
                }
                Clear(last);
                _procs[last] = null!;
                _count--;
            }

            /// <summary>The P at <paramref name="pos"/> becomes a candidate (the state it waits for changed).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Wake(int pos) => Set(pos);
        }

        /// <summary>
        /// The frontier: a binary min-heap on tick time holding at most one event per P (Go's <c>orderEventList</c>
        /// with <c>container/heap</c>, whose exact shape decides ties). Entries are (time, P index); the event
        /// stays in its <see cref="Proc"/>.
        /// </summary>
        private sealed class Frontier
        {
            private (long Ts, int Proc)[] _h = new (long, int)[16];
            public int Count { get; private set; }

            private bool Less(int i, int j) => _h[i].Ts < _h[j].Ts;

            private void Swap(int i, int j) => (_h[i], _h[j]) = (_h[j], _h[i]);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Push(long ts, int proc)
            {
                if (Count == _h.Length) Array.Resize(ref _h, _h.Length * 2);
                _h[Count++] = (ts, proc);
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

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int Pop()
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
                Count = n;
                return _h[n].Proc;
            }
        }

        /// <summary>Decodes a P's next event into its head; false when the P has none left.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool LoadHead(Proc p)
        {
            if (!p.Stream.Next(ref p.Head)) return false;
            StateTransition(p.Head, out p.G, out p.Init, out p.Next);
            return true;
        }

        /// <summary>
        /// The merge's state (Go's <c>parseEventBatches</c>): the Ps, the frontier, the goroutine states, the merged
        /// order so far, and the post-merge checks made on the fly. PERF: one <see cref="Step"/> per merged event, so
        /// that the runtime optimizes the loop body with its profile.
        /// </summary>
        private sealed class Merger
        {
            private readonly Proc[] _all;
            private readonly AvailableProcs _available;
            private readonly Frontier _frontier = new();
            private readonly ULongMap<GEntry> _gs = new();

            // The merged order: one P index per event.
            public byte[]? Order8;
            public int[]? Order32;
            public int Count;
            private int _capacity;

            // The post-merge checks, made on the fly; their errors come after the merge's own.
            public bool TimeOrderBroken;
            public string? SyscallError;
            private long _prevTs;
            public bool HaveFirstBase;
            public long FirstBaseTs;
            public int FirstBaseIdx;
            public readonly List<LegacyMovedExit> Moved = [];
            public ValidationOnTheWay? Validation;

            public Merger(Proc[] all, int capacity)
            {
                _all = all;
                _available = new AvailableProcs(all);
                // PERF: the merged order is one P index per event, sized exactly from pass 1's counts.
                _capacity = capacity;
                if (all.Length <= 256) Order8 = new byte[capacity];
                else Order32 = new int[capacity];
                Validation = new ValidationOnTheWay(capacity);
            }

            /// <summary>Merges the next event; false when all Ps are exhausted.</summary>
            public bool Step()
            {
                var available = _available;
                var all = _all;
                // Offer the next event of every available P whose event may be ready (Go rescans all of them).
                while (available.NextCandidate(out int i))
                {
                    var proc = available[i];
                    if (!proc.HasHead)
                    {
                        if (!LoadHead(proc))
                        {
                            proc.Done = true;
                            available.RemoveAt(i);
                            continue;
                        }
                        proc.HasHead = true;
                    }
                    if (proc.G != Unordered)
                    {
                        ref var ge = ref _gs.GetOrAdd(proc.G);
                        if (!TransitionReady(ge, proc.Init))
                        {
                            // It waits for that goroutine's state to change.
                            proc.NextWaiter = ge.Waiters - 1;
                            ge.Waiters = proc.Index + 1;
                            continue;
                        }
                    }
                    available.RemoveAt(i);
                    _frontier.Push(proc.Head.Ts, proc.Index);
                }

                if (_frontier.Count == 0)
                {
                    foreach (var p in all)
                        if (!p.Done) throw new TraceFormatException("no consistent ordering of events possible", "ordering legacy events");
                    return false;
                }

                var from = all[_frontier.Pop()];
                from.HasHead = false;
                ref var e = ref from.Head;
                // The Local variants only matter for ordering.
                e.Type = e.Type switch
                {
                    LegacyEv.GoStartLocal => LegacyEv.GoStart,
                    LegacyEv.GoUnblockLocal => LegacyEv.GoUnblock,
                    LegacyEv.GoSysExitLocal => LegacyEv.GoSysExit,
                    _ => e.Type,
                };
                int idx = Count;
                if (idx == _capacity) Grow();
                if (Order8 is { } o8) o8[idx] = (byte)from.Index;
                else Order32![idx] = from.Index;
                Count = idx + 1;

                // The dependency order must agree with the clocks (checked for the whole stream first).
                if (idx > 0 && e.Ts < _prevTs) TimeOrderBroken = true;
                _prevTs = e.Ts;

                bool isMoved = false;
                if (from.G != Unordered)
                {
                    ref var ge = ref _gs.GetOrAdd(from.G);
                    // Only reachable with corrupt input: the state changed between building the frontier and popping it.
                    if (!TransitionReady(ge, from.Init))
                        throw new TraceFormatException("encountered impossible goroutine state transition", "ordering legacy events");
                    ge.Seq = from.Next.Seq switch
                    {
                        NoSeq => ge.Seq,
                        SeqInc => unchecked(ge.Seq + 1),
                        _ => from.Next.Seq,
                    };
                    ge.Status = from.Next.Status;
                    for (int w = ge.Waiters - 1; w >= 0;)
                    {
                        var p = all[w];
                        available.Wake(p.Pos);
                        w = p.NextWaiter;
                        p.NextWaiter = -1;
                    }
                    ge.Waiters = 0;

                    // A syscall exit is recorded when the goroutine gets a P back; the time it really left the
                    // syscall is in its arguments. Use it, after checking it against the block. (For these types
                    // the event's goroutine is the one whose state it changes; the exits that were Local have no
                    // exit time.)
                    switch (e.Type)
                    {
                        case LegacyEv.GoSysBlock or LegacyEv.GoInSyscall:
                            ge.LastSysBlock = e.Ts;
                            break;
                        case LegacyEv.GoSysExit:
                            isMoved = SysExit(ge.LastSysBlock, e, idx, Moved, ref SyscallError);
                            break;
                    }
                }
                if (!isMoved && !HaveFirstBase)
                {
                    HaveFirstBase = true;
                    FirstBaseTs = e.Ts;
                    FirstBaseIdx = idx;
                }
                if (Validation is { } validation)
                {
                    // The reader's normalization but the time (in ticks here; times only appear in messages).
                    if (e.Type == LegacyEv.GoSysExit) e.P = LegacyTrace.SyscallP;
                    if (!isMoved) validation.Add(ref e, idx);
                    else
                    {
                        e.Ts = (long)e.A2;
                        validation.AddMoved(ref e, idx);
                    }
                    if (validation.Failed) Validation = null;
                }
                available.Add(from);
                return true;
            }

            private void Grow()
            {
                Validation = null; // sized from the count
                _capacity *= 2;
                if (Order8 is not null) Array.Resize(ref Order8, _capacity);
                else Array.Resize(ref Order32, _capacity);
            }

            /// <summary>The order arrays trimmed to the count.</summary>
            public void Trim()
            {
                if (Order8 is not null && Order8.Length != Count) Array.Resize(ref Order8, Count);
                if (Order32 is not null && Order32.Length != Count) Array.Resize(ref Order32, Count);
            }
        }

        /// <summary>
        /// Merges the per-P streams into one consistently ordered stream (Go's <c>parseEventBatches</c>), decoding
        /// the batches lazily, then checks the times and finds the syscall exits that take their real exit time.
        /// Returns the store of the merged order; times are still in ticks.
        /// </summary>
        /// <param name="validated">
        /// The validation, done on the way (<see cref="ValidationOnTheWay"/>); null if it could not be done there
        /// or found an inconsistency (the separate pass then reports it, with the times in ns).
        /// </param>
        private LegacyEventStore MergeBatches(out Validator? validated)
        {
            // The samples were written late and out of order; put them in the order of their own timestamps.
            // Same algorithm as Go's slices.SortFunc, so samples with equal times keep Go's order.
            var samples = _cpuSamples.ToArray();
            _cpuSamples.Clear();
            GoSort.SortFunc(samples.AsSpan(), static (a, b) => a.Ts.CompareTo(b.Ts));
            Action<int> checkBatch = CheckBatch;

            // Go collects the Ps by iterating over a map, so their order — which decides ties between events
            // with equal tick times, the order batches are decoded in (and so the numbering of user log
            // messages) — is random there. Here: ascending P ID, then the CPU-sample pseudo-P, always last as in Go.
            var pids = _batches.Keys.ToArray();
            Array.Sort(pids);
            var all = new Proc[pids.Length + 1];
            for (int i = 0; i < pids.Length; i++)
            {
                var b = _batches[pids[i]];
                var offs = b.Offsets.ToArray();
                var stream = new LegacyProcStream(_data, offs, pids[i], _inlineIndex, b.Unchecked.ToArray(), checkBatch);
                all[i] = new Proc { Index = i, Pid = pids[i], Offsets = offs, Stream = stream };
            }
            all[^1] = new Proc { Index = pids.Length, Pid = LegacyTrace.ProfileP, Offsets = [], Stream = new LegacyProcStream(samples) };
            _batches.Clear();

            var m = new Merger(all, Math.Max(16, _eventCount + samples.Length));
            while (m.Step())
            {
            }
            m.Trim();

            // (Timer goroutines decide a fake P that validation sees; their records may come after their events.)
            validated = _timerGoroutines.Count == 0 ? m.Validation?.Finish() : null;
            if (m.TimeOrderBroken) throw new TraceFormatException(TimeOrder, "ordering legacy events");
            if (m.SyscallError is not null) throw new TraceFormatException(m.SyscallError, "ordering legacy events");

            // Go's stable sort by time: the others are in time order already, so only the moved ones are sorted
            // (by time, then merged position) and merged in when read.
            var movedArr = m.Moved.ToArray();
            var movedAsc = new int[movedArr.Length];
            for (int k = 0; k < movedArr.Length; k++) movedAsc[k] = movedArr[k].Idx;
            Array.Sort(movedArr, static (x, y) => x.Ts != y.Ts ? x.Ts.CompareTo(y.Ts) : x.Idx.CompareTo(y.Idx));

            long minTs = 0;
            if (movedArr.Length > 0 && (!m.HaveFirstBase || movedArr[0].Ts < m.FirstBaseTs || (movedArr[0].Ts == m.FirstBaseTs && movedArr[0].Idx < m.FirstBaseIdx)))
                minTs = movedArr[0].Ts;
            else if (m.HaveFirstBase)
                minTs = m.FirstBaseTs;

            var pidsAll = new int[all.Length];
            var offsets = new int[all.Length][];
            for (int i = 0; i < all.Length; i++)
            {
                pidsAll[i] = all[i].Pid;
                offsets[i] = all[i].Offsets;
            }
            return new LegacyEventStore
            {
                Data = _data,
                Pids = pidsAll,
                Offsets = offsets,
                Samples = samples,
                Order8 = m.Order8,
                Order32 = m.Order32,
                Count = m.Count,
                Moved = movedArr,
                MovedAsc = movedAsc,
                InlineIndex = _inlineIndex,
                TimerGoroutines = _timerGoroutines.Count > 0 ? _timerGoroutines : null,
                MinTs = minTs,
            };
        }

        /// <summary>
        /// The syscall-exit check of a merged <c>GoSysExit</c> (Go's loop after the merge); true if it takes its real
        /// exit time, which differs from its own. The first error is kept in <paramref name="error"/>.
        /// </summary>
        private static bool SysExit(long block, in LegacyEvent e, int idx, List<LegacyMovedExit> moved, ref string? error)
        {
            long ts = (long)e.A2;
            if (ts == 0) return false;
            if (error is null)
            {
                if (block == 0) error = "stray syscall exit";
                else if (ts < block) error = TimeOrder;
            }
            if (error is not null || ts == e.Ts) return false;
            moved.Add(new LegacyMovedExit { Ts = ts, G = e.G, Seq = e.A1, Idx = idx });
            return true;
        }
    }
}
