using GoTrace.Format;

namespace GoTrace.Analysis.Timeline;

/// <summary>A span track of the index: its raw stream, pyramid levels and number of state categories.</summary>
internal sealed class SpanTrack
{
    public readonly TrackId Id;
    public readonly int Stream;
    public readonly int States;
    public SpanLevels Levels = SpanLevels.None;
    public long RawCount;

    public SpanTrack(TrackId id, int stream, int states)
    {
        Id = id;
        Stream = stream;
        States = states;
    }
}

/// <summary>
/// The immutable timeline of one trace, built by <see cref="TimelineBuilder"/>: span tracks for goroutines, procs,
/// threads and range lanes; counters; instants; and the tables behind them. <see cref="Query"/> answers a window
/// at a resolution with a bounded number of items per track; the look-ups answer questions about single spans.
/// Safe to use from several threads at once.
/// </summary>
public sealed partial class TimelineIndex
{
    internal readonly RecordStore Store;
    internal readonly StringTable StringsTable;
    internal readonly PyramidOptions Options;

    /// <summary>Stacks referenced by spans, instants and tables.</summary>
    public StackTable Stacks { get; }

    /// <summary>Time of the first event (ns).</summary>
    public long Start { get; }

    /// <summary>Time of the last retained event (ns): the end of every track.</summary>
    public long End { get; }

    /// <summary>The format error that cut the trace short (the index holds the events up to the last Sync before it), or null.</summary>
    public TraceFormatException? Error { get; }

    internal readonly GoroutineTable Gt;
    internal readonly long[] ThreadIds;
    internal readonly Dictionary<TrackId, SpanTrack> Tracks = [];
    internal readonly CounterTrack[] Counters;
    internal readonly RangeRec[] RangeTable;
    internal readonly RegionRec[] RegionTable; // sorted by goroutine, then start
    internal int[] GRangeOrder = []; // goroutine-scoped ranges, by goroutine, then start

    internal readonly TaskRec[] TaskTable;
    internal readonly LogRec[] LogTable;
    internal readonly SampleRec[] SampleTable;
    internal readonly int SCreated, SUnblocked, SSyscallExit, SForever;
    private GoroutineFacts[]? _largeFacts;
    private readonly List<TrackInfo> _head = [];
    private readonly TrackListView _trackList;

    internal TimelineIndex(TimelineBuilder b, PassEnd end)
    {
        Store = b.Store;
        StringsTable = b.Strings;
        Stacks = b.Stacks;
        Options = b.Options;
        Start = end.StartTime;
        End = end.EndTime;
        Error = end.Error;
        SCreated = b.SCreated;
        SUnblocked = b.SUnblocked;
        SSyscallExit = b.SSyscallExit;
        SForever = b.SForever;
        long cutoff = b.Cutoff;
        bool cut = cutoff != long.MaxValue;
        if (cut) End = Math.Min(End, cutoff);

        // Threads: dense index -> ID (spans of procs refer to threads by index).
        ThreadIds = new long[b.Ms.Count];
        for (int i = 0; i < b.Ms.Count; i++) ThreadIds[i] = b.Ms.Items[i].Id;

        // Goroutines: packed by ID (large ones keep a stream and get pyramids like the other span tracks).
        Gt = GoroutineTable.Build(b.Finished, Store, Start, End, cutoff);
        b.Finished = new GoroutineTableBuilder();
        b.Gs = default;
        var spanTracks = new List<SpanTrack>(Gt.Large);
        var procIds = new List<long>();
        for (int i = 0; i < b.Ps.Count; i++)
        {
            ref var p = ref b.Ps.Items[i];
            if (cut)
            {
                if (p.FirstSeen >= cutoff) continue;
                SpanStreams.Truncate(Store, p.W.Stream, cutoff - 1);
            }
            var t = new SpanTrack(TrackId.Proc(p.Id), p.W.Stream, 5);
            Tracks[t.Id] = t;
            spanTracks.Add(t);
            procIds.Add(p.Id);
        }
        for (int i = 0; i < b.Ms.Count; i++)
        {
            ref var m = ref b.Ms.Items[i];
            if (cut)
            {
                if (m.FirstSeen >= cutoff) continue;
                SpanStreams.Truncate(Store, m.W.Stream, cutoff - 1);
            }
            var t = new SpanTrack(TrackId.Thread(m.Id), m.W.Stream, 4);
            Tracks[t.Id] = t;
            spanTracks.Add(t);
        }

        // Counters.
        Counters =
        [
            new CounterTrack(CounterKind.Heap, ["Allocated", "Goal"], b.Heap),
            new CounterTrack(CounterKind.Gomaxprocs, ["GOMAXPROCS"], b.Procs),
            new CounterTrack(CounterKind.Goroutines, ["Running", "Runnable", "GCWaiting", "Waiting"], b.Goroutines),
            new CounterTrack(CounterKind.Threads, ["Running", "InSyscall"], b.Threads),
        ];
        if (cut) foreach (var c in Counters) c.Truncate(Store, cutoff);

        // Tables, cut at the valid prefix.
        RangeTable = Cut(b.Ranges, cut, cutoff, static (ref RangeRec r, long c) =>
        {
            if (r.Start >= c) return false;
            if (r.End >= c) r.End = -1;
            return true;
        });
        RegionTable = Cut(b.Regions, cut, cutoff, static (ref RegionRec r, long c) =>
        {
            if (r.Start >= c || (r.Start < 0 && r.End >= c)) return false;
            if (r.End >= c) r.End = -1;
            return true;
        });
        TaskTable = Cut(b.Tasks, cut, cutoff, static (ref TaskRec r, long c) =>
        {
            if (r.Start >= c || (r.Start < 0 && r.End >= c)) return false;
            if (r.End >= c) r.End = -1;
            return true;
        });
        LogTable = Cut(b.Logs, cut, cutoff, static (ref LogRec r, long c) => r.Time < c);
        SampleTable = Cut(b.Samples, cut, cutoff, static (ref SampleRec r, long c) => r.Time < c);
        SortRegions();
        b.Ranges = default;
        b.Regions = default;
        b.Tasks = default;
        b.Logs = default;
        b.Samples = default;

        spanTracks.AddRange(BuildLanes());

        // Pyramids: built in parallel batches (each job reads its raw stream and fills its own buffers), each batch
        // then committed in order, so at most one batch of level buffers is held. The counters go in the first batch.
        int jobs = Counters.Length + spanTracks.Count, batch = Math.Max(16, 4 * Environment.ProcessorCount);
        var results = new PyramidBuilder.Result[spanTracks.Count];
        var facts = new GoroutineFacts[Gt.Large.Length];
        for (int i = 0; i < facts.Length; i++) facts[i] = GoroutineFacts.New();
        for (int from = 0; from < jobs; from += batch)
        {
            int to = Math.Min(jobs, from + batch);
            Parallel.For(from, to, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                if (i < Counters.Length) Counters[i].BuildLevels(Store, Start, End, Options);
                else
                {
                    int k = i - Counters.Length;
                    // Large goroutines: their facts (creation, end, time per state) are gathered on the same read.
                    SpanObserver? obs = k < facts.Length ? (in SpanItem it) => facts[k].Add(in it, SCreated, SForever) : null;
                    results[k] = PyramidBuilder.Build(Store, spanTracks[k].Stream, Start, End, Options, obs);
                }
            });
            for (int j = from; j < to; j++)
            {
                if (j < Counters.Length)
                {
                    Counters[j].CommitLevels(Store);
                    continue;
                }
                int i = j - Counters.Length;
                var t = spanTracks[i];
                var r = results[i];
                t.RawCount = r.RawCount;
                if (r.Levels is { } lv)
                {
                    var res = new long[lv.Count];
                    var streams = new int[lv.Count];
                    for (int k = 0; k < lv.Count; k++)
                    {
                        res[k] = lv[k].Res;
                        streams[k] = lv[k].Buffer.CommitTo(Store);
                    }
                    t.Levels = new SpanLevels(res, streams);
                }
                results[i] = null!;
            }
        }
        Store.Trim();

        // The list of tracks, for the UI (goroutines are listed from the pack, on demand).
        foreach (var c in Counters) _head.Add(new TrackInfo(TrackId.Counter(c.Kind), c.Kind.ToString(), "Counters"));
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind is TrackKind.Gc or TrackKind.Stw).OrderBy(t => t.Id.Kind).ThenBy(t => t.Id.Lane))
            _head.Add(new TrackInfo(t.Id, t.Id.Kind == TrackKind.Gc ? "GC" : "STW", "GC"));
        foreach (long p in procIds.Order()) _head.Add(new TrackInfo(TrackId.Proc(p), "Proc " + p, "Procs"));
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind == TrackKind.ProcRanges).OrderBy(t => t.Id.Id).ThenBy(t => t.Id.Lane))
            _head.Add(new TrackInfo(t.Id, "Proc " + t.Id.Id + " sweep", "Procs"));
        foreach (long m in ThreadIds.Order())
        {
            if (Tracks.ContainsKey(TrackId.Thread(m))) _head.Add(new TrackInfo(TrackId.Thread(m), "Thread " + m, "Threads"));
        }
        foreach (var t in Tracks.Values.Where(t => t.Id.Kind == TrackKind.Tasks).OrderBy(t => t.Id.Lane))
            _head.Add(new TrackInfo(t.Id, "Tasks " + t.Id.Lane, "Tasks"));
        if (SampleTable.Length > 0) _head.Add(new TrackInfo(new TrackId(TrackKind.CpuSamples, -1), "CPU samples", "Samples"));
        if (LogTable.Length > 0) _head.Add(new TrackInfo(new TrackId(TrackKind.Logs, -1), "Logs", "Logs"));
        _trackList = new TrackListView(this);
        _largeFacts = facts;
    }

    /// <summary>The track list: fixed tracks, then one per goroutine (made on access).</summary>
    private sealed class TrackListView(TimelineIndex ix) : IReadOnlyList<TrackInfo>
    {
        public int Count => ix._head.Count + ix.Gt.Count;

        public TrackInfo this[int i]
        {
            get
            {
                if (i < ix._head.Count) return ix._head[i];
                i -= ix._head.Count;
                return ix.GoroutineTrack(ix.Gt.At(i));
            }
        }

        public IEnumerator<TrackInfo> GetEnumerator()
        {
            foreach (var t in ix._head) yield return t;
            foreach (var g in ix.Gt.All()) yield return ix.GoroutineTrack(g);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The display name of one track, without walking the track list (which may hold millions of goroutines).</summary>
    public string TrackName(TrackId id)
    {
        if (id.Kind == TrackKind.Goroutine) return Gt.TryFind(id.Id, out var g) ? GoroutineTrack(g).Name : id.ToString();
        foreach (var t in _head)
        {
            if (t.Id == id) return t.Name;
        }
        return id.ToString();
    }

    private TrackInfo GoroutineTrack(in GRef g)
    {
        string s = "G" + g.Id;
        if (g.Name != 0) s += " " + StringsTable[g.Name];
        if (g.Label != 0) s += " (" + StringsTable[g.Label] + ")";
        return new TrackInfo(TrackId.Goroutine(g.Id), s, StringsTable[g.Name]);
    }

    private delegate bool Keep<T>(ref T r, long cutoff);

    private static T[] Cut<T>(Growable<T> g, bool cut, long cutoff, Keep<T> keep)
    {
        if (!cut)
        {
            g.Trim();
            return g.Items;
        }
        var list = new List<T>(g.Count);
        for (int i = 0; i < g.Count; i++)
        {
            if (keep(ref g.Items[i], cutoff)) list.Add(g.Items[i]);
        }
        return [.. list];
    }

    /// <summary>Builds the lanes of the range, region and task tables and returns their tracks.</summary>
    private List<SpanTrack> BuildLanes()
    {
        var made = new List<SpanTrack>();
        long S(long t) => t < 0 ? Start : t;
        long E(long t) => t < 0 ? End : t;

        // Global and proc-scoped ranges: GC (scope none), STW (all stop-the-world ranges), sweep per P.
        var groups = new Dictionary<(TrackKind Kind, long Id), List<int>>();
        var gRanges = new List<int>();
        for (int i = 0; i < RangeTable.Length; i++)
        {
            ref var r = ref RangeTable[i];
            string name = StringsTable[r.Name];
            if (r.Scope == ResourceScope.None) Add(groups, (TrackKind.Gc, 0), i);
            if (name.StartsWith("stop-the-world", StringComparison.Ordinal)) Add(groups, (TrackKind.Stw, 0), i);
            if (r.Scope == ResourceScope.Proc) Add(groups, (TrackKind.ProcRanges, r.ScopeId), i);
            if (r.Scope == ResourceScope.Goroutine) gRanges.Add(i);
        }
        foreach (var ((kind, id), list) in groups.OrderBy(k => k.Key.Kind).ThenBy(k => k.Key.Id))
        {
            var starts = list.Select(i => S(RangeTable[i].Start)).ToArray();
            var ends = list.Select(i => E(RangeTable[i].End)).ToArray();
            WriteLanes(made, kind, id, starts, ends, j =>
            {
                ref var r = ref RangeTable[list[j]];
                return (r.Name, r.StartStack, r.Goroutine, list[j]);
            }, (j, lane) =>
            {
                if (kind is TrackKind.Gc or TrackKind.ProcRanges) RangeTable[list[j]].Lane = lane;
            }, true);
        }

        // Goroutine-scoped ranges (mark assists, STW) and regions: per goroutine, from the tables sorted by goroutine.
        // Lanes are assigned here; only goroutines with many get stored lanes.
        gRanges.Sort((a, b) =>
        {
            ref var x = ref RangeTable[a];
            ref var y = ref RangeTable[b];
            int c = x.ScopeId.CompareTo(y.ScopeId);
            if (c == 0) c = S(x.Start).CompareTo(S(y.Start));
            if (c == 0) c = E(y.End).CompareTo(E(x.End));
            return c != 0 ? c : a.CompareTo(b);
        });
        GRangeOrder = [.. gRanges];
        for (int i = 0; i < GRangeOrder.Length;)
        {
            int j = i;
            while (j < GRangeOrder.Length && RangeTable[GRangeOrder[j]].ScopeId == RangeTable[GRangeOrder[i]].ScopeId) j++;
            var slice = GRangeOrder[i..j];
            var starts = slice.Select(k => S(RangeTable[k].Start)).ToArray();
            var ends = slice.Select(k => E(RangeTable[k].End)).ToArray();
            WriteLanes(made, TrackKind.GoroutineRanges, RangeTable[slice[0]].ScopeId, starts, ends, k =>
            {
                ref var r = ref RangeTable[slice[k]];
                return (r.Name, r.StartStack, r.Goroutine, slice[k]);
            }, (k, lane) => RangeTable[slice[k]].Lane = lane, slice.Length > Options.LaneStreamMin);
            i = j;
        }
        for (int i = 0; i < RegionTable.Length;)
        {
            int j = i;
            while (j < RegionTable.Length && RegionTable[j].Goroutine == RegionTable[i].Goroutine) j++;
            int from = i;
            var starts = new long[j - i];
            var ends = new long[j - i];
            for (int k = i; k < j; k++)
            {
                starts[k - i] = S(RegionTable[k].Start);
                ends[k - i] = E(RegionTable[k].End);
            }
            WriteLanes(made, TrackKind.Regions, RegionTable[i].Goroutine, starts, ends, k =>
            {
                ref var r = ref RegionTable[from + k];
                return (r.Name, r.StartStack, r.Goroutine, from + k);
            }, (k, lane) => RegionTable[from + k].Depth = lane, j - i > Options.LaneStreamMin);
            i = j;
        }

        // Tasks: packed into lanes.
        if (TaskTable.Length > 0)
        {
            var starts = TaskTable.Select(t => S(t.Start)).ToArray();
            var ends = TaskTable.Select(t => E(t.End)).ToArray();
            WriteLanes(made, TrackKind.Tasks, 0, starts, ends, j =>
            {
                ref var t = ref TaskTable[j];
                return (t.Name, t.StartStack, t.StartG, j);
            }, (j, lane) => TaskTable[j].Lane = lane, true);
        }
        return made;
    }

    /// <summary>Sorts the regions by goroutine, then start (outer regions first).</summary>
    private void SortRegions()
    {
        long start = Start, end = End;
        Array.Sort(RegionTable, (x, y) =>
        {
            int c = x.Goroutine.CompareTo(y.Goroutine);
            if (c == 0) c = (x.Start < 0 ? start : x.Start).CompareTo(y.Start < 0 ? start : y.Start);
            if (c == 0) c = (y.End < 0 ? end : y.End).CompareTo(x.End < 0 ? end : x.End);
            return c;
        });
    }

    /// <summary>
    /// The spans of a goroutine's region or range lane made from the table (null if it has nothing on that lane):
    /// empty spans between the intervals, as a stored lane would have.
    /// </summary>
    private SpanItem[]? TableLane(TrackKind kind, long g, int lane)
    {
        var items = new List<SpanItem>();
        long last = Start;
        bool any = false;
        void Put(long start, byte cat, int code, int stack, long a, long b) =>
            items.Add(new SpanItem { Start = start, Cat = cat, Code = code, Stack = stack, A = a, B = b, Count = 1, Raw = items.Count });
        void Interval(long s, long e, int name, int stack, long goroutine, long index)
        {
            if (!any)
            {
                any = true;
                if (s > Start) Put(Start, (byte)RangeState.Empty, 0, 0, -1, -1);
            }
            else if (s > last)
            {
                Put(last, (byte)RangeState.Empty, 0, 0, -1, -1);
            }
            Put(s, (byte)RangeState.Range, name, stack, goroutine, index);
            last = Math.Max(e, s);
        }
        if (kind == TrackKind.Regions)
        {
            int lo = 0, hi = RegionTable.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (RegionTable[mid].Goroutine < g) lo = mid + 1;
                else hi = mid;
            }
            for (int i = lo; i < RegionTable.Length && RegionTable[i].Goroutine == g; i++)
            {
                ref var r = ref RegionTable[i];
                if (r.Depth == lane) Interval(r.Start < 0 ? Start : r.Start, r.End < 0 ? End : r.End, r.Name, r.StartStack, r.Goroutine, i);
            }
        }
        else
        {
            int lo = 0, hi = GRangeOrder.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (RangeTable[GRangeOrder[mid]].ScopeId < g) lo = mid + 1;
                else hi = mid;
            }
            for (int i = lo; i < GRangeOrder.Length && RangeTable[GRangeOrder[i]].ScopeId == g; i++)
            {
                ref var r = ref RangeTable[GRangeOrder[i]];
                if (r.Lane == lane) Interval(r.Start < 0 ? Start : r.Start, r.End < 0 ? End : r.End, r.Name, r.StartStack, r.Goroutine, GRangeOrder[i]);
            }
        }
        if (!any) return null;
        if (last < End) Put(last, (byte)RangeState.Empty, 0, 0, -1, -1);
        return [.. items];
    }

    /// <summary>Number of region lanes (nesting depths) and goroutine-scoped range lanes of goroutine <paramref name="g"/>.</summary>
    internal (int Regions, int Ranges) LaneCounts(long g)
    {
        int regions = 0, ranges = 0;
        int lo = 0, hi = RegionTable.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (RegionTable[mid].Goroutine < g) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < RegionTable.Length && RegionTable[i].Goroutine == g; i++) regions = Math.Max(regions, RegionTable[i].Depth + 1);
        lo = 0;
        hi = GRangeOrder.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (RangeTable[GRangeOrder[mid]].ScopeId < g) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < GRangeOrder.Length && RangeTable[GRangeOrder[i]].ScopeId == g; i++) ranges = Math.Max(ranges, RangeTable[GRangeOrder[i]].Lane + 1);
        return (regions, ranges);
    }

    private static void Add<TK>(Dictionary<TK, List<int>> d, TK k, int i) where TK : notnull
    {
        if (!d.TryGetValue(k, out var l)) d[k] = l = [];
        l.Add(i);
    }

    private void WriteLanes(List<SpanTrack> made, TrackKind kind, long id, long[] starts, long[] ends,
        Func<int, (int Name, int Stack, long Goroutine, int Index)> item, Action<int, int> setLane, bool store)
    {
        var order = LanePacker.Order(starts, ends);
        var lane = LanePacker.Pack(starts, ends, order, out int lanes);
        if (!store)
        {
            for (int j = 0; j < lane.Length; j++) setLane(j, lane[j]);
            return;
        }
        var writers = new LaneWriter[lanes];
        // Lanes are written one after the other (a stream's blocks must be contiguous once the store is frozen).
        for (int l = 0; l < lanes; l++)
        {
            writers[l] = new LaneWriter(Store, Start);
            foreach (int j in order)
            {
                if (lane[j] != l) continue;
                var (name, stack, g, index) = item(j);
                writers[l].Add(starts[j], ends[j], name, stack, g, index);
                setLane(j, l);
            }
            writers[l].Close(End);
            var t = new SpanTrack(new TrackId(kind, id, l), writers[l].Stream, 2);
            Tracks[t.Id] = t;
            made.Add(t);
        }
    }

    // ---------------------------------------------------------------- basic accessors

    /// <summary>Interned string <paramref name="id"/> (reasons, names, messages).</summary>
    public string String(int id) => StringsTable[id];

    /// <summary>Frames of stack <paramref name="stack"/>, leaf first.</summary>
    public Frame[] Frames(int stack) => stack <= 0 || stack >= Stacks.Count ? [] : Stacks.Frames(stack);

    /// <summary>
    /// Every track of the index, in display order: counters, GC, procs, threads, tasks, samples, logs, goroutines (by
    /// ID), the goroutines' region and range lanes. Goroutine entries are made on access (there may be millions).
    /// </summary>
    public IReadOnlyList<TrackInfo> TrackList => _trackList;

    /// <summary>Number of goroutines.</summary>
    public int GoroutineCount => Gt.Count;

    /// <summary>Where the spans of a span track are (null for an unknown track).</summary>
    internal SpanSource? SourceOf(TrackId id)
    {
        if (id.Kind == TrackKind.Goroutine) return Gt.TryFind(id.Id, out var g) ? Gt.Source(Store, g) : null;
        if (Tracks.TryGetValue(id, out var t)) return new SpanSource(Store, t);
        if (id.Kind is TrackKind.Regions or TrackKind.GoroutineRanges && TableLane(id.Kind, id.Id, id.Lane) is { } items)
            return new SpanSource(Store, id, 2, items);
        return null;
    }

    /// <summary>Memory held by the index, by part (approximate).</summary>
    public TimelineMemory Memory()
    {
        long pyramid = 0, raw = 0;
        foreach (var t in Gt.Large.Concat(Tracks.Values))
        {
            raw += t.RawCount;
            foreach (int s in t.Levels.Streams) pyramid += SpanStreams.ItemCount(Store, s);
        }
        foreach (var g in Gt.All())
        {
            if (g.Large < 0) raw += g.Count;
        }
        long tables = (long)RangeTable.Length * 72 + RegionTable.Length * 56L + TaskTable.Length * 80L + LogTable.Length * 56L
                      + SampleTable.Length * 40L + Gt.Large.Length * (long)(64 + 56) + StringsTable.Bytes;

        // Encoded bytes per part: a block's size is the distance to the next block in the arena.
        var size = BlockSizes();
        long StreamBytes(int s)
        {
            long n = 0;
            for (int b = Store.SFirst[s], e = b + Store.SCount[s]; b < e; b++) n += size[b];
            return n;
        }
        var parts = new Dictionary<string, long>();
        void Add(string k, long v) => parts[k] = parts.GetValueOrDefault(k) + v;
        Add("Goroutine pack", Gt.Bytes);
        foreach (var t in Gt.Large.Concat(Tracks.Values))
        {
            Add(t.Id.Kind + " spans", StreamBytes(t.Stream));
            foreach (int s in t.Levels.Streams) Add(t.Id.Kind + " pyramid", StreamBytes(s));
        }
        foreach (var c in Counters)
        {
            Add("Counter " + c.Kind, StreamBytes(c.Stream));
            foreach (int s in c.LevelStreams) Add("Counter " + c.Kind + " pyramid", StreamBytes(s));
        }
        return new TimelineMemory(Store.Arena.Bytes + Gt.Pack.Bytes, Store.IndexBytes + Gt.DirFirstId.Length * 16L, tables, raw, pyramid,
            Counters.Sum(c => c.Points))
        {
            Parts = parts.OrderByDescending(kv => kv.Value).ToList(),
        };
    }

    private long[] BlockSizes()
    {
        int n = Store.Blocks;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var offs = Store.BOffset;
        Array.Sort(order, (a, b) => offs[a].CompareTo(offs[b]));
        var size = new long[n];
        for (int k = 0; k < n; k++)
        {
            long o = offs[order[k]];
            long next = k + 1 < n ? offs[order[k + 1]] : o;
            size[order[k]] = k + 1 < n && (next >> ByteArena.PageShift) == (o >> ByteArena.PageShift)
                ? next - o
                : Store.Arena.Page(o).Length - (o & ByteArena.PageMask);
        }
        return size;
    }
}
