using System.Runtime.CompilerServices;
using GoTrace.Analysis.Summary;

namespace GoTrace.Analysis;

/// <summary>A time interval [Start, End] in trace nanoseconds.</summary>
public readonly record struct TimeInterval(long Start, long End)
{
    /// <summary>Go's overlap of two closed intervals (0 when disjoint; touching intervals overlap by 0).</summary>
    public long Overlap(TimeInterval o)
    {
        if (End < o.Start || o.End < Start) return 0;
        return Math.Min(End, o.End) - Math.Max(Start, o.Start);
    }
}

/// <summary>
/// Which part of each goroutine's time counts toward a profile: per goroutine, a list of intervals (Go's
/// <c>gToIntervals</c>). A goroutine without an entry contributes nothing. An optional time window clips further
/// (our addition; Go's profiles have no time filter).
/// </summary>
public sealed class ProfileFilter
{
    private readonly Dictionary<long, TimeInterval[]> _byG;

    private ProfileFilter(Dictionary<long, TimeInterval[]> byG, TimeInterval? window)
    {
        _byG = byG;
        Window = window;
    }

    /// <summary>Optional time window (our addition).</summary>
    public TimeInterval? Window { get; }

    /// <summary>Number of goroutines with an entry.</summary>
    public int GoroutineCount => _byG.Count;

    /// <summary>Intervals of goroutine <paramref name="g"/> (empty if it is not selected).</summary>
    public ReadOnlySpan<TimeInterval> Of(long g) => _byG.TryGetValue(g, out var a) ? a : [];

    /// <summary>Overlap of <paramref name="sample"/> with goroutine <paramref name="g"/>'s intervals (Go's pprofOverlappingDuration).</summary>
    public long Overlap(long g, TimeInterval sample) => _byG.TryGetValue(g, out var list) ? Overlap(list, sample) : 0;

    /// <summary>The per-goroutine intervals indexed by the collector's goroutine index (null = not selected).</summary>
    internal TimeInterval[]?[] ByIndex(BlockingCollector c)
    {
        var a = new TimeInterval[]?[c.GoroutineCount];
        foreach (var (g, list) in _byG)
        {
            int i = c.IndexOf(g);
            if (i >= 0) a[i] = list;
        }
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal long Overlap(TimeInterval[] list, TimeInterval sample)
    {
        // The common case (goroutine mode, no window): one interval, the goroutine's life.
        if (list.Length == 1 && Window is null)
        {
            long o = list[0].Overlap(sample);
            return o > 0 ? o : 0;
        }
        return OverlapAll(list, sample);
    }

    private long OverlapAll(TimeInterval[] list, TimeInterval sample)
    {
        if (Window is { } w)
        {
            long s = Math.Max(sample.Start, w.Start), e = Math.Min(sample.End, w.End);
            if (e <= s) return 0;
            sample = new TimeInterval(s, e);
        }
        long sum = 0;
        foreach (var i in list)
        {
            long o = i.Overlap(sample);
            if (o > 0) sum += o;
        }
        return sum;
    }

    /// <summary>
    /// Go's goroutine mode (the CLI and <c>/block?name=</c>): every goroutine (or those of group <paramref name="name"/>)
    /// clipped to [first run, end]. Throws <see cref="ArgumentException"/> with Go's message when nothing matches.
    /// </summary>
    public static ProfileFilter ByGoroutines(BlockingCollector c, string? name = null, TimeInterval? window = null)
    {
        var d = new Dictionary<long, TimeInterval[]>();
        foreach (var g in c.Goroutines)
        {
            if (!string.IsNullOrEmpty(name) && c.NameOf(g) != name) continue;
            long end = g.EndTime != 0 ? g.EndTime : c.TraceEnd;
            d[g.Id] = [new TimeInterval(g.StartTime, end)];
        }
        if (d.Count == 0) throw new ArgumentException("failed to find matching goroutines for name: " + name);
        return new ProfileFilter(d, window);
    }

    /// <summary>
    /// Goroutine mode over every goroutine, as <see cref="ByGoroutines"/> without a name, except that a trace with no
    /// goroutine (a damaged file whose valid prefix holds none) gives an empty filter instead of Go's error: what a
    /// viewer shows is then an empty profile.
    /// </summary>
    public static ProfileFilter AllGoroutines(BlockingCollector c)
    {
        try
        {
            return ByGoroutines(c);
        }
        catch (ArgumentException)
        {
            return new ProfileFilter([], null);
        }
    }

    /// <summary>Only goroutine <paramref name="id"/>, clipped to its lifetime as in goroutine mode.</summary>
    public static ProfileFilter ByGoroutineId(BlockingCollector c, long id, TimeInterval? window = null)
    {
        if (!c.TryGetGoroutine(id, out var g)) throw new ArgumentException($"no goroutine {id} in the trace");
        long end = g.EndTime != 0 ? g.EndTime : c.TraceEnd;
        return new ProfileFilter(new() { [id] = [new TimeInterval(g.StartTime, end)] }, window);
    }

    /// <summary>Go's region mode for the regions <paramref name="match"/> selects (<c>/regionblock?type=..&amp;latmin=..</c>).</summary>
    public static ProfileFilter ByRegions(TraceSummary summary, RegionFilter match, TimeInterval? window = null) =>
        ByRegions(summary, r => match.Matches(summary, r), window);

    /// <summary>Region mode over the regions of task <paramref name="taskId"/> (our addition: Go has no task filter).</summary>
    public static ProfileFilter ByTask(TraceSummary summary, ulong taskId, TimeInterval? window = null) =>
        ByRegions(summary, r => r.TaskId == taskId, window);

    private static ProfileFilter ByRegions(TraceSummary summary, Func<RegionSummary, bool> match, TimeInterval? window)
    {
        var list = new List<(long, TimeInterval)>();
        foreach (var g in summary.Goroutines.Values)
        {
            foreach (var r in g.Regions)
            {
                if (!match(r)) continue;
                var (start, end) = r.Interval(summary);
                list.Add((g.Id, new TimeInterval(start, end)));
            }
        }
        return ByRegions(list, window);
    }

    /// <summary>
    /// Go's region mode (<c>/regionblock</c> etc.): per goroutine the given region intervals, sorted by (start, end),
    /// keeping only those that start at or after the end of the previously kept one.
    /// </summary>
    public static ProfileFilter ByRegions(IEnumerable<(long Goroutine, TimeInterval Interval)> regions, TimeInterval? window = null)
    {
        var lists = new Dictionary<long, List<TimeInterval>>();
        foreach (var (g, i) in regions)
        {
            if (!lists.TryGetValue(g, out var l)) lists[g] = l = [];
            l.Add(i);
        }
        var d = new Dictionary<long, TimeInterval[]>();
        foreach (var (g, l) in lists)
        {
            l.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
            var keep = new List<TimeInterval>();
            long last = 0;
            foreach (var i in l)
            {
                if (last <= i.Start)
                {
                    keep.Add(i);
                    last = i.End;
                }
            }
            d[g] = keep.ToArray();
        }
        return new ProfileFilter(d, window);
    }
}

/// <summary>One sample of a blocking profile: a stack with how many intervals and how much time it was charged.</summary>
/// <param name="Stack">Interned stack (of the last distinct handle Go saw for this key).</param>
/// <param name="Count">Intervals ("contentions").</param>
/// <param name="Time">Total overlapping nanoseconds ("delay").</param>
public readonly record struct ProfileRecord(int Stack, long Count, long Time);

/// <summary>The four profiles of <c>go tool trace -pprof=</c>, computed from a <see cref="BlockingCollector"/>.</summary>
public static class BlockingProfile
{
    /// <summary>Go's maximum stack depth of a profile key and sample.</summary>
    public const int MaxStack = 128;

    /// <summary>
    /// The records of profile <paramref name="kind"/> under <paramref name="filter"/>, exactly as Go aggregates them:
    /// intervals in closing order, each charged its overlap with the filter, dropped when that is 0; stacks with the
    /// same first 128 PCs (zero-padded) share one record, which shows the most recently charged stack.
    /// Ordered by time descending, then count, then stack (Go's order is a hash map's).
    /// </summary>
    public static List<ProfileRecord> Compute(BlockingCollector c, BlockingKind kind, ProfileFilter filter)
    {
        if ((c.Kinds & (BlockingKinds)(1 << (int)kind)) == 0)
            throw new InvalidOperationException($"the {kind} profile was not collected");
        var keys = new ProfileKeys(c.Stacks);
        var byIndex = filter.ByIndex(c);
        var keyOfStack = new int[c.Stacks.Count];
        Array.Fill(keyOfStack, -1);
        // Per key: the stack last charged, the interval count and the time. Keys are dense and at most one per stack.
        var accStack = new int[c.Stacks.Count];
        var accCount = new long[c.Stacks.Count];
        var accTime = new long[c.Stacks.Count];
        Accumulate(c.Intervals, kind, byIndex, filter, keys, keyOfStack, accStack, accCount, accTime);
        var list = new List<ProfileRecord>();
        for (int k = 0; k < accCount.Length; k++)
        {
            if (accCount[k] > 0) list.Add(new ProfileRecord(accStack[k], accCount[k], accTime[k]));
        }
        list.Sort((a, b) => a.Time != b.Time ? b.Time.CompareTo(a.Time) : a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Stack.CompareTo(b.Stack));
        return list;
    }

    private static void Accumulate(BlockingIntervals intervals, BlockingKind kind, TimeInterval[]?[] byIndex, ProfileFilter filter,
        ProfileKeys keys, int[] keyOfStack, int[] accStack, long[] accCount, long[] accTime)
    {
        foreach (var iv in intervals)
        {
            if (iv.Kind != kind) continue;
            var lives = byIndex[iv.GoroutineIndex];
            if (lives is null) continue;
            long d = filter.Overlap(lives, new TimeInterval(iv.Start, iv.End));
            if (d <= 0) continue;
            int key = keyOfStack[iv.Stack];
            if (key < 0) key = keyOfStack[iv.Stack] = keys.KeyOf(iv.Stack);
            accStack[key] = iv.Stack;
            accCount[key]++;
            accTime[key] += d;
        }
    }

    /// <summary>
    /// Go's profile key of a stack: its first <see cref="MaxStack"/> PCs, trailing zero PCs left out. Stacks with equal
    /// keys are one record (one site) of a profile.
    /// </summary>
    public static ulong[] KeyPcs(StackTable stacks, int stack)
    {
        var pcs = stacks.Pcs(stack);
        if (pcs.Length > MaxStack) pcs = pcs[..MaxStack];
        int n = pcs.Length;
        while (n > 0 && pcs[n - 1] == 0) n--;
        return pcs[..n].ToArray();
    }

    internal sealed class ProfileKeys(StackTable stacks)
    {
        private readonly Dictionary<int, int> _byStack = [];
        private readonly Dictionary<ulong[], int> _byPcs = new(PcsKeyComparer.Instance);

        public int KeyOf(int stack)
        {
            if (_byStack.TryGetValue(stack, out int k)) return k;
            var key = KeyPcs(stacks, stack);
            if (!_byPcs.TryGetValue(key, out k))
            {
                k = _byPcs.Count;
                _byPcs.Add(key, k);
            }
            _byStack[stack] = k;
            return k;
        }

        private sealed class PcsKeyComparer : IEqualityComparer<ulong[]>
        {
            public static readonly PcsKeyComparer Instance = new();
            public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);
            public int GetHashCode(ulong[] obj)
            {
                var h = new HashCode();
                foreach (var p in obj) h.Add(p);
                return h.ToHashCode();
            }
        }
    }
}
