using GoTrace.Analysis;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Traces;

public sealed class LineEventsParams
{
    public required string TraceId { get; init; }
    /// <summary>A local path, matched to the trace's paths as gotrace/sourceLines does.</summary>
    public required string File { get; init; }
    public ulong Line { get; init; }
    public required string Kind { get; init; }
    /// <summary>"duration" (longest first, the default) or "time".</summary>
    public string? Order { get; init; }
    public int? Limit { get; init; }
}

public sealed class LineEventDto
{
    public long Goroutine { get; init; }
    /// <summary>The wait, ns since the trace start.</summary>
    public long StartNs { get; init; }
    public long EndNs { get; init; }
    /// <summary>What the profile charges for it (the wait clipped to the goroutine's lifetime, as Go does).</summary>
    public long ChargedNs { get; init; }
    /// <summary>Its stack (the block event's), innermost first.</summary>
    public required FrameDto[] Stack { get; init; }
}

public sealed class LineEventsResult
{
    public required PathMatchDto Match { get; init; }
    /// <summary>Events through the line (= the line's cumulative count), and their charged time (= its cumulative time).</summary>
    public long Total { get; init; }
    public long TotalNs { get; init; }
    public required LineEventDto[] Events { get; init; }
}

/// <summary>gotrace/lineEvents: the waits a source line's blocking numbers are made of (reverse navigation).</summary>
internal static class LineEvents
{
    private const int DefaultLimit = 1000, MaxLimit = 100_000;

    public static LineEventsResult Of(TraceSession s, LineEventsParams p)
    {
        var kind = TraceMethods.KindOf(p.Kind);
        int limit = p.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit) throw RpcException.BadParams($"limit must be between 1 and {MaxLimit}");
        bool byTime = p.Order switch
        {
            null or "duration" => false,
            "time" => true,
            _ => throw RpcException.BadParams($"order must be \"duration\" or \"time\", not \"{p.Order}\""),
        };
        var index = s.Lines;
        var match = PathMatcher.Best(p.File, index.Files);
        var matchDto = new PathMatchDto { TracePath = match.TracePath, MatchedElements = match.MatchedElements, Ambiguous = match.Ambiguous.ToArray() };
        if (match.TracePath is not { } file) return new LineEventsResult { Match = matchDto, Events = [] };

        // Which stacks pass through the line: decided once per stack.
        var c = s.Blocking;
        var through = new sbyte[c.Stacks.Count];
        var filter = ProfileFilter.AllGoroutines(c);
        var found = new List<(BlockingInterval Iv, long G, long Charged)>();
        long totalNs = 0;
        foreach (var iv in c.Intervals)
        {
            if (iv.Kind != kind) continue;
            ref sbyte t = ref through[iv.Stack];
            if (t == 0)
            {
                t = -1;
                foreach (var f in c.Stacks.Frames(iv.Stack))
                {
                    if (f.Line == p.Line && f.File == file) { t = 1; break; }
                }
            }
            if (t < 0) continue;
            long g = c.GoroutineAt(iv.GoroutineIndex).Id;
            long d = filter.Overlap(g, new TimeInterval(iv.Start, iv.End));
            if (d <= 0) continue;
            totalNs += d;
            found.Add((iv, g, d));
        }
        IEnumerable<(BlockingInterval Iv, long G, long Charged)> ordered = byTime
            ? found.OrderBy(e => e.Iv.Start).ThenBy(e => e.G)
            : found.OrderByDescending(e => e.Charged).ThenBy(e => e.Iv.Start).ThenBy(e => e.G);
        long t0 = c.TraceStart;
        return new LineEventsResult
        {
            Match = matchDto, Total = found.Count, TotalNs = totalNs,
            Events = ordered.Take(limit).Select(e => new LineEventDto
            {
                Goroutine = e.G, StartNs = e.Iv.Start - t0, EndNs = e.Iv.End - t0, ChargedNs = e.Charged,
                Stack = TraceMethods.Frames(s.Stacks, e.Iv.Stack),
            }).ToArray(),
        };
    }
}
