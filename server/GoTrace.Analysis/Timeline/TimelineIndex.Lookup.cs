namespace GoTrace.Analysis.Timeline;

/// <summary>Stacks around one goroutine span.</summary>
/// <param name="Event">Stack of the event that began the span (<see cref="TimelineSpan.Stack"/>).</param>
/// <param name="Goroutine">The goroutine's own stack during the span: where it blocked, stopped, entered the syscall, or resumed (Running).</param>
/// <param name="End">Stack of the goroutine's own event that ended the span (block, stop, syscall), 0 if the span ended otherwise.</param>
public readonly record struct SpanStacks(int Event, int Goroutine, int End);

public sealed partial class TimelineIndex
{
    // ---------------------------------------------------------------- single spans

    /// <summary>Raw span number <paramref name="index"/> of a span track (null if out of range).</summary>
    public TimelineSpan? Span(TrackId track, long index)
    {
        var t = SourceOf(track);
        if (t is null || !RawAt(t.Value, index, out var it)) return null;
        var times = new Growable<long>(0);
        return ToSpan(in it, track.Kind, t.Value.States, ref times);
    }

    /// <summary>The raw span of a span track covering <paramref name="time"/> (null outside the trace).</summary>
    public TimelineSpan? SpanAt(TrackId track, long time)
    {
        var t = SourceOf(track);
        if (t is null || !RawAtTime(t.Value, time, out var it)) return null;
        var times = new Growable<long>(0);
        return ToSpan(in it, track.Kind, t.Value.States, ref times);
    }

    /// <summary>Raw spans of a track that intersect [<paramref name="start"/>, <paramref name="end"/>), at most <paramref name="limit"/>.</summary>
    public List<TimelineSpan> RawSpans(TrackId track, long start, long end, int limit = 10_000)
    {
        var r = new List<TimelineSpan>();
        var t = SourceOf(track);
        if (t is null) return r;
        var it = t.Value.Seek(start, End);
        var times = new Growable<long>(0);
        while (r.Count < limit && it.MoveNext())
        {
            ref var cur = ref it.Current;
            if (cur.Start >= end) break;
            if (cur.End <= start && cur.End > cur.Start) continue;
            r.Add(ToSpan(in cur, track.Kind, t.Value.States, ref times));
        }
        return r;
    }

    internal bool RawAtTime(in SpanSource t, long time, out SpanItem it)
    {
        it = default;
        if (time < Start || time > End) return false;
        var iter = t.Seek(time, End);
        return iter.MoveNext(ref it);
    }

    internal bool RawAt(in SpanSource t, long index, out SpanItem it)
    {
        it = default;
        if (index < 0) return false;
        SpanReader r;
        if (t.Track is { } track)
        {
            int s = track.Stream;
            int lo = Store.SFirst[s], hi = lo + Store.SCount[s] - 1;
            if (hi < lo || index < Store.BFirstRaw[lo]) return false;
            while (lo < hi)
            {
                int mid = (lo + hi + 1) >> 1;
                if (Store.BFirstRaw[mid] <= index) lo = mid;
                else hi = mid - 1;
            }
            r = new SpanReader(Store, s, lo);
        }
        else
        {
            if (index >= t.Count) return false;
            r = t.Reader();
        }
        var next = default(SpanItem);
        bool found = false;
        while (r.Read(ref next))
        {
            if (found)
            {
                it.End = next.Start;
                return true;
            }
            if (next.Raw == index)
            {
                it = next;
                found = true;
            }
            else if (next.Raw > index)
            {
                return false;
            }
        }
        if (!found) return false;
        it.End = Math.Max(End, it.Start);
        return true;
    }

    private bool OwnStack(in SpanItem it) => (GoroutineState)it.Cat switch
    {
        GoroutineState.Waiting => it.Code != SCreated,
        GoroutineState.Runnable => it.Code != SCreated && it.Code != SUnblocked && it.Code != SSyscallExit,
        GoroutineState.Running or GoroutineState.Syscall or GoroutineState.SyscallBlocked => true,
        _ => false,
    };

    /// <summary>Stacks of goroutine span <paramref name="index"/>: the event's, the goroutine's own and the one it ended with.</summary>
    public SpanStacks? GoroutineStacks(long goroutine, long index)
    {
        if (SourceOf(TrackId.Goroutine(goroutine)) is not { } t) return null;
        if (!RawAt(t, index, out var it)) return null;
        int own = OwnStack(in it) ? it.Stack : 0;
        if (own == 0 && index > 0 && RawAt(t, index - 1, out var prev) && OwnStack(in prev)) own = prev.Stack;
        int endStack = 0;
        if (RawAt(t, index + 1, out var next) && OwnStack(in next) && (GoroutineState)next.Cat != GoroutineState.Running
            && (GoroutineState)it.Cat is GoroutineState.Running or GoroutineState.Syscall)
        {
            endStack = next.Stack;
        }
        return new SpanStacks(it.Stack, own, endStack);
    }

    /// <summary>
    /// What ended Waiting span <paramref name="index"/> of <paramref name="goroutine"/>: the unblocking event (its
    /// time, goroutine, stack and the P that goroutine ran on). Null if the span is not a wait that ended by an unblock.
    /// </summary>
    public UnblockInfo? Unblocker(long goroutine, long index)
    {
        if (SourceOf(TrackId.Goroutine(goroutine)) is not { } t) return null;
        if (!RawAt(t, index, out var w) || (GoroutineState)w.Cat != GoroutineState.Waiting) return null;
        if (!RawAt(t, index + 1, out var next) || (GoroutineState)next.Cat != GoroutineState.Runnable || next.Code != SUnblocked) return null;
        long proc = -1;
        if (next.A >= 0 && SourceOf(TrackId.Goroutine(next.A)) is { } bt && RawAtTime(bt, next.Start, out var by)
            && (GoroutineState)by.Cat is GoroutineState.Running or GoroutineState.Syscall)
        {
            proc = by.A;
        }
        return new UnblockInfo(goroutine, index, next.Start, next.A, next.Stack, proc, StringsTable[w.Code]);
    }

    // ---------------------------------------------------------------- goroutines

    /// <summary>Facts of one goroutine gathered from its spans.</summary>
    internal struct GoroutineFacts
    {
        public StateTimes Totals;
        public long Spans, FirstSeen, Creation, Creator, End;
        public int CreationStack;
        private byte _prev;
        private bool _seen; // legacy traces start at −1 ns, so −1 is a time here

        public static GoroutineFacts New() => new() { FirstSeen = -1, Creation = -1, Creator = -1, End = -1, _prev = 255 };

        public void Add(in SpanItem it, int sCreated, int sForever)
        {
            var st = (GoroutineState)it.Cat;
            Totals[it.Cat] += it.End - it.Start;
            Spans++;
            if (!_seen && st != GoroutineState.NotSeen)
            {
                _seen = true;
                FirstSeen = it.Start;
            }
            if (st is GoroutineState.Runnable or GoroutineState.Waiting && it.Code == sCreated)
            {
                (Creation, Creator, CreationStack, End) = (it.Start, it.A, it.Stack, -1);
            }
            else if (st is GoroutineState.Syscall or GoroutineState.SyscallBlocked && _prev == (byte)GoroutineState.Dead)
            {
                (Creation, Creator, CreationStack, End) = (it.Start, -1, 0, -1); // a cgo callback goroutine again
            }
            else if (st == GoroutineState.Dead || (st == GoroutineState.Waiting && it.Code == sForever && End < 0))
            {
                End = it.Start;
            }
            _prev = it.Cat;
        }
    }

    internal GoroutineFacts Facts(in GRef g)
    {
        if (g.Large >= 0 && _largeFacts is { } lf) return lf[g.Large];
        var f = GoroutineFacts.New();
        var it = Gt.Source(Store, g).Seek(long.MinValue, End);
        while (it.MoveNext()) f.Add(in it.Current, SCreated, SForever);
        return f;
    }

    /// <summary>Goroutine <paramref name="id"/> (null if the trace never mentions it).</summary>
    public GoroutineInfo? Goroutine(long id) => Gt.TryFind(id, out var g) ? Info(g) : null;

    private GoroutineInfo Info(in GRef g)
    {
        var f = Facts(g);
        var (regionLanes, rangeLanes) = LaneCounts(g.Id);
        return new GoroutineInfo
        {
            RegionLanes = regionLanes, RangeLanes = rangeLanes,
            Id = g.Id, Name = StringsTable[g.Name], Label = StringsTable[g.Label], CreationTime = f.Creation, Creator = f.Creator,
            CreationStack = f.CreationStack, StartStack = g.StartStack, FirstSeen = f.FirstSeen, EndTime = f.End,
            ExecTime = f.Totals[(int)GoroutineState.Running], SchedWaitTime = f.Totals[(int)GoroutineState.Runnable],
            BlockTime = f.Totals[(int)GoroutineState.Waiting], SyscallTime = f.Totals[(int)GoroutineState.Syscall],
            SyscallBlockTime = f.Totals[(int)GoroutineState.SyscallBlocked], Spans = f.Spans,
        };
    }

    /// <summary>
    /// Goroutines, optionally only those of group <paramref name="group"/> (exact name) or whose name contains
    /// <paramref name="nameContains"/>, in the given order (times: largest first; ties by ID), from
    /// <paramref name="offset"/>, at most <paramref name="limit"/>. Orders by time read every goroutine's spans
    /// (about 0.1 s per million goroutines).
    /// </summary>
    public List<GoroutineInfo> Goroutines(GoroutineOrder order = GoroutineOrder.Id, string? group = null, string? nameContains = null,
        int offset = 0, int limit = int.MaxValue) => Goroutines(order, group, nameContains, offset, limit, 4096);

    /// <summary><see cref="Goroutines(GoroutineOrder, string?, string?, int, int)"/>; up to <paramref name="heapLimit"/> results are selected with a heap, more by a full sort.</summary>
    internal List<GoroutineInfo> Goroutines(GoroutineOrder order, string? group, string? nameContains, int offset, int limit, int heapLimit)
    {
        int groupId = group is null ? -1 : StringsTable.Find(group);
        if (group is not null && groupId < 0) return [];
        var names = nameContains is null ? null : StringsTable.Matching(nameContains);
        var state = order switch
        {
            GoroutineOrder.ExecTime => GoroutineState.Running,
            GoroutineOrder.BlockTime => GoroutineState.Waiting,
            GoroutineOrder.SchedWaitTime => GoroutineState.Runnable,
            GoroutineOrder.SyscallTime => GoroutineState.Syscall,
            _ => (GoroutineState)255,
        };
        if (group is null && names is null && order == GoroutineOrder.Id)
        {
            var page = new List<GoroutineInfo>();
            for (long i = Math.Max(0, offset); i < Gt.Count && page.Count < limit; i++) page.Add(Info(Gt.At((int)i)));
            return page;
        }
        // A client pages through a long list with the same query: the whole order is kept for the next page.
        var cacheKey = (order, group, nameContains);
        if (_listCache.TryGet(cacheKey, out var cached))
        {
            var hit = new List<GoroutineInfo>();
            for (int i = Math.Max(0, offset); i < cached.Length && hit.Count < limit; i++) hit.Add(Info(Gt.At(cached[i])));
            return hit;
        }
        var ords = new Growable<int>(1024);
        var keys = new Growable<long>(state == (GoroutineState)255 ? 0 : 1024);
        var nameOf = new Growable<int>(order == GoroutineOrder.Group ? 1024 : 0);
        foreach (var g in Gt.All())
        {
            if (group is not null && g.Name != groupId) continue;
            if (names is not null && !names.Contains(g.Name)) continue;
            ords.Add(g.Ordinal);
            if (state != (GoroutineState)255) keys.Add(Facts(g).Totals[(int)state]);
            if (order == GoroutineOrder.Group) nameOf.Add(g.Name);
        }
        int n = ords.Count;
        int[] idx;
        // Ordinals are in ID order, so the position in the list breaks ties by ID.
        if (state != (GoroutineState)255)
        {
            var k = keys.Items;
            long want = Math.Min(n, (long)Math.Max(0, offset) + Math.Max(0, limit));
            if (want <= heapLimit && n < ListCacheMinLength)
            {
                // The first offset+limit by a bounded heap (the largest key, then the smallest position, first).
                var heap = new PriorityQueue<int, (long Key, int Pos)>(Comparer<(long Key, int Pos)>.Create((a, b) =>
                    a.Key != b.Key ? a.Key.CompareTo(b.Key) : b.Pos.CompareTo(a.Pos)));
                for (int i = 0; i < n; i++)
                {
                    if (heap.Count < want) heap.Enqueue(i, (k[i], i));
                    else if (want > 0 && heap.TryPeek(out _, out var top) && (k[i] > top.Key || (k[i] == top.Key && i < top.Pos)))
                    {
                        heap.DequeueEnqueue(i, (k[i], i));
                    }
                }
                idx = new int[heap.Count];
                for (int i = idx.Length - 1; i >= 0; i--) idx[i] = heap.Dequeue();
            }
            else
            {
                idx = new int[n];
                var neg = new long[n];
                for (int i = 0; i < n; i++)
                {
                    idx[i] = i;
                    neg[i] = -k[i];
                }
                Array.Sort(neg, idx);
                // Equal keys: by position (ID).
                for (int i = 0, j; i < n; i = j)
                {
                    for (j = i + 1; j < n && neg[j] == neg[i]; j++)
                    {
                    }
                    if (j - i > 1) Array.Sort(idx, i, j - i);
                }
            }
        }
        else
        {
            idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            if (order == GoroutineOrder.Group)
            {
                var nm = nameOf.Items;
                Array.Sort(idx, (a, b) =>
                {
                    int c = string.CompareOrdinal(StringsTable[nm[a]], StringsTable[nm[b]]);
                    return c != 0 ? c : a.CompareTo(b);
                });
            }
        }
        if (n >= ListCacheMinLength && idx.Length == n)
        {
            var all = new int[n];
            for (int i = 0; i < n; i++) all[i] = ords.Items[idx[i]];
            _listCache.Add(cacheKey, all);
        }
        var r = new List<GoroutineInfo>();
        int from = Math.Max(0, offset);
        for (int i = from; i < idx.Length && r.Count < limit; i++) r.Add(Info(Gt.At(ords.Items[idx[i]])));
        return r;
    }

    private readonly ListCache _listCache = new();

    /// <summary>Lists at least this long are kept for the next page (tests lower it).</summary>
    internal int ListCacheMinLength = ListCache.MinLength;

    /// <summary>The last few long goroutine lists (ordinals in list order), bounded in total length.</summary>
    private sealed class ListCache
    {
        /// <summary>Shorter lists are recomputed each time (a scan of them is fast).</summary>
        public const int MinLength = 50_000;
        private const long MaxTotal = 16_000_000;   // 64 MB of ordinals
        private readonly LinkedList<((GoroutineOrder, string?, string?) Key, int[] List)> _lru = new();
        private long _total;

        public bool TryGet((GoroutineOrder, string?, string?) key, out int[] list)
        {
            lock (_lru)
            {
                for (var node = _lru.First; node is not null; node = node.Next)
                {
                    if (node.Value.Key == key)
                    {
                        _lru.Remove(node);
                        _lru.AddFirst(node);
                        list = node.Value.List;
                        return true;
                    }
                }
            }
            list = [];
            return false;
        }

        public void Add((GoroutineOrder, string?, string?) key, int[] list)
        {
            lock (_lru)
            {
                _lru.AddFirst((key, list));
                _total += list.Length;
                while ((_total > MaxTotal || _lru.Count > 4) && _lru.Count > 1)
                {
                    _total -= _lru.Last!.Value.List.Length;
                    _lru.RemoveLast();
                }
            }
        }
    }

    /// <summary>Goroutine groups (by name), largest execution time first.</summary>
    public List<GoroutineGroup> GoroutineGroups()
    {
        var d = new Dictionary<int, (int N, long Exec, long Block)>();
        foreach (var g in Gt.All())
        {
            var f = Facts(g);
            d.TryGetValue(g.Name, out var v);
            d[g.Name] = (v.N + 1, v.Exec + f.Totals[(int)GoroutineState.Running], v.Block + f.Totals[(int)GoroutineState.Waiting]);
        }
        return d.Select(kv => new GoroutineGroup(StringsTable[kv.Key], kv.Value.N, kv.Value.Exec, kv.Value.Block))
            .OrderByDescending(g => g.ExecTime).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
    }

    // ---------------------------------------------------------------- tables

    /// <summary>Number of ranges, regions, tasks, logs and CPU samples.</summary>
    public (int Ranges, int Regions, int Tasks, int Logs, int Samples) TableSizes =>
        (RangeTable.Length, RegionTable.Length, TaskTable.Length, LogTable.Length, SampleTable.Length);

    public RangeInfo Range(int index)
    {
        ref var r = ref RangeTable[index];
        return new RangeInfo(index, StringsTable[r.Name], r.Scope, r.ScopeId, r.Start < 0 ? Start : r.Start, r.End < 0 ? End : r.End,
            r.StartStack, r.EndStack, r.Goroutine, r.Start >= 0, r.End >= 0, r.Swept, r.Reclaimed);
    }

    public RegionInfo Region(int index)
    {
        ref var r = ref RegionTable[index];
        return new RegionInfo(index, r.Goroutine, r.Task, StringsTable[r.Name], r.Start < 0 ? Start : r.Start, r.End < 0 ? End : r.End,
            r.StartStack, r.EndStack, r.Depth, r.Start >= 0, r.End >= 0);
    }

    public TaskInfo Task(int index)
    {
        ref var t = ref TaskTable[index];
        return new TaskInfo(index, t.Id, t.Parent, StringsTable[t.Name], t.Start < 0 ? Start : t.Start, t.End < 0 ? End : t.End,
            t.StartG, t.EndG, t.StartStack, t.EndStack, t.Start >= 0, t.End >= 0, t.Lane);
    }

    public LogInfo Log(int index)
    {
        ref var l = ref LogTable[index];
        return new LogInfo(index, l.Time, l.Goroutine, l.Proc, l.Thread, l.Task, StringsTable[l.Category], StringsTable[l.Message], l.Stack);
    }

    public SampleInfo Sample(int index)
    {
        ref var s = ref SampleTable[index];
        return new SampleInfo(index, s.Time, s.Goroutine, s.Proc, s.Thread, s.Stack);
    }

    /// <summary>Ranges whose name contains <paramref name="name"/> (all if null), in time order.</summary>
    public List<RangeInfo> FindRanges(string? name = null) =>
        Enumerable.Range(0, RangeTable.Length).Select(Range).Where(r => name is null || r.Name.Contains(name, StringComparison.Ordinal))
            .OrderBy(r => r.Start).ThenBy(r => r.Index).ToList();

    /// <summary>Regions named exactly <paramref name="name"/> (all if null), optionally of one goroutine, in time order.</summary>
    public List<RegionInfo> FindRegions(string? name = null, long goroutine = -1)
    {
        int id = name is null ? -1 : StringsTable.Find(name);
        if (name is not null && id < 0) return [];
        var r = new List<RegionInfo>();
        for (int i = 0; i < RegionTable.Length; i++)
        {
            if ((id < 0 || RegionTable[i].Name == id) && (goroutine < 0 || RegionTable[i].Goroutine == goroutine)) r.Add(Region(i));
        }
        return r.OrderBy(x => x.Start).ThenBy(x => x.Index).ToList();
    }

    /// <summary>Tasks named exactly <paramref name="name"/> (all if null), in time order.</summary>
    public List<TaskInfo> FindTasks(string? name = null)
    {
        int id = name is null ? -1 : StringsTable.Find(name);
        if (name is not null && id < 0) return [];
        var r = new List<TaskInfo>();
        for (int i = 0; i < TaskTable.Length; i++)
        {
            if (id < 0 || TaskTable[i].Name == id) r.Add(Task(i));
        }
        return r.OrderBy(x => x.Start).ThenBy(x => x.Index).ToList();
    }

    /// <summary>The task with ID <paramref name="id"/> (null if none).</summary>
    public TaskInfo? TaskById(ulong id)
    {
        for (int i = 0; i < TaskTable.Length; i++)
        {
            if (TaskTable[i].Id == id) return Task(i);
        }
        return null;
    }

    /// <summary>Log messages whose category or message contains <paramref name="text"/> (all if null), in time order.</summary>
    public List<LogInfo> FindLogs(string? text = null)
    {
        var match = text is null ? null : StringsTable.Matching(text);
        var r = new List<LogInfo>();
        for (int i = 0; i < LogTable.Length; i++)
        {
            if (match is null || match.Contains(LogTable[i].Category) || match.Contains(LogTable[i].Message)) r.Add(Log(i));
        }
        return r;
    }

    // ---------------------------------------------------------------- search

    /// <summary>
    /// Events of one kind in [<paramref name="start"/>, <paramref name="end"/>), earliest first, at most
    /// <paramref name="limit"/>; <paramref name="text"/> filters by reason, name or message (substring, ignoring case).
    /// Goroutine events come from the goroutine tracks (each scanned from the window start, at most
    /// <paramref name="limit"/> matches each), the others from their tables.
    /// </summary>
    public List<SearchHit> Search(SearchKind kind, long start, long end, string? text = null, int limit = 100)
    {
        var hits = new List<SearchHit>();
        var match = text is null ? null : StringsTable.Matching(text);
        bool Text(int id) => match is null || match.Contains(id);
        switch (kind)
        {
            case SearchKind.Range:
                for (int i = 0; i < RangeTable.Length; i++)
                {
                    ref var r = ref RangeTable[i];
                    long s = r.Start < 0 ? Start : r.Start;
                    if (s >= start && s < end && Text(r.Name))
                    {
                        var track = r.Scope switch
                        {
                            ResourceScope.Proc => new TrackId(TrackKind.ProcRanges, r.ScopeId, r.Lane),
                            ResourceScope.Goroutine => new TrackId(TrackKind.GoroutineRanges, r.ScopeId, r.Lane),
                            _ => new TrackId(TrackKind.Gc, 0, r.Lane),
                        };
                        hits.Add(new SearchHit(s, track, i, r.Goroutine, StringsTable[r.Name]));
                    }
                }
                break;
            case SearchKind.Region:
                for (int i = 0; i < RegionTable.Length; i++)
                {
                    ref var r = ref RegionTable[i];
                    long s = r.Start < 0 ? Start : r.Start;
                    if (s >= start && s < end && Text(r.Name))
                        hits.Add(new SearchHit(s, new TrackId(TrackKind.Regions, r.Goroutine, r.Depth), i, r.Goroutine, StringsTable[r.Name]));
                }
                break;
            case SearchKind.Task:
                for (int i = 0; i < TaskTable.Length; i++)
                {
                    ref var t = ref TaskTable[i];
                    long s = t.Start < 0 ? Start : t.Start;
                    if (s >= start && s < end && Text(t.Name))
                        hits.Add(new SearchHit(s, new TrackId(TrackKind.Tasks, 0, t.Lane), i, t.StartG, StringsTable[t.Name]));
                }
                break;
            case SearchKind.Log:
                for (int i = 0; i < LogTable.Length; i++)
                {
                    ref var l = ref LogTable[i];
                    if (l.Time >= start && l.Time < end && (Text(l.Category) || Text(l.Message)))
                        hits.Add(new SearchHit(l.Time, new TrackId(TrackKind.Logs, -1), i, l.Goroutine, StringsTable[l.Message]));
                }
                break;
            case SearchKind.CpuSample:
                for (int i = 0; i < SampleTable.Length; i++)
                {
                    ref var s = ref SampleTable[i];
                    if (s.Time < start || s.Time >= end) continue;
                    if (text is not null && !Stacks.FrameIndexes(s.Stack).ToArray().Any(f =>
                            Stacks.GetFrame(f).Function.Contains(text, StringComparison.OrdinalIgnoreCase))) continue;
                    hits.Add(new SearchHit(s.Time, new TrackId(TrackKind.CpuSamples, -1), i, s.Goroutine, ""));
                    if (hits.Count >= limit && text is null) break;
                }
                break;
            default:
                SearchGoroutines(kind, start, end, Text, limit, hits);
                break;
        }
        return hits.OrderBy(h => h.Time).ThenBy(h => h.Goroutine).Take(limit).ToList();
    }

    private void SearchGoroutines(SearchKind kind, long start, long end, Func<int, bool> text, int limit, List<SearchHit> hits)
    {
        foreach (var g in Gt.All(start, end))
        {
            var src = Gt.Source(Store, g);
            var it = src.Seek(start, End);
            int found = 0;
            while (found < limit && it.MoveNext())
            {
                ref var cur = ref it.Current;
                if (cur.Start >= end) break;
                if (cur.Start < start) continue;
                var st = (GoroutineState)cur.Cat;
                bool m = kind switch
                {
                    SearchKind.GoCreate => st is GoroutineState.Runnable or GoroutineState.Waiting && cur.Code == SCreated,
                    SearchKind.GoStart => st == GoroutineState.Running,
                    SearchKind.GoBlock => st == GoroutineState.Waiting && cur.Code != SCreated && text(cur.Code),
                    SearchKind.GoUnblock => st == GoroutineState.Runnable && cur.Code == SUnblocked,
                    SearchKind.GoStop => st == GoroutineState.Runnable && cur.Code != 0 && cur.Code != SCreated && cur.Code != SUnblocked
                                         && cur.Code != SSyscallExit && text(cur.Code),
                    SearchKind.GoSyscall => st == GoroutineState.Syscall,
                    SearchKind.GoEnd => st == GoroutineState.Dead,
                    _ => false,
                };
                if (!m) continue;
                found++;
                hits.Add(new SearchHit(cur.Start, src.Id, cur.Raw, g.Id, StringsTable[cur.Code]));
            }
        }
    }
}
