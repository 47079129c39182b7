using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GoTrace.Format;

namespace GoTrace.Analysis;

/// <summary>The four blocking profiles of <c>go tool trace -pprof=</c>.</summary>
public enum BlockingKind : byte
{
    /// <summary><c>-pprof=net</c>: Waiting, entered with reason "network".</summary>
    Net,
    /// <summary><c>-pprof=sync</c>: Waiting, entered with a reason containing "chan", "sync" or "select".</summary>
    Sync,
    /// <summary><c>-pprof=syscall</c>: Syscall, any reason.</summary>
    Syscall,
    /// <summary><c>-pprof=sched</c>: Runnable, any reason.</summary>
    Sched,
}

/// <summary>Flags for a set of <see cref="BlockingKind"/>s.</summary>
[Flags]
public enum BlockingKinds : byte
{
    None = 0,
    Net = 1 << BlockingKind.Net,
    Sync = 1 << BlockingKind.Sync,
    Syscall = 1 << BlockingKind.Syscall,
    Sched = 1 << BlockingKind.Sched,
    All = Net | Sync | Syscall | Sched,
}

/// <summary>
/// One closed interval a goroutine spent in a profiled state: from the transition that entered it (with an accepted
/// reason) to the next transition of that goroutine into another state. <see cref="Stack"/> is the event stack of the
/// entering event, as Go charges it.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct BlockingInterval
{
    public long Start;
    public long End;
    /// <summary>Index of the goroutine in the collector (see <see cref="BlockingCollector.GoroutineAt"/>).</summary>
    public int GoroutineIndex;
    public int Stack;
    /// <summary>Index into <see cref="BlockingCollector.Reasons"/> of the entering transition's reason.</summary>
    public ushort Reason;
    public BlockingKind Kind;
}

/// <summary>A goroutine's lifetime as Go's summarizer records it (what the profiles' goroutine filter clips to).</summary>
/// <param name="Id">Goroutine ID.</param>
/// <param name="StartTime">First transition into Running, or 0 if it never ran.</param>
/// <param name="EndTime">Transition into NotExist or a "forever" block, or 0 if alive at the end.</param>
/// <param name="NameFrame">Frame index of the root frame naming the goroutine (its group), or -1.</param>
public readonly record struct GoroutineLifetime(long Id, long StartTime, long EndTime, int NameFrame);

/// <summary>
/// Collects, in one pass, every interval the four blocking profiles are built from, plus the goroutine lifetimes and
/// names their goroutine filter needs. Intervals follow Go's valid-prefix rule (dropped after the last Sync on an
/// error); lifetimes follow the summarizer, which sees every event.
/// </summary>
public sealed class BlockingCollector : IPrefixConsumer
{
    // What is kept of every goroutine: its lifetime, and where its open intervals are (if any).
    private struct Life
    {
        public long Id;
        public long StartTime, EndTime;
        public int NameFrame;
        public int Slot;                // index in _open, or -1 when no interval is open
    }

    // The intervals a goroutine has open. Entries are reused once all are closed: their number is bounded by the
    // goroutines blocked (or runnable, in a syscall) at once, not by the goroutines ever seen.
    private struct OpenIntervals
    {
        public long T0, T1, T2, T3;     // start of the open interval per kind
        public int S0, S1, S2, S3;      // its stack
        public ushort R0, R1, R2, R3;   // its reason
        public byte Open;               // bit per kind
    }

    private readonly BlockingKinds _kinds;
    private readonly BlockingIntervals _intervals = new();
    private BlockingIntervals.Mark _checkpoint;
    // Per-goroutine state in chunks of 4,096: a trace may have millions of goroutines, and a doubling array held both
    // copies at each growth and left the old ones behind (1.7 GB allocated for 4.9 M).
    private readonly ChunkedList<Life> _life = new(12);
    private ChunkedList<OpenIntervals> _open = new(12);
    private readonly Stack<int> _freeOpen = new();
    private int _gCount;
    private readonly GoTrace.Format.Legacy.ULongMap<int> _gIndex = new();   // goroutine ID -> index

    private readonly List<string> _reasons = [""];
    private readonly List<byte> _reasonClass = [0];
    private readonly Dictionary<string, ushort> _reasonIndex = new() { [""] = 0 };
    private GenerationData? _reasonGen;
    private readonly Dictionary<ulong, ushort> _reasonCache = [];
    private ushort[] _reasonDense = new ushort[256];   // string ID -> reason index + 1, for small IDs

    private const byte ClassNet = 1, ClassSync = 2, ClassForever = 4;

    public BlockingCollector(StackTable stacks, BlockingKinds kinds = BlockingKinds.All)
    {
        Stacks = stacks;
        _kinds = kinds;
    }

    /// <summary>The stack table the intervals' stacks index into.</summary>
    public StackTable Stacks { get; }

    /// <summary>Which profiles are collected.</summary>
    public BlockingKinds Kinds => _kinds;

    /// <summary>Distinct transition reasons; index 0 is "".</summary>
    public IReadOnlyList<string> Reasons => _reasons;

    /// <summary>Every closed interval, in the order the intervals closed (Go's aggregation order).</summary>
    public BlockingIntervals Intervals => _intervals;

    /// <summary>Time of the first event.</summary>
    public long TraceStart { get; private set; }

    /// <summary>Go's trace end: the last retained event.</summary>
    public long TraceEnd { get; private set; }

    /// <summary>Lifetimes of every goroutine seen in a state transition.</summary>
    public IEnumerable<GoroutineLifetime> Goroutines
    {
        get
        {
            for (int i = 0; i < _gCount; i++) yield return GoroutineAt(i);
        }
    }

    /// <summary>Number of goroutines seen.</summary>
    public int GoroutineCount => _gCount;

    /// <summary>The name (group) of a goroutine: its root function, or "" if no stack was seen.</summary>
    public string NameOf(in GoroutineLifetime g) => g.NameFrame < 0 ? "" : Stacks.GetFrame(g.NameFrame).Function;

    /// <summary>Lifetime of the goroutine with index <paramref name="index"/> (0 ≤ index &lt; <see cref="GoroutineCount"/>).</summary>
    public GoroutineLifetime GoroutineAt(int index)
    {
        ref var s = ref _life[index];
        return new GoroutineLifetime(s.Id, s.StartTime, s.EndTime, s.NameFrame);
    }

    /// <summary>Index of goroutine <paramref name="id"/>, or -1.</summary>
    public int IndexOf(long id) => Find(id);

    /// <summary>Lifetime of goroutine <paramref name="id"/>, if seen.</summary>
    public bool TryGetGoroutine(long id, out GoroutineLifetime g)
    {
        int i = Find(id);
        if (i < 0) { g = default; return false; }
        g = GoroutineAt(i);
        return true;
    }

    private int Find(long id)
    {
        ref int i = ref _gIndex.Find((ulong)id);
        return System.Runtime.CompilerServices.Unsafe.IsNullRef(ref i) ? -1 : i;
    }

    private ref Life Get(long id, out int index)
    {
        int i = Find(id);
        if (i < 0)
        {
            i = _gCount++;
            _life.AddRef() = new Life { Id = id, NameFrame = -1, Slot = -1 };
            _gIndex.GetOrAdd((ulong)id) = i;
        }
        index = i;
        return ref _life[i];
    }

    private ushort ReasonOf(in Event ev)
    {
        if (ev.Type is not (Ev.GoStop or Ev.GoBlock) || ev.Generation is not { } gen) return 0;
        if (!ReferenceEquals(gen, _reasonGen))
        {
            _reasonGen = gen;
            _reasonCache.Clear();
            Array.Clear(_reasonDense);
        }
        ulong sid = ev.A0;
        if (sid < (ulong)_reasonDense.Length && _reasonDense[sid] != 0) return (ushort)(_reasonDense[sid] - 1);
        ref ushort slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_reasonCache, sid, out bool exists);
        if (!exists)
        {
            var s = gen.String(ev.A0);
            if (!_reasonIndex.TryGetValue(s, out slot))
            {
                slot = checked((ushort)_reasons.Count);
                _reasons.Add(s);
                byte c = 0;
                if (s == "network") c |= ClassNet;
                if (s.Contains("chan", StringComparison.Ordinal) || s.Contains("sync", StringComparison.Ordinal)
                    || s.Contains("select", StringComparison.Ordinal)) c |= ClassSync;
                if (s == "forever") c |= ClassForever;
                _reasonClass.Add(c);
                _reasonIndex.Add(s, slot);
            }
        }
        if (sid < (ulong)_reasonDense.Length) _reasonDense[sid] = (ushort)(slot + 1);
        return slot;
    }

    public void OnEvent(in Event ev)
    {
        if (ev.Kind != EventKind.StateTransition || ev.TransitionResource != ResourceKind.Goroutine) return;
        long id = ev.TransitionId;
        var from = ev.GoFrom;
        var to = ev.GoTo;
        ref var g = ref Get(id, out int index);
        ushort reason = ReasonOf(in ev);
        byte cls = _reasonClass[reason];

        if (from != to)
        {
            // Lifetime and name exactly as the summarizer keeps them.
            if (from is GoState.Undetermined or GoState.NotExist)
            {
                g.StartTime = 0;
                g.EndTime = 0;
                g.NameFrame = -1;
            }
            if (g.NameFrame < 0 && ev.Generation is not null && ev.HasTransitionStack)
            {
                var frames = Stacks.FrameIndexes(Stacks.OfTransition(in ev));
                if (frames.Length > 0 && Stacks.GetFrame(frames[^1]).Function.Length > 0) g.NameFrame = frames[^1];
            }
            if (to == GoState.Running && g.StartTime == 0) g.StartTime = ev.Time;
            if (to == GoState.NotExist || (to == GoState.Waiting && (cls & ClassForever) != 0)) g.EndTime = ev.Time;
        }

        var kinds = _kinds;
        if (g.Slot < 0)
        {
            // Nothing open: only an interval that opens here needs an entry.
            bool opens = to switch
            {
                GoState.Waiting => ((kinds & BlockingKinds.Net) != 0 && (cls & ClassNet) != 0)
                    || ((kinds & BlockingKinds.Sync) != 0 && (cls & ClassSync) != 0),
                GoState.Syscall => (kinds & BlockingKinds.Syscall) != 0,
                GoState.Runnable => (kinds & BlockingKinds.Sched) != 0,
                _ => false,
            };
            if (!opens) return;
            if (!_freeOpen.TryPop(out g.Slot))
            {
                g.Slot = checked((int)_open.Count);
                _open.AddRef();
            }
        }
        ref var o = ref _open[g.Slot];
        if ((kinds & BlockingKinds.Net) != 0)
            Track(ref o, index, in ev, to, reason, BlockingKind.Net, GoState.Waiting, (cls & ClassNet) != 0, ref o.T0, ref o.S0, ref o.R0);
        if ((kinds & BlockingKinds.Sync) != 0)
            Track(ref o, index, in ev, to, reason, BlockingKind.Sync, GoState.Waiting, (cls & ClassSync) != 0, ref o.T1, ref o.S1, ref o.R1);
        if ((kinds & BlockingKinds.Syscall) != 0)
            Track(ref o, index, in ev, to, reason, BlockingKind.Syscall, GoState.Syscall, true, ref o.T2, ref o.S2, ref o.R2);
        if ((kinds & BlockingKinds.Sched) != 0)
            Track(ref o, index, in ev, to, reason, BlockingKind.Sched, GoState.Runnable, true, ref o.T3, ref o.S3, ref o.R3);
        if (o.Open == 0)
        {
            _freeOpen.Push(g.Slot);
            g.Slot = -1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Track(ref OpenIntervals g, int index, in Event ev, GoState to, ushort reason, BlockingKind kind, GoState target,
        bool accept, ref long t0, ref int stack, ref ushort r)
    {
        byte bit = (byte)(1 << (int)kind);
        if ((g.Open & bit) == 0)
        {
            if (to == target && accept)
            {
                g.Open |= bit;
                t0 = ev.Time;
                stack = Stacks.OfEvent(in ev);
                r = reason;
            }
            return;
        }
        if (to == target) return;
        g.Open &= (byte)~bit;
        if (ev.Time > t0)
        {
            _intervals.Add(new BlockingInterval
            {
                GoroutineIndex = index, Start = t0, End = ev.Time, Stack = stack, Reason = r, Kind = kind,
            });
        }
    }

    public void Checkpoint() => _checkpoint = _intervals.Checkpoint();

    public void Rollback() => _intervals.Truncate(_checkpoint);

    public void Complete(in PassEnd end)
    {
        TraceStart = end.StartTime;
        TraceEnd = end.EndTime;
        _intervals.Trim();
        // The lifetimes stay where they are; the intervals still open are not needed any more.
        _open = new(12);
        _freeOpen.Clear();
    }
}
