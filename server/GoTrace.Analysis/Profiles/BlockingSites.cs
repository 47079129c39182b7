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
        var keys = new BlockingProfile.ProfileKeys(c.Stacks);
        var byIndex = filter.ByIndex(c);
        var groupOf = new string?[c.GoroutineCount];
        var keyOfStack = new int[c.Stacks.Count];
        Array.Fill(keyOfStack, -1);
        var sites = new List<BlockingSite?>();
        var last = new List<int>();
        foreach (var iv in c.Intervals)
        {
            if (iv.Kind != kind) continue;
            var lives = byIndex[iv.GoroutineIndex];
            if (lives is null) continue;
            long d = filter.Overlap(lives, new TimeInterval(iv.Start, iv.End));
            if (d <= 0) continue;
            int key = keyOfStack[iv.Stack];
            if (key < 0) key = keyOfStack[iv.Stack] = keys.KeyOf(iv.Stack);
            while (sites.Count <= key) { sites.Add(null); last.Add(0); }
            var site = sites[key] ??= new BlockingSite(iv.Stack);
            last[key] = iv.Stack;
            site.Durations.Add(d);
            var group = groupOf[iv.GoroutineIndex] ??= c.NameOf(c.GoroutineAt(iv.GoroutineIndex));
            if (!site.Groups.TryGetValue(group, out var share)) site.Groups[group] = share = new GroupShare();
            share.Count++;
            share.Time += d;
        }
        // Go shows the most recently charged stack of a key (they differ only in trailing zero PCs).
        var list = new List<BlockingSite>();
        for (int k = 0; k < sites.Count; k++)
        {
            if (sites[k] is not { } s) continue;
            if (s.Stack != last[k])
            {
                var moved = new BlockingSite(last[k]);
                moved.Durations.Merge(s.Durations);
                foreach (var (g, sh) in s.Groups) moved.Groups[g] = sh;
                s = moved;
            }
            list.Add(s);
        }
        list.Sort((a, b) => a.Time != b.Time ? b.Time.CompareTo(a.Time) : a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Stack.CompareTo(b.Stack));
        return new BlockingSites(kind, c.Stacks, list);
    }
}
