namespace GoTrace.Analysis.Mmu;

/// <summary>A change of mutator utilization: from <see cref="Time"/> on, the utilization is <see cref="Util"/> (in [0, 1]).</summary>
public readonly record struct UtilPoint(long Time, double Util);

/// <summary>
/// Mutator utilization functions for one flag set (Go's <c>MutatorUtilizationV2</c>): one system-wide series, or
/// one per P (and per re-added P) with <see cref="UtilFlags.PerProc"/>. Every series ends with a 0 point at the
/// trace end. Empty when the trace never reported GOMAXPROCS (legacy traces without a GOMAXPROCS change).
/// </summary>
public sealed class MutatorUtilization
{
    internal MutatorUtilization(UtilFlags flags, UtilPoint[][] series, bool goWouldCrash)
    {
        Flags = flags;
        Series = series;
        GoWouldCrash = goWouldCrash;
    }

    /// <summary>The flags these functions were computed for.</summary>
    public UtilFlags Flags { get; }

    /// <summary>The step functions, each in time order.</summary>
    public IReadOnlyList<UtilPoint[]> Series { get; }

    /// <summary>
    /// Computed with <see cref="MmuOptions.Go"/>: Go panics on this trace and flags (it indexes its per-P state with
    /// an event's P outside [0, GOMAXPROCS), typically -1 when a GC worker leaves a syscall without a P), so Go's
    /// <c>/mmu</c> endpoints answer nothing. We skip the offending event. (A single-point series, which Go's band
    /// summary would index out of range, is reported by <see cref="MmuCurve.GoWouldCrash"/>.)
    /// </summary>
    public bool GoWouldCrash { get; }
}

/// <summary>
/// What <see cref="MmuBuilder"/> kept of a trace: enough to compute the utilization functions for any flags.
/// Immutable; safe to use from several threads.
/// </summary>
public sealed class MmuTrace
{
    private readonly MmuRecord[][] _chunks;
    private readonly int _count;

    internal MmuTrace(MmuRecord[][] chunks, int count, bool hasEvents, long startTime, long endTime)
    {
        _chunks = chunks;
        _count = count;
        HasEvents = hasEvents;
        StartTime = startTime;
        EndTime = endTime;
    }

    /// <summary>Whether the valid prefix had any event.</summary>
    public bool HasEvents { get; }

    /// <summary>Time of the first event (ns, trace clock): the origin of the timeline viewer's times.</summary>
    public long StartTime { get; }

    /// <summary>Time of the last retained event (ns): where every utilization function ends.</summary>
    public long EndTime { get; }

    /// <summary>Number of events kept (for diagnostics).</summary>
    public int RecordCount => _count;

    /// <summary>The records, chunk by chunk.</summary>
    internal IEnumerable<ReadOnlyMemory<MmuRecord>> Chunks()
    {
        for (int i = 0, left = _count; left > 0; i++, left -= MmuBuilder.ChunkSize)
            yield return _chunks[i].AsMemory(0, Math.Min(left, MmuBuilder.ChunkSize));
    }

    /// <summary>The utilization functions for <paramref name="flags"/> (see <see cref="MmuOptions"/> for the difference).</summary>
    public MutatorUtilization Utilization(UtilFlags flags, MmuOptions? options = null) =>
        UtilizationBuilder.Build(this, flags, (options ?? MmuOptions.Correct).GoCompatible);

    /// <summary>Utilization functions and their MMU curve for <paramref name="flags"/>.</summary>
    public MmuCurve Curve(UtilFlags flags, MmuOptions? options = null)
    {
        options ??= MmuOptions.Correct;
        return new MmuCurve(Utilization(flags, options), options, StartTime);
    }
}
