namespace GoTrace.Analysis;

/// <summary>A source position of the trace's stacks.</summary>
public readonly record struct SourceLine(string File, ulong Line);

/// <summary>The numbers of one source line for one blocking kind.</summary>
public sealed class LineKindStats
{
    /// <summary>Time and count where this line is the leaf frame (the blocking call itself); sums to the profile's total (except stackless samples).</summary>
    public long FlatTime, FlatCount;

    /// <summary>Time and count of every sample whose stack passes through this line (a stack counts once even if the line recurs).</summary>
    public long CumTime, CumCount;

    /// <summary>Distribution of the single waits passing through this line.</summary>
    public DurationSketch Durations { get; } = new();

    /// <summary>The sites (stacks) through this line, by time descending.</summary>
    public List<BlockingSite> Sites { get; } = [];

    /// <summary>Goroutine groups waiting through this line.</summary>
    public Dictionary<string, GroupShare> Groups { get; } = new(StringComparer.Ordinal);
}

/// <summary>Per (file, line) of any stack: the blocking numbers per kind, flat and cumulative. What hovers and CodeLens show.</summary>
public sealed class LineIndex
{
    private readonly Dictionary<SourceLine, LineKindStats?[]> _lines = [];
    private readonly Dictionary<string, List<ulong>> _byFile = new(StringComparer.Ordinal);

    /// <summary>The sites per kind the index was built from.</summary>
    public IReadOnlyDictionary<BlockingKind, BlockingSites> Sites { get; }

    /// <summary>Time of stackless samples per kind (not attributable to any line).</summary>
    public IReadOnlyDictionary<BlockingKind, long> StacklessTime { get; }

    private LineIndex(IReadOnlyDictionary<BlockingKind, BlockingSites> sites)
    {
        Sites = sites;
        var stackless = new Dictionary<BlockingKind, long>();
        foreach (var (kind, s) in sites)
        {
            stackless[kind] = 0;
            foreach (var site in s.Sites)
            {
                var frames = s.Stacks.FrameIndexes(site.Stack);
                if (frames.Length == 0)
                {
                    stackless[kind] += site.Time;
                    continue;
                }
                var seen = new HashSet<SourceLine>();
                for (int i = 0; i < frames.Length; i++)
                {
                    var f = s.Stacks.GetFrame(frames[i]);
                    var key = new SourceLine(f.File, f.Line);
                    var st = Get(key, kind);
                    if (i == 0)
                    {
                        st.FlatTime += site.Time;
                        st.FlatCount += site.Count;
                    }
                    if (!seen.Add(key)) continue;
                    st.CumTime += site.Time;
                    st.CumCount += site.Count;
                    st.Durations.Merge(site.Durations);
                    st.Sites.Add(site); // sites arrive by time descending
                    foreach (var (g, sh) in site.Groups)
                    {
                        if (!st.Groups.TryGetValue(g, out var t)) st.Groups[g] = t = new GroupShare();
                        t.Count += sh.Count;
                        t.Time += sh.Time;
                    }
                }
            }
        }
        StacklessTime = stackless;
        foreach (var l in _byFile.Values) l.Sort();
    }

    private LineKindStats Get(SourceLine key, BlockingKind kind)
    {
        if (!_lines.TryGetValue(key, out var a))
        {
            _lines[key] = a = new LineKindStats?[4];
            if (!_byFile.TryGetValue(key.File, out var l)) _byFile[key.File] = l = [];
            l.Add(key.Line);
        }
        return a[(int)kind] ??= new LineKindStats();
    }

    /// <summary>Builds the index of the given kinds from a collector under one filter.</summary>
    public static LineIndex Build(BlockingCollector c, ProfileFilter filter, BlockingKinds kinds = BlockingKinds.All)
    {
        var sites = BlockingSites.BuildKinds(c, kinds, filter);
        return new LineIndex(sites);
    }

    /// <summary>Every file path that occurs in a stack with blocking time.</summary>
    public IEnumerable<string> Files => _byFile.Keys;

    /// <summary>Lines of <paramref name="file"/> (exact trace path) with numbers, ascending.</summary>
    public IReadOnlyList<ulong> LinesOf(string file) => _byFile.TryGetValue(file, out var l) ? l : [];

    /// <summary>The numbers of one line for one kind, or null.</summary>
    public LineKindStats? Get(string file, ulong line, BlockingKind kind) =>
        _lines.TryGetValue(new SourceLine(file, line), out var a) ? a[(int)kind] : null;

    /// <summary>Every indexed line.</summary>
    public IEnumerable<SourceLine> Lines => _lines.Keys;
}
