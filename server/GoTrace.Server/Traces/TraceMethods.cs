using System.Diagnostics;
using GoTrace.Analysis;
using GoTrace.Analysis.Summary;
using GoTrace.Format;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Traces;

/// <summary>The trace methods of the protocol (PROTOCOL.md, "Methods").</summary>
internal static class TraceMethods
{
    public const string Open = "gotrace/open", Close = "gotrace/close", Progress = "gotrace/progress",
        BlockingSitesMethod = "gotrace/blockingSites", SourceLines = "gotrace/sourceLines", ExportPprof = "gotrace/exportPprof",
        GoroutineGroups = "gotrace/goroutineGroups", GoroutineGroup = "gotrace/goroutineGroup", Mmu = "gotrace/mmu",
        Timeline = "gotrace/timeline", GoroutineStack = "gotrace/goroutineStack",
        Goroutines = "gotrace/goroutines", Search = "gotrace/search",
        TaskTypes = "gotrace/taskTypes", Tasks = "gotrace/tasks", RegionTypes = "gotrace/regionTypes", Regions = "gotrace/regions",
        LineEventsMethod = "gotrace/lineEvents", OverviewMethod = "gotrace/overview", StackMethod = "gotrace/stack",
        SiteEventsMethod = "gotrace/siteEvents";

    public static void Register(RpcServer server, TraceStore store)
    {
        var ctx = TraceJsonContext.Default;
        server.Register(Open, ctx.OpenParams, ctx.OpenResult, (p, rc, ct) => OpenAsync(store, p, rc, ct));
        server.Register(Close, ctx.TraceIdParams, RpcJsonContext.Default.Empty, (p, rc, ct) =>
        {
            if (!store.Remove(p.TraceId)) throw RpcException.UnknownTrace(p.TraceId);
            return ValueTask.FromResult(new Empty());
        });
        server.Register(BlockingSitesMethod, ctx.BlockingSitesParams, ctx.BlockingSitesResult, (p, rc, ct) =>
            Run(() => Sites(store.Get(p.TraceId), p), ct));
        server.Register(SourceLines, ctx.SourceLinesParams, ctx.SourceLinesResult, (p, rc, ct) =>
            Run(() => Lines(store.Get(p.TraceId), p), ct));
        server.Register(ExportPprof, ctx.ExportPprofParams, ctx.ExportPprofResult, (p, rc, ct) =>
            Run(() => Export(store.Get(p.TraceId), p), ct));
        server.Register(GoroutineGroups, ctx.TraceIdParams, ctx.GoroutineGroupsResult, (p, rc, ct) =>
            Run(() => Groups(store.Get(p.TraceId)), ct));
        server.Register(GoroutineGroup, ctx.GoroutineGroupParams, ctx.GoroutineGroupResult, (p, rc, ct) =>
            Run(() => Group(store.Get(p.TraceId), p), ct));
        server.Register(Mmu, ctx.MmuParams, ctx.MmuResult, (p, rc, ct) => Run(() => MmuOf(store.Get(p.TraceId), p), ct));
        server.Register(Timeline, ctx.TimelineParams, ctx.TimelineResult, (p, rc, ct) => Run(() => TimelineOf(store.Get(p.TraceId), p), ct));
        server.Register(GoroutineStack, ctx.GoroutineStackParams, ctx.GoroutineStackResult, (p, rc, ct) =>
            Run(() => StackOf(store.Get(p.TraceId), p), ct));
        server.Register(Goroutines, ctx.GoroutinesParams, ctx.GoroutinesResult, (p, rc, ct) => Run(() => GoroutinesOf(store.Get(p.TraceId), p), ct));
        server.Register(Search, ctx.SearchParams, ctx.SearchResult, (p, rc, ct) => Run(() => SearchOf(store.Get(p.TraceId), p), ct));
        server.Register(TaskTypes, ctx.TraceIdParams, ctx.TaskTypesResult, (p, rc, ct) => Run(() => Annotations.TaskTypesOf(store.Get(p.TraceId)), ct));
        server.Register(Tasks, ctx.TasksParams, ctx.TasksResult, (p, rc, ct) => Run(() => Annotations.TasksOf(store.Get(p.TraceId), p), ct));
        server.Register(RegionTypes, ctx.TraceIdParams, ctx.RegionTypesResult, (p, rc, ct) => Run(() => Annotations.RegionTypesOf(store.Get(p.TraceId)), ct));
        server.Register(OverviewMethod, ctx.TraceIdParams, ctx.OverviewResult, (p, rc, ct) => Run(() => Overview.Of(store.Get(p.TraceId)), ct));
        server.Register(StackMethod, ctx.StackParams, ctx.StackResult, (p, rc, ct) => Run(() => StackOfId(store.Get(p.TraceId), p), ct));
        server.Register(SiteEventsMethod, ctx.SiteEventsParams, ctx.SiteEventsResult, (p, rc, ct) => Run(() => LineEvents.OfSite(store.Get(p.TraceId), p), ct));
        server.Register(LineEventsMethod, ctx.LineEventsParams, ctx.LineEventsResult, (p, rc, ct) => Run(() => LineEvents.Of(store.Get(p.TraceId), p), ct));
        server.Register(Regions, ctx.RegionsParams, ctx.RegionsResult, (p, rc, ct) => Run(() => Annotations.RegionsOf(store.Get(p.TraceId), p), ct));
    }

    private static ValueTask<T> Run<T>(Func<T> f, CancellationToken ct) => new(Task.Run(f, ct));

    private static async ValueTask<OpenResult> OpenAsync(TraceStore store, OpenParams p, RequestContext rc, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(p.Path)) throw RpcException.BadParams("path is empty");
        string path = System.IO.Path.GetFullPath(p.Path);
        if (!File.Exists(path)) throw RpcException.BadParams($"no such file: {path}");
        string id = store.NewId();
        long total = new FileInfo(path).Length;
        var clock = Stopwatch.StartNew();
        long lastReport = -1;
        TraceSession session;
        try
        {
            session = await Task.Run(() => TraceSession.Open(id, path, ct, (bytes, events) =>
            {
                // At most ten notifications a second; the pass waits for each (they are tiny).
                long ms = clock.ElapsedMilliseconds;
                if (lastReport >= 0 && ms - lastReport < 100) return;
                lastReport = ms;
                rc.NotifyAsync(Progress, new ProgressParams { TraceId = id, Path = path, BytesRead = bytes, TotalBytes = total, Events = events },
                    TraceJsonContext.Default.ProgressParams, ct).AsTask().GetAwaiter().GetResult();
            }), ct).ConfigureAwait(false);
        }
        catch (TraceFormatException e)
        {
            throw RpcException.TraceFormat(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RpcException.BadParams($"cannot read {path}: {e.Message}");
        }
        // A cancel that came while the last bytes were read still wins: the trace is not kept.
        ct.ThrowIfCancellationRequested();
        await rc.NotifyAsync(Progress, new ProgressParams { TraceId = id, Path = path, BytesRead = session.Pass.BytesRead, TotalBytes = total, Events = session.Pass.Events },
            TraceJsonContext.Default.ProgressParams, ct).ConfigureAwait(false);
        store.Add(session);
        // The goroutine groups read every goroutine's statistics (seconds for millions): start on them now, in the
        // background; a request for them waits for this one computation.
        _ = Task.Run(() =>
        {
            try
            {
                _ = session.Groups.Value;
            }
            catch (Exception e)
            {
                rc.Log.Warning($"goroutine groups of {path}: {e.Message}");
            }
        });
        try
        {
            Warm(session);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Warming only makes the first queries fast; a query that fails will say why when it is asked.
            rc.Log.Warning($"warming {path}: {e.Message}");
        }
        rc.Log.Info($"opened {path} as {id}: {session.Pass.Events} events in {clock.Elapsed.TotalSeconds:F2} s");
        return new OpenResult { TraceId = id, Path = path, Summary = SummaryOf(session) };
    }

    /// <summary>
    /// Runs the query paths once on the new trace (full view of the procs, counters and a few goroutines, the sites) and serializes the
    /// answers, so that the user's first pans do not pay for the JIT (about 100 ms per method otherwise).
    /// </summary>
    private static void Warm(TraceSession s)
    {
        long d = Math.Max(1, s.Pass.Duration);
        // A few goroutines too: their spans take other paths than the procs'.
        var some = s.Timeline.Goroutines(GoTrace.Analysis.Timeline.GoroutineOrder.Id, limit: 4)
            .Select(g => new TrackRefDto { Kind = "goroutine", Id = g.Id }).ToArray();
        foreach (var encoding in new[] { "json", "packed" })
        {
            var warm = TimelineOf(s, new TimelineParams
            {
                TraceId = s.Id, StartNs = 0, EndNs = d, NsPerPixel = Math.Max(1, d / 1000), Kinds = ["proc", "counter", "gc"], Tracks = some,
                Encoding = encoding,
            });
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(warm, TraceJsonContext.Default.TimelineResult);
        }
        var sites = Sites(s, new BlockingSitesParams { TraceId = s.Id, Kind = "sync", Limit = 5 });
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(sites, TraceJsonContext.Default.BlockingSitesResult);
    }

    internal static TraceSummaryDto SummaryOf(TraceSession s)
    {
        var e = s.Pass;
        return new TraceSummaryDto
        {
            Format = $"go 1.{e.Version} trace",
            StartNs = e.StartTime, EndNs = e.EndTime, DurationNs = e.Duration, Events = e.Events, Bytes = s.FileBytes,
            Goroutines = s.Summary.Goroutines.Count, Procs = s.Counts.Procs, Threads = s.Counts.Threads, Generations = s.Counts.Generations,
            Damage = e.Error is { } err ? new DamageInfo
            {
                Message = err.Message, Reason = err.Reason, What = err.What, Offset = err.Offset, Generation = err.Generation,
                EventsDropped = e.Events - e.RetainedEvents,
            } : null,
        };
    }

    internal static BlockingKind KindOf(string kind) => kind switch
    {
        "sync" => BlockingKind.Sync,
        "net" => BlockingKind.Net,
        "syscall" => BlockingKind.Syscall,
        "sched" => BlockingKind.Sched,
        _ => throw RpcException.InvalidParams($"kind must be sync, net, syscall or sched, not \"{kind}\""),
    };

    internal static ProfileFilter FilterOf(TraceSession s, FilterDto? f)
    {
        TimeInterval? window = f?.FromNs is null && f?.ToNs is null ? null
            : new TimeInterval(s.Pass.StartTime + (f!.FromNs ?? 0), f.ToNs is { } to ? s.Pass.StartTime + to : long.MaxValue);
        try
        {
            if (f?.Region is { } region) return ProfileFilter.ByRegions(s.Summary, new RegionFilter { Type = region }, window);
            if (f?.Task is { } task)
            {
                if (!s.Summary.Tasks.ContainsKey(task)) throw RpcException.BadParams($"no task {task} in the trace");
                return ProfileFilter.ByTask(s.Summary, task, window);
            }
            if (f?.Goroutine is { } g) return ProfileFilter.ByGoroutineId(s.Blocking, g, window);
            return ProfileFilter.ByGoroutines(s.Blocking, f?.Group, window);
        }
        catch (ArgumentException e)
        {
            throw RpcException.BadParams(e.Message);
        }
    }

    internal static FrameDto[] Frames(StackTable stacks, int stack) =>
        stacks.Frames(stack).Select(f => new FrameDto { Func = f.Function, File = f.File, Line = f.Line, Pc = f.PC }).ToArray();

    private static GroupShareDto[] GroupsOf(Dictionary<string, GroupShare> groups, int limit = 10) =>
        groups.OrderByDescending(g => g.Value.Time).ThenBy(g => g.Key, StringComparer.Ordinal).Take(limit)
            .Select(g => new GroupShareDto { Name = g.Key, Count = g.Value.Count, TimeNs = g.Value.Time }).ToArray();

    internal static SiteDto SiteOf(StackTable stacks, BlockingSite s) => new()
    {
        TimeNs = s.Time, Count = s.Count,
        P50Ns = s.Durations.Quantile(0.5), P90Ns = s.Durations.Quantile(0.9), P99Ns = s.Durations.Quantile(0.99), MaxNs = s.Durations.Max,
        UserFrame = SourceFrames.FirstUserFrame(stacks, s.Stack),
        StackId = s.Stack,
        Stack = Frames(stacks, s.Stack),
        Groups = GroupsOf(s.Groups),
        Histogram = s.Durations.PowerOfTwoHistogram().Select(h => new DurationBucketDto { MinNs = h.MinNs, MaxNs = h.MaxNs, Count = h.Count }).ToArray(),
    };

    private static BlockingSitesResult Sites(TraceSession s, BlockingSitesParams p)
    {
        var kind = KindOf(p.Kind);
        int limit = Math.Clamp(p.Limit ?? 50, 1, 1000);
        var sites = p.Filter is null ? s.AllSites(kind) : BlockingSites.Build(s.Blocking, kind, FilterOf(s, p.Filter));
        return new BlockingSitesResult
        {
            Kind = p.Kind, TotalNs = sites.TotalTime, TotalCount = sites.TotalCount, SiteCount = sites.Sites.Count,
            Sites = sites.Sites.Take(limit).Select(x => SiteOf(s.Stacks, x)).ToArray(),
        };
    }

    private static SourceLinesResult Lines(TraceSession s, SourceLinesParams p)
    {
        var index = s.Lines;
        var match = PathMatcher.Best(p.File, index.Files);
        int top = Math.Clamp(p.TopStacks ?? 3, 0, 50);
        var lines = new List<LineDto>();
        if (match.TracePath is { } file)
        {
            IEnumerable<ulong> which = p.Line is { } one ? [one] : index.LinesOf(file);
            foreach (var line in which)
            {
                LineKindDto? K(BlockingKind k) => index.Get(file, line, k) is { } st ? new LineKindDto
                {
                    FlatNs = st.FlatTime, FlatCount = st.FlatCount, CumNs = st.CumTime, CumCount = st.CumCount,
                    P50Ns = st.Durations.Quantile(0.5), P99Ns = st.Durations.Quantile(0.99), MaxNs = st.Durations.Max,
                    TopStacks = st.Sites.Take(top).Select(x => SiteOf(s.Stacks, x)).ToArray(),
                    Groups = GroupsOf(st.Groups),
                } : null;
                var dto = new LineDto { Line = line, Sync = K(BlockingKind.Sync), Net = K(BlockingKind.Net), Syscall = K(BlockingKind.Syscall), Sched = K(BlockingKind.Sched) };
                if (dto.Sync is not null || dto.Net is not null || dto.Syscall is not null || dto.Sched is not null) lines.Add(dto);
            }
        }
        return new SourceLinesResult
        {
            Match = new PathMatchDto { TracePath = match.TracePath, MatchedElements = match.MatchedElements, Ambiguous = match.Ambiguous.ToArray() },
            Lines = lines.ToArray(),
        };
    }

    private static ExportPprofResult Export(TraceSession s, ExportPprofParams p)
    {
        var kind = KindOf(p.Kind);
        var records = BlockingProfile.Compute(s.Blocking, kind, FilterOf(s, p.Filter));
        try
        {
            using var f = new FileStream(p.OutputPath, FileMode.Create, FileAccess.Write);
            PprofWriter.Write(f, s.Stacks, records);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw RpcException.BadParams($"cannot write {p.OutputPath}: {e.Message}");
        }
        return new ExportPprofResult
        {
            OutputPath = System.IO.Path.GetFullPath(p.OutputPath), Samples = records.Count,
            TotalNs = records.Sum(r => r.Time), TotalCount = records.Sum(r => r.Count),
        };
    }

    /// <summary>The goroutine groups, computed once per trace (a trace may have millions of goroutines).</summary>
    internal static GoroutineGroupsResult Groups(TraceSession s) => s.Groups.Value;

    internal static GoroutineGroupsResult ComputeGroups(TraceSession s) => new()
    {
        Groups = s.Summary.Goroutines.Values.GroupBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => new GoroutineGroupDto
            {
                Name = g.Key, Count = g.Count(), ExecNs = g.Sum(x => x.Stats.ExecTime), SchedWaitNs = g.Sum(x => x.Stats.SchedWaitTime),
                BlockNs = g.Sum(x => x.Stats.BlockTimeByReason.Values.Sum()), SyscallNs = g.Sum(x => x.Stats.SyscallTime + x.Stats.SyscallBlockTime),
                TotalNs = g.Sum(x => x.Stats.TotalTime),
            })
            .OrderByDescending(g => g.ExecNs).ThenBy(g => g.Name, StringComparer.Ordinal).ToArray(),
    };

    private static MmuResult MmuOf(TraceSession s, MmuParams p)
    {
        var flags = GoTrace.Analysis.Mmu.UtilFlagsText.Parse(p.Flags);
        var windows = p.WindowsNs ?? GoTrace.Analysis.Mmu.MmuAnalysis.LogWindows(1000, Math.Max(1001, s.Pass.Duration), 100);
        if (windows.Length > 1000) throw RpcException.BadParams("at most 1000 window sizes");
        if (windows.Any(w => w <= 0)) throw RpcException.BadParams("window sizes must be positive");
        if (p.Quantiles is { } q && q.Any(x => x is < 0 or > 1 || double.IsNaN(x))) throw RpcException.BadParams("quantiles must be within [0, 1]");
        var curve = s.Curve(flags, p.GoCompatible == true);
        var points = GoTrace.Analysis.Mmu.MmuAnalysis.Compute(curve, windows, p.Quantiles, Math.Clamp(p.Worst ?? 0, 0, 100));
        return new MmuResult
        {
            Flags = p.Flags ?? "",
            Points = points.Select(x => new MmuPointDto
            {
                WindowNs = x.Window, Mmu = x.Mmu,
                Percentiles = x.Percentiles.Length > 0 ? x.Percentiles : null,
                Worst = x.WorstWindows.Length > 0 ? x.WorstWindows.Select(w => new MmuWindowDto { TimeNs = w.Time - s.Pass.StartTime, Utilization = w.MutatorUtil }).ToArray() : null,
            }).ToArray(),
        };
    }

    private static GoTrace.Analysis.Timeline.TrackKind TrackKindOf(string k) =>
        Enum.TryParse<GoTrace.Analysis.Timeline.TrackKind>(k, ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(k, out _)
            ? v : throw RpcException.InvalidParams($"unknown track kind \"{k}\"");

    private static string KindName(GoTrace.Analysis.Timeline.TrackKind k)
    {
        var s = k.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }

    // What the next or previous span implies is left out: an end that is the next span's start, an index that
    // follows the previous span's (index + count).
    private static SpanDto[] Compact(SpanDto[] spans)
    {
        for (int i = spans.Length - 1; i >= 1; i--)
        {
            var prev = spans[i - 1];
            if (prev.EndNs == spans[i].StartNs) prev.EndNs = null;
            if (spans[i].Index == prev.Index + (prev.Count ?? 1)) spans[i].Index = null;
        }
        return spans;
    }

    // A reference that is usually absent (-1) is left out of the answer.
    private static long? Opt(long v) => v != -1 ? v : null;

    /// <summary>Most tracks one timeline request may select.</summary>
    internal const int MaxTimelineTracks = 4096;

    /// <summary>Most tracks × pixels one timeline request may ask for (about two items per pixel and track come back).</summary>
    internal const long MaxTimelineTrackPixels = 1L << 23;

    private static TimelineResult TimelineOf(TraceSession s, TimelineParams p)
    {
        var ix = s.Timeline;
        if (p.EndNs <= p.StartNs) throw RpcException.BadParams("endNs must be after startNs");
        if (p.NsPerPixel <= 0) throw RpcException.BadParams("nsPerPixel must be positive");
        var sel = new GoTrace.Analysis.Timeline.TrackSelection();
        foreach (var t in p.Tracks ?? []) sel.Tracks.Add(new GoTrace.Analysis.Timeline.TrackId(TrackKindOf(t.Kind), t.Id, t.Lane));
        foreach (var k in p.Kinds ?? []) sel.Kinds.Add(TrackKindOf(k));
        if (sel.Tracks.Count == 0 && sel.Kinds.Count == 0) throw RpcException.BadParams("no tracks or kinds selected");
        long start = ix.Start + p.StartNs, end = ix.Start + p.EndNs;
        // Each track's answer is bounded by the pixels; the number of tracks is bounded here (a kind such as
        // "goroutine" may stand for millions: the client asks for the rows it shows).
        var ids = ix.Resolve(sel);
        if (ids.Count > MaxTimelineTracks)
            throw RpcException.BadParams($"the selection is {ids.Count:N0} tracks; at most {MaxTimelineTracks:N0} per request (list goroutines with gotrace/goroutines and ask for the rows shown)");
        long res = GoTrace.Analysis.Timeline.TimelineIndex.Resolution(start, end, p.NsPerPixel);
        long pixels = (end - start + res - 1) / res;
        if (ids.Count * pixels > MaxTimelineTrackPixels)
            throw RpcException.BadParams($"{ids.Count:N0} tracks at {pixels:N0} pixels is {ids.Count * pixels:N0} track-pixels; at most {MaxTimelineTrackPixels:N0} per request (ask for the rows shown, at the width shown)");
        bool packed = p.Encoding switch
        {
            null or "json" => false,
            "packed" => true,
            _ => throw RpcException.InvalidParams($"unknown encoding \"{p.Encoding}\" (json or packed)"),
        };
        var names = ids.Distinct().ToDictionary(id => id, ix.TrackName);
        TrackRefDto Ref(GoTrace.Analysis.Timeline.TrackId id) => new() { Kind = KindName(id.Kind), Id = id.Id, Lane = id.Lane };
        string Name(GoTrace.Analysis.Timeline.TrackId id) => names.TryGetValue(id, out var n) ? n : id.ToString();
        if (packed)
        {
            // Each track is queried and packed on its own (tracks share nothing), so a wide selection uses every core.
            var packedTracks = new TrackDto[ids.Count];
            try
            {
                Parallel.For(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                {
                    packedTracks[i] = ix.QueryTrack(ids[i], start, end, res, (in GoTrace.Analysis.Timeline.TrackView t) =>
                    {
                        var strings = new List<string>();
                        var bytes = TimelinePacking.Pack(t, ix, new Dictionary<int, int>(), strings);
                        return new TrackDto
                        {
                            Track = Ref(t.Track), Name = Name(t.Track), Series = t.Series, Packed = bytes, Strings = strings.Count > 0 ? [.. strings] : null,
                        };
                    });
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                // What one track's query threw, not the wrapper (an RpcException keeps its code).
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            return new TimelineResult
            {
                StartNs = p.StartNs, EndNs = p.EndNs, NsPerPixel = res, Tracks = packedTracks,
            };
        }
        var r = ix.Query(start, end, p.NsPerPixel, GoTrace.Analysis.Timeline.TrackSelection.Of([.. ids]));
        return new TimelineResult
        {
            StartNs = r.Start - ix.Start, EndNs = r.End - ix.Start, NsPerPixel = r.NsPerPixel,
            Tracks = r.Tracks.Select(t => new TrackDto
            {
                Track = Ref(t.Track), Name = Name(t.Track), Series = t.Series,
                Spans = Compact(t.Spans.Select(x => new SpanDto
                {
                    StartNs = x.Start - ix.Start, EndNs = x.End - ix.Start, State = x.State, Count = x.Count != 1 ? x.Count : null, Index = x.Index,
                    Reason = x.Reason > 0 ? ix.String(x.Reason) : null, Stack = x.Stack != 0 ? x.Stack : null,
                    Goroutine = Opt(x.Goroutine), Proc = Opt(x.Proc), Thread = Opt(x.Thread), Ref = Opt(x.Ref),
                    StateNs = x.IsMerged ? t.StateTimes.AsSpan(x.Breakdown, t.StateCount).ToArray() : null,
                }).ToArray()),
                Instants = t.Instants.Select(x => new InstantDto
                {
                    TimeNs = x.Time - ix.Start, EndNs = x.End - ix.Start, Count = x.Count != 1 ? x.Count : null, Index = x.Index,
                    Goroutine = Opt(x.Goroutine), Proc = Opt(x.Proc), Thread = Opt(x.Thread), Stack = x.Stack != 0 ? x.Stack : null,
                    Text = x.Text > 0 ? ix.String(x.Text) : null,
                }).ToArray(),
                Points = t.Samples.Select(x => new CounterPointDto
                {
                    TimeNs = x.Time - ix.Start, EndNs = x.End - ix.Start, Series = x.Series != 0 ? x.Series : null,
                    Min = x.Min != x.Last ? x.Min : null, Max = x.Max != x.Last ? x.Max : null, Last = x.Last,
                }).ToArray(),
            }).ToArray(),
        };
    }

    private static T EnumOf<T>(string? text, T fallback, string what) where T : struct, Enum =>
        text is null ? fallback
        : Enum.TryParse<T>(text, ignoreCase: true, out var v) && Enum.IsDefined(v) && !long.TryParse(text, out _) ? v
        : throw RpcException.InvalidParams($"unknown {what} \"{text}\"");

    private static StackResult StackOfId(TraceSession s, StackParams p)
    {
        if (p.Stack < 0 || p.Stack >= s.Stacks.Count) throw RpcException.BadParams($"no stack {p.Stack} (the trace has {s.Stacks.Count})");
        return new StackResult { Frames = Frames(s.Stacks, p.Stack) };
    }

    private static GoroutinesResult GoroutinesOf(TraceSession s, GoroutinesParams p)
    {
        var ix = s.Timeline;
        var order = EnumOf(p.OrderBy, GoTrace.Analysis.Timeline.GoroutineOrder.Id, "orderBy");
        int offset = Math.Max(0, p.Offset ?? 0), limit = Math.Clamp(p.Limit ?? 100, 1, 10_000);
        var list = ix.Goroutines(order, p.Group, p.NameContains, offset, limit);
        long Rel(long t) => t < 0 ? -1 : t - ix.Start;
        return new GoroutinesResult
        {
            Total = ix.GoroutineCount,
            Goroutines = list.Select(g => new GoroutineDto
            {
                Id = g.Id, Name = g.Name, Label = g.Label.Length > 0 ? g.Label : null, CreationNs = Rel(g.CreationTime), Creator = g.Creator,
                EndNs = Rel(g.EndTime), ExecNs = g.ExecTime, SchedWaitNs = g.SchedWaitTime, BlockNs = g.BlockTime,
                SyscallNs = g.SyscallTime + g.SyscallBlockTime, RegionLanes = g.RegionLanes, RangeLanes = g.RangeLanes,
            }).ToArray(),
        };
    }

    private static SearchResult SearchOf(TraceSession s, SearchParams p)
    {
        var ix = s.Timeline;
        var kind = EnumOf<GoTrace.Analysis.Timeline.SearchKind>(p.Kind, default, "search kind");
        long start = ix.Start + (p.StartNs ?? 0), end = p.EndNs is { } e ? ix.Start + e : ix.End;
        var hits = ix.Search(kind, start, end, p.Text, Math.Clamp(p.Limit ?? 100, 1, 10_000));
        return new SearchResult
        {
            Hits = hits.Select(h => new SearchHitDto
            {
                TimeNs = h.Time - ix.Start, Track = new TrackRefDto { Kind = KindName(h.Track.Kind), Id = h.Track.Id, Lane = h.Track.Lane },
                Index = h.Index, Goroutine = h.Goroutine, Text = h.Text,
            }).ToArray(),
        };
    }

    private static GoroutineStackResult StackOf(TraceSession s, GoroutineStackParams p)
    {
        var ix = s.Timeline;
        var info = ix.Goroutine(p.Goroutine) ?? throw RpcException.BadParams($"no goroutine {p.Goroutine} in the trace");
        var track = GoTrace.Analysis.Timeline.TrackId.Goroutine(p.Goroutine);
        var span = ix.SpanAt(track, ix.Start + p.TimeNs) ?? throw RpcException.BadParams($"goroutine {p.Goroutine} has no span at {p.TimeNs} ns");
        var stacks = ix.GoroutineStacks(p.Goroutine, span.Index);
        var unblock = ix.Unblocker(p.Goroutine, span.Index);
        return new GoroutineStackResult
        {
            Goroutine = p.Goroutine, Name = info.Name,
            SpanStartNs = span.Start - ix.Start, SpanEndNs = span.End - ix.Start,
            State = ((GoTrace.Analysis.Timeline.GoroutineState)span.State).ToString(),
            Reason = span.Reason > 0 ? ix.String(span.Reason) : null,
            EventStack = stacks is { } st1 ? TFrames(ix, st1.Event) : [],
            Stack = stacks is { } st2 ? TFrames(ix, st2.Goroutine) : [],
            CreationStack = TFrames(ix, info.CreationStack), Creator = info.Creator,
            UnblockedBy = unblock is { } u ? new UnblockDto { By = u.By, TimeNs = u.Time - ix.Start, Stack = TFrames(ix, u.Stack), Reason = u.Reason } : null,
        };
    }

    private static FrameDto[] TFrames(GoTrace.Analysis.Timeline.TimelineIndex ix, int stack) =>
        ix.Frames(stack).Select(f => new FrameDto { Func = f.Function, File = f.File, Line = f.Line, Pc = f.PC }).ToArray();

    private static GoroutineGroupResult Group(TraceSession s, GoroutineGroupParams p)
    {
        int limit = p.Limit ?? 10_000;
        if (limit is < 1 or > 100_000) throw RpcException.BadParams("limit must be between 1 and 100000");
        if (p.Offset is < 0) throw RpcException.BadParams("offset must not be negative");
        var d = GoroutineAnalysis.Group(s.Summary, p.Name, p.SortBy, p.Offset ?? 0, limit);
        if (d.Count == 0) throw RpcException.BadParams($"no goroutine group named \"{p.Name}\"");
        return new GoroutineGroupResult
        {
            Name = d.Name, Count = d.Count, ExecNs = d.ExecTime, ExecTimePercent = d.ExecTimePercent,
            Columns = d.StatColumns.ToArray(), RangeColumns = d.RangeColumns.ToArray(),
            Goroutines = d.Rows.Select(r => new GoroutineRowDto
            {
                Id = r.Goroutine.Id, TotalNs = r.Total, Stats = r.Stats.ToArray(), Ranges = r.Ranges.ToArray(),
                GcSweepNs = r.Legacy.GcSweeping, GcPauseNs = r.Legacy.GcPause,
                RegionNs = r.RegionTime.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            }).ToArray(),
        };
    }
}
