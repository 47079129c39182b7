using GoTrace.Analysis.Summary;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Traces;

/// <summary>The task and region methods: go tool trace's user-annotation pages as data.</summary>
internal static class Annotations
{
    private const int DefaultLimit = 1000, MaxLimit = 100_000;

    private static HistogramBucketDto[] Histogram(TimeHistogram h) =>
        h.Rows().Select(r => new HistogramBucketDto { Bucket = r.Bucket, MinNs = r.Min, MaxNs = r.Max, Label = r.Label, Count = r.Count }).ToArray();

    /// <summary>The limit of a listing method: default 1,000, at most 100,000 (also gotrace/lineEvents and siteEvents).</summary>
    internal static int LimitOf(int? limit)
    {
        if (limit is < 1 or > MaxLimit) throw RpcException.BadParams($"limit must be between 1 and {MaxLimit}");
        return limit ?? DefaultLimit;
    }

    public static TaskTypesResult TaskTypesOf(TraceSession s) => new()
    {
        Types = TaskAnalysis.Types(s.Summary).Select(t => new TaskTypeDto { Name = t.Type, Count = t.Count, Histogram = Histogram(t.Histogram) }).ToArray(),
    };

    public static TasksResult TasksOf(TraceSession s, TasksParams p)
    {
        int limit = LimitOf(p.Limit);
        var filter = new TaskFilter { Type = p.Name, Complete = p.Complete, LatMin = p.MinNs, LatMax = p.MaxNs, LogText = p.LogText };
        var list = TaskAnalysis.Tasks(s.Summary, filter);
        long t0 = s.Summary.StartTime;
        return new TasksResult
        {
            Title = list.Title,
            Total = list.Tasks.Count,
            Tasks = list.Tasks.Take(limit).Select(d => new TaskDto
            {
                Id = d.Id, Name = d.Task.Name, Parent = d.Task.Parent?.Id ?? 0, Complete = d.Complete,
                StartNs = d.Start, EndNs = d.End, DurationNs = d.Duration,
                Goroutines = d.Task.Goroutines.Keys.Order().ToArray(),
                Events = d.Events.Select(e => new TaskEventDto { TimeNs = e.Time - t0, ElapsedNs = e.Elapsed, Goroutine = e.Goroutine, What = e.What }).ToArray(),
            }).ToArray(),
        };
    }

    public static RegionTypesResult RegionTypesOf(TraceSession s) => new()
    {
        Types = RegionAnalysis.Groups(s.Summary).Select(g => new RegionTypeDto
        {
            Name = g.Type, Count = g.Count, Histogram = Histogram(g.Histogram),
            Frame = new FrameDto { Func = g.Frame.Function, File = g.Frame.File, Line = g.Frame.Line, Pc = g.Frame.PC },
        }).ToArray(),
    };

    public static RegionsResult RegionsOf(TraceSession s, RegionsParams p)
    {
        int limit = LimitOf(p.Limit);
        var filter = new RegionFilter { Type = p.Name, Pc = p.Pc, LatMin = p.MinNs, LatMax = p.MaxNs };
        var list = RegionAnalysis.Regions(s.Summary, filter, p.SortBy);
        var sum = s.Summary;
        return new RegionsResult
        {
            Title = list.Title, Columns = list.StatColumns.ToArray(), RangeColumns = list.RangeColumns.ToArray(), Total = list.Rows.Count,
            Regions = list.Rows.Take(limit).Select(r =>
            {
                var (from, to) = r.Region.Interval(sum);
                return new RegionDto
                {
                    Goroutine = r.Goroutine, TaskId = r.TaskId, Name = r.Region.Name, StartNs = from - sum.StartTime, EndNs = to - sum.StartTime,
                    TotalNs = r.Total, Stats = r.Stats.ToArray(), Ranges = r.Ranges.ToArray(),
                };
            }).ToArray(),
        };
    }
}
