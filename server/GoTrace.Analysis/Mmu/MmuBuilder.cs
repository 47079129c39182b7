using GoTrace.Format;

namespace GoTrace.Analysis.Mmu;

/// <summary>What one <see cref="MmuRecord"/> stands for.</summary>
internal enum MmuRecordKind : byte
{
    /// <summary>An event without any effect of its own, kept because Go records a utilization point at its time.</summary>
    Tick,
    /// <summary>GOMAXPROCS metric; <see cref="MmuRecord.Value"/> = n.</summary>
    Procs,
    StwBegin,
    StwEnd,
    SweepBegin,
    SweepEnd,
    SweepActive,
    AssistBegin,
    AssistEnd,
    AssistActive,
    /// <summary>Goroutine state transition; Value = goroutine, Bits = old executing (1) | new executing (2).</summary>
    Transition,
    /// <summary>Label starting with "GC "; Value = goroutine (the event's), Bits = <see cref="MmuRecord.LabelOther"/>...</summary>
    Label,
}

/// <summary>
/// One event that matters for mutator utilization under some flag set: 24 bytes.
/// </summary>
internal struct MmuRecord
{
    public long Time;
    /// <summary>Procs: GOMAXPROCS; ranges: scope goroutine (assists; -1 otherwise); transitions, labels: goroutine.</summary>
    public long Value;
    /// <summary>The event's P (-1 = none).</summary>
    public int P;
    public MmuRecordKind Kind;
    /// <summary>Kind-specific bits, see the constants.</summary>
    public byte Bits;

    /// <summary>Transition: the goroutine was executing before / is executing after.</summary>
    public const byte OldExecuting = 1, NewExecuting = 2;

    /// <summary>
    /// RangeActive: seen in the first generation (Go's nSync &lt;= 1) / the event's goroutine was executing / the
    /// range's goroutine (a mark assist's) was executing.
    /// </summary>
    public const byte FirstGeneration = 1, ContextExecuting = 2, ScopeExecuting = 4;

    /// <summary>Label modes: a "GC ..." label other than the two below, "GC (dedicated)", "GC (idle)".</summary>
    public const byte LabelOther = 0, LabelDedicated = 1, LabelIdle = 2;
}

/// <summary>
/// Collects, in one pass, what the mutator utilization functions of every flag set need (<see cref="IPrefixConsumer"/>:
/// like Go's MMU page it sees only the events up to the last Sync before a parse error). It keeps only the events
/// that can change utilization (GOMAXPROCS changes, GC STW/sweep/assist ranges, labels of GC workers, state
/// transitions of goroutines that are or were GC workers or in an assist) plus the event right after each of them
/// (where Go may record a point); no allocation per event. After the pass, <see cref="Result"/> computes utilization
/// functions and MMU curves for any flags.
/// </summary>
public sealed class MmuBuilder : IPrefixConsumer
{
    // Records in chunks of ChunkSize (no copying as they grow, no large-object-heap arrays).
    internal const int ChunkShift = 11, ChunkSize = 1 << ChunkShift;
    private readonly List<MmuRecord[]> _chunks = new();
    private int _count;
    private int _checkpoint;

    // Goroutines whose transitions are recorded: bit 1 = inside a mark assist range, bit 2 = labelled as a GC worker.
    private readonly Dictionary<long, byte> _interest = new();
    private const byte InAssist = 1, GcWorker = 2;

    // Go's `states` map, needed only while nSync <= 1 (for RangeActive of mark assists), which it reads only to ask
    // whether a goroutine is executing (Running or Syscall): so only those are kept. A legacy trace is one generation,
    // and keeping every goroutine's state grew to 540 MB of map for 6.9 M goroutines.
    private readonly HashSet<long> _executing = [];

    private long _procs;           // last GOMAXPROCS (Go's len(ps)); flag-independent
    private int _nSync;
    private bool _pending;         // a record was made; Go may still append a point at the next event with another time
    private long _pendingTime;
    private MmuTrace? _result;

    /// <summary>The collected data (after the pass completed).</summary>
    public MmuTrace Result => _result ?? throw new InvalidOperationException("the pass has not completed");

    /// <inheritdoc/>
    public void OnEvent(in Event ev)
    {
        switch (ev.Kind)
        {
            case EventKind.Sync:
                _nSync = ev.SyncN;
                break;
            case EventKind.Metric:
                if (ev.Type == Ev.ProcsChange)
                {
                    _procs = (long)ev.MetricValue;
                    Add(in ev, MmuRecordKind.Procs, (long)ev.MetricValue, 0);
                    return;
                }
                break;
            case EventKind.RangeBegin:
            case EventKind.RangeEnd:
            case EventKind.RangeActive:
                if (Range(in ev)) return;
                break;
            case EventKind.StateTransition:
                if (ev.TransitionResource == ResourceKind.Goroutine && Transition(in ev)) return;
                break;
            case EventKind.Label:
                if (Label(in ev)) return;
                break;
        }
        if (_pending && ev.Time != _pendingTime)
        {
            _pending = false;
            Push(new MmuRecord { Time = ev.Time, Value = -1, P = -1, Kind = MmuRecordKind.Tick });
        }
    }

    private bool Range(in Event ev)
    {
        MmuRecordKind kind;
        long scope = -1;
        switch (ev.Type)
        {
            case Ev.STWBegin:
            case Ev.STWEnd:
                // Go: the name starts with "stop-the-world" and contains "GC"; the prefix "stop-the-world (" and the
                // suffix ")" cannot form "GC" with the kind string, so looking at the kind is enough.
                if (!ev.Generation!.String(ev.A0).Contains("GC", StringComparison.Ordinal)) return false;
                kind = ev.Type == Ev.STWBegin ? MmuRecordKind.StwBegin : MmuRecordKind.StwEnd;
                break;
            case Ev.GCSweepBegin: kind = MmuRecordKind.SweepBegin; break;
            case Ev.GCSweepEnd: kind = MmuRecordKind.SweepEnd; break;
            case Ev.GCSweepActive: kind = MmuRecordKind.SweepActive; break;
            case Ev.GCMarkAssistBegin: kind = MmuRecordKind.AssistBegin; scope = ev.RangeScopeId; break;
            case Ev.GCMarkAssistEnd: kind = MmuRecordKind.AssistEnd; scope = ev.RangeScopeId; break;
            case Ev.GCMarkAssistActive: kind = MmuRecordKind.AssistActive; scope = ev.RangeScopeId; break;
            default: return false;   // GC concurrent mark phase: no effect under any flags
        }
        byte bits = 0;
        if (kind is MmuRecordKind.SweepActive or MmuRecordKind.AssistActive)
        {
            if (_nSync <= 1) bits |= MmuRecord.FirstGeneration;
            if (_executing.Contains(ev.Goroutine))
                bits |= MmuRecord.ContextExecuting;
            if (scope != Event.NoGoroutine && _executing.Contains(scope))
                bits |= MmuRecord.ScopeExecuting;
        }
        if (scope != Event.NoGoroutine && _procs > 0)
        {
            // A superset of Go's inGC set under any flags: Go adds on Begin (and first-generation Active) and
            // removes on End, both only once GOMAXPROCS is known.
            if (kind is MmuRecordKind.AssistBegin or MmuRecordKind.AssistActive)
                _interest[scope] = (byte)(_interest.GetValueOrDefault(scope) | InAssist);
            else if (kind == MmuRecordKind.AssistEnd && _interest.TryGetValue(scope, out var b))
            {
                b &= unchecked((byte)~InAssist);
                if (b == 0) _interest.Remove(scope); else _interest[scope] = b;
            }
        }
        Add(in ev, kind, scope, bits);
        return true;
    }

    private bool Transition(in Event ev)
    {
        long g = ev.TransitionId;
        var from = ev.GoFrom;
        var to = ev.GoTo;
        if (_procs > 0 && _nSync <= 1)
        {
            if (to is GoState.Running or GoState.Syscall) _executing.Add(g);
            else _executing.Remove(g);
        }
        if (_interest.Count == 0 || !_interest.ContainsKey(g)) return false;
        byte bits = 0;
        if (from is GoState.Running or GoState.Syscall) bits |= MmuRecord.OldExecuting;
        if (to is GoState.Running or GoState.Syscall) bits |= MmuRecord.NewExecuting;
        Add(in ev, MmuRecordKind.Transition, g, bits);
        return true;
    }

    private bool Label(in Event ev)
    {
        var label = ev.Label;
        if (!label.StartsWith("GC ", StringComparison.Ordinal)) return false;
        byte mode = label switch
        {
            "GC (idle)" => MmuRecord.LabelIdle,
            "GC (dedicated)" => MmuRecord.LabelDedicated,
            _ => MmuRecord.LabelOther,
        };
        if (mode != MmuRecord.LabelIdle && _procs > 0)
            _interest[ev.Goroutine] = (byte)(_interest.GetValueOrDefault(ev.Goroutine) | GcWorker);
        Add(in ev, MmuRecordKind.Label, ev.Goroutine, mode);
        return true;
    }

    private void Add(in Event ev, MmuRecordKind kind, long value, byte bits)
    {
        Push(new MmuRecord { Time = ev.Time, Value = value, P = ev.Proc is >= int.MinValue and <= int.MaxValue ? (int)ev.Proc : -1, Kind = kind, Bits = bits });
        _pending = true;
        _pendingTime = ev.Time;
    }

    private void Push(in MmuRecord r)
    {
        int chunk = _count >> ChunkShift;
        if (chunk == _chunks.Count) _chunks.Add(new MmuRecord[ChunkSize]);
        _chunks[chunk][_count & (ChunkSize - 1)] = r;
        _count++;
    }

    /// <inheritdoc/>
    public void Checkpoint() => _checkpoint = _count;

    /// <inheritdoc/>
    public void Rollback()
    {
        _count = _checkpoint;
        int chunks = (_count + ChunkSize - 1) >> ChunkShift;
        _chunks.RemoveRange(chunks, _chunks.Count - chunks);
    }

    /// <inheritdoc/>
    public void Complete(in PassEnd end)
    {
        _result = new MmuTrace(_chunks.ToArray(), _count, end.RetainedEvents > 0, end.StartTime, end.EndTime);
        _chunks.Clear();
        _interest.Clear();
        _executing.Clear();
    }
}
