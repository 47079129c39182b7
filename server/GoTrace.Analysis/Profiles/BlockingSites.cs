namespace GoTrace.Analysis;

/// <summary>Time and count charged to one goroutine group.</summary>
public sealed class GroupShare
{
    public long Count;
    public long Time;
}

/// <summary>
/// One blocking site: a sample of a blocking profile (a stack) with everything the editor shows about it: the
/// profile's count and time, the distribution of the single waits, and which goroutine groups waited there.
/// </summary>
public sealed class BlockingSite
{
    internal BlockingSite(int stack) => Stack = stack;

    /// <summary>Interned stack (leaf first) the time is charged to.</summary>
    public int Stack { get; }

    /// <summary>Number of waits (the profile's "contentions").</summary>
    public long Count => Durations.Count;

    /// <summary>Total time (the profile's "delay"), ns.</summary>
    public long Time => Durations.Sum;

    /// <summary>Distribution of the single waits (after filtering).</summary>
    public DurationSketch Durations { get; } = new();

    /// <summary>Goroutine group (root function; "" when no stack was ever seen) → its share.</summary>
    public Dictionary<string, GroupShare> Groups { get; } = new(StringComparer.Ordinal);
}

/// <summary>The sites of one blocking profile, ordered by time descending.</summary>
public sealed class BlockingSites
{
    private BlockingSites(BlockingKind kind, StackTable stacks, List<BlockingSite> sites)
    {
        Kind = kind;
        Stacks = stacks;
        Sites = sites;
        foreach (var s in sites)
        {
            TotalCount += s.Count;
            TotalTime += s.Time;
        }
    }

    public BlockingKind Kind { get; }
    public StackTable Stacks { get; }
    public IReadOnlyList<BlockingSite> Sites { get; }
    public long TotalCount { get; }
    public long TotalTime { get; }

    /// <summary>The same records <see cref="BlockingProfile.Compute"/> gives (identical to <c>go tool trace -pprof</c>).</summary>
    public IEnumerable<ProfileRecord> Records => Sites.Select(s => new ProfileRecord(s.Stack, s.Count, s.Time));

    /// <summary>Builds the sites of profile <paramref name="kind"/> under <paramref name="filter"/> (same aggregation as the profile).</summary>
    public static BlockingSites Build(BlockingCollector c, BlockingKind kind, ProfileFilter filter)
    {
        if ((c.Kinds & (BlockingKinds)(1 << (int)kind)) == 0)
            throw new InvalidOperationException($"the {kind} profile was not collected");
        return BuildKinds(c, (BlockingKinds)(1 << (int)kind), filter)[kind];
    }

    /// <summary>
    /// <see cref="Build"/> for each of <paramref name="kinds"/> that the collector has, in one pass over the intervals
    /// (the line index needs all four; each pass alone reads every interval).
    /// </summary>
    public static Dictionary<BlockingKind, BlockingSites> BuildKinds(BlockingCollector c, BlockingKinds kinds, ProfileFilter filter)
    {
        kinds &= c.Kinds;
        var keys = new BlockingProfile.ProfileKeys(c.Stacks);
        var byIndex = filter.ByIndex(c);
        var groupOf = new string?[c.GoroutineCount];
        var keyOfStack = new int[c.Stacks.Count];
        Array.Fill(keyOfStack, -1);
        var acc = new KindSites?[4];
        for (int k = 0; k < 4; k++)
        {
            if (((int)kinds & (1 << k)) != 0) acc[k] = new KindSites();
        }
        foreach (var iv in c.Intervals)
        {
            if ((uint)iv.Kind >= 4 || acc[(int)iv.Kind] is not { } a) continue;
            var lives = byIndex[iv.GoroutineIndex];
            if (lives is null) continue;
            long d = filter.Overlap(lives, new TimeInterval(iv.Start, iv.End));
            if (d <= 0) continue;
            int key = keyOfStack[iv.Stack];
            if (key < 0) key = keyOfStack[iv.Stack] = keys.KeyOf(iv.Stack);
            a.Add(key, iv.Stack, iv.GoroutineIndex, d, c, groupOf);
        }
        var result = new Dictionary<BlockingKind, BlockingSites>();
        for (int k = 0; k < 4; k++)
        {
            if (acc[k] is { } a) result[(BlockingKind)k] = new BlockingSites((BlockingKind)k, c.Stacks, a.Finish());
        }
        return result;
    }

    /// <summary>The sites of one kind while they are summed, by profile key.</summary>
    private sealed class KindSites
    {
        private readonly List<BlockingSite?> _sites = [];
        private readonly List<int> _last = [];
        // The group share last charged at each key, and for which goroutine: a goroutine usually waits at the same
        // place many times, so most intervals skip the group lookup.
        private readonly List<(int Goroutine, GroupShare? Share)> _lastShare = [];

        public void Add(int key, int stack, int goroutine, long d, BlockingCollector c, string?[] groupOf)
        {
            while (_sites.Count <= key) { _sites.Add(null); _last.Add(0); _lastShare.Add((-1, null)); }
            var site = _sites[key] ??= new BlockingSite(stack);
            _last[key] = stack;
            site.Durations.Add(d);
            var (lastG, share) = _lastShare[key];
            if (lastG != goroutine || share is null)
            {
                var group = groupOf[goroutine] ??= c.NameOf(c.GoroutineAt(goroutine));
                if (!site.Groups.TryGetValue(group, out share)) site.Groups[group] = share = new GroupShare();
                _lastShare[key] = (goroutine, share);
            }
            share.Count++;
            share.Time += d;
        }

        public List<BlockingSite> Finish()
        {
            // Go shows the most recently charged stack of a key (they differ only in trailing zero PCs).
            var list = new List<BlockingSite>();
            for (int k = 0; k < _sites.Count; k++)
            {
                if (_sites[k] is not { } s) continue;
                if (s.Stack != _last[k])
                {
                    var moved = new BlockingSite(_last[k]);
                    moved.Durations.Merge(s.Durations);
                    foreach (var (g, sh) in s.Groups) moved.Groups[g] = sh;
                    s = moved;
                }
                list.Add(s);
            }
            list.Sort((a, b) => a.Time != b.Time ? b.Time.CompareTo(a.Time) : a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Stack.CompareTo(b.Stack));
            return list;
        }
    }
}
