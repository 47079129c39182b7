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

public sealed class StackParams
{
    public required string TraceId { get; init; }
    public int Stack { get; init; }
}

public sealed class StackResult
{
    /// <summary>Innermost first.</summary>
    public required FrameDto[] Frames { get; init; }
}

public sealed class SiteEventsParams
{
    public required string TraceId { get; init; }
    public required string Kind { get; init; }
    /// <summary>A site's <c>stackId</c> (gotrace/blockingSites).</summary>
    public int StackId { get; init; }
    /// <summary>The filter the site list was made with, if any (the events are then charged as there).</summary>
    public FilterDto? Filter { get; init; }
    public string? Order { get; init; }
    public int? Limit { get; init; }
}

public sealed class SiteEventsResult
{
    public long Total { get; init; }
    public long TotalNs { get; init; }
    public required LineEventDto[] Events { get; init; }
}

/// <summary>gotrace/lineEvents: the waits a source line's blocking numbers are made of (reverse navigation).</summary>
internal static class LineEvents
{
    public static LineEventsResult Of(TraceSession s, LineEventsParams p)
    {
        var kind = TraceMethods.KindOf(p.Kind);
        int limit = LimitOf(p.Limit);
        bool byTime = ByTime(p.Order);
        var index = s.Lines;
        var match = PathMatcher.Best(p.File, index.Files);
        var matchDto = new PathMatchDto { TracePath = match.TracePath, MatchedElements = match.MatchedElements, Ambiguous = match.Ambiguous.ToArray() };
        if (match.TracePath is not { } file) return new LineEventsResult { Match = matchDto, Events = [] };

        var c = s.Blocking;
        var (events, total, totalNs) = Collect(s, kind, ProfileFilter.AllGoroutines(c), byTime, limit, stack =>
        {
            foreach (var f in c.Stacks.Frames(stack))
            {
                if (f.Line == p.Line && f.File == file) return true;
            }
            return false;
        });
        return new LineEventsResult { Match = matchDto, Total = total, TotalNs = totalNs, Events = events };
    }

    /// <summary>
    /// gotrace/siteEvents: the waits of one site of gotrace/blockingSites (those whose stack has the site's profile key:
    /// the same first 128 PCs), charged under the same filter.
    /// </summary>
    public static SiteEventsResult OfSite(TraceSession s, SiteEventsParams p)
    {
        var kind = TraceMethods.KindOf(p.Kind);
        int limit = LimitOf(p.Limit);
        bool byTime = ByTime(p.Order);
        var c = s.Blocking;
        if (p.StackId < 0 || p.StackId >= c.Stacks.Count) throw RpcException.BadParams($"no stack {p.StackId}");
        var key = BlockingProfile.KeyPcs(c.Stacks, p.StackId);
        var filter = p.Filter is null ? ProfileFilter.AllGoroutines(c) : TraceMethods.FilterOf(s, p.Filter);
        var (events, total, totalNs) = Collect(s, kind, filter, byTime, limit, stack => BlockingProfile.KeyPcs(c.Stacks, stack).AsSpan().SequenceEqual(key));
        return new SiteEventsResult { Total = total, TotalNs = totalNs, Events = events };
    }

    private static (LineEventDto[] Events, long Total, long TotalNs) Collect(TraceSession s, BlockingKind kind, ProfileFilter filter,
        bool byTime, int limit, Func<int, bool> stackMatches)
    {
        var c = s.Blocking;
        var through = new sbyte[c.Stacks.Count];   // per stack: 0 unknown, 1 matches, -1 not
        var found = new List<(BlockingInterval Iv, long G, long Charged)>();
        long totalNs = 0;
        foreach (var iv in c.Intervals)
        {
            if (iv.Kind != kind) continue;
            ref sbyte t = ref through[iv.Stack];
            if (t == 0) t = stackMatches(iv.Stack) ? (sbyte)1 : (sbyte)-1;
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
        var events = ordered.Take(limit).Select(e => new LineEventDto
        {
            Goroutine = e.G, StartNs = e.Iv.Start - t0, EndNs = e.Iv.End - t0, ChargedNs = e.Charged,
            Stack = TraceMethods.Frames(s.Stacks, e.Iv.Stack),
        }).ToArray();
        return (events, found.Count, totalNs);
    }

    private static int LimitOf(int? limit) => Annotations.LimitOf(limit);

    private static bool ByTime(string? order) => order switch
    {
        null or "duration" => false,
        "time" => true,
        _ => throw RpcException.BadParams($"order must be \"duration\" or \"time\", not \"{order}\""),
    };
}
