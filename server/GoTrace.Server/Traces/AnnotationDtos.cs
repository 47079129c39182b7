namespace GoTrace.Server.Traces;

// Tasks and regions (runtime/trace user annotations): the data of go tool trace's /usertasks, /usertask,
// /userregions and /userregion pages (PROTOCOL.md, gotrace/taskTypes … gotrace/regions).

/// <summary>One bucket of a latency histogram (Go's: 10 buckets per decade of ns).</summary>
public sealed class HistogramBucketDto
{
    public int Bucket { get; init; }
    /// <summary>Durations in [MinNs, MaxNs) fall in this bucket.</summary>
    public long MinNs { get; init; }
    public long MaxNs { get; init; }
    /// <summary>Go's label of the lower bound ("1µs", "15.848931ms", …).</summary>
    public required string Label { get; init; }
    public int Count { get; init; }
}

public sealed class TaskTypeDto
{
    public required string Name { get; init; }
    /// <summary>Tasks of this name, complete or not.</summary>
    public int Count { get; init; }
    /// <summary>Durations of the complete ones.</summary>
    public required HistogramBucketDto[] Histogram { get; init; }
}

public sealed class TaskTypesResult
{
    public required TaskTypeDto[] Types { get; init; }
}

public sealed class TasksParams
{
    public required string TraceId { get; init; }
    public string? Name { get; init; }
    /// <summary>Only complete (true) or incomplete (false) tasks.</summary>
    public bool? Complete { get; init; }
    /// <summary>Duration bounds, ns: [minNs, maxNs) as a histogram bucket's.</summary>
    public long? MinNs { get; init; }
    public long? MaxNs { get; init; }
    /// <summary>Tasks with a log message containing this text.</summary>
    public string? LogText { get; init; }
    public int? Limit { get; init; }
}

public sealed class TaskEventDto
{
    public long TimeNs { get; init; }
    /// <summary>Time since the previous row of the task.</summary>
    public long ElapsedNs { get; init; }
    public long Goroutine { get; init; }
    public required string What { get; init; }
}

public sealed class TaskDto
{
    public ulong Id { get; init; }
    public required string Name { get; init; }
    public ulong Parent { get; init; }
    public bool Complete { get; init; }
    /// <summary>The task's interval (an open end is the trace's end), ns since the trace start.</summary>
    public long StartNs { get; init; }
    public long EndNs { get; init; }
    public long DurationNs { get; init; }
    /// <summary>Goroutines that did something for the task.</summary>
    public required long[] Goroutines { get; init; }
    public required TaskEventDto[] Events { get; init; }
}

public sealed class TasksResult
{
    public required string Title { get; init; }
    /// <summary>Matching tasks (before the limit).</summary>
    public int Total { get; init; }
    /// <summary>By duration ascending, then ID.</summary>
    public required TaskDto[] Tasks { get; init; }
}

public sealed class RegionTypeDto
{
    public required string Name { get; init; }
    /// <summary>Where regions of this type begin (Go groups by name and this frame).</summary>
    public required FrameDto Frame { get; init; }
    public int Count { get; init; }
    public required HistogramBucketDto[] Histogram { get; init; }
}

public sealed class RegionTypesResult
{
    public required RegionTypeDto[] Types { get; init; }
}

public sealed class RegionsParams
{
    public required string TraceId { get; init; }
    public string? Name { get; init; }
    /// <summary>The PC of a region type's frame.</summary>
    public ulong? Pc { get; init; }
    public long? MinNs { get; init; }
    public long? MaxNs { get; init; }
    /// <summary>A statistic column to sort by (descending); else by total time.</summary>
    public string? SortBy { get; init; }
    public int? Limit { get; init; }
}

public sealed class RegionDto
{
    public long Goroutine { get; init; }
    public ulong TaskId { get; init; }
    public required string Name { get; init; }
    public long StartNs { get; init; }
    public long EndNs { get; init; }
    public long TotalNs { get; init; }
    /// <summary>Per <see cref="RegionsResult.Columns"/>.</summary>
    public required long[] Stats { get; init; }
    /// <summary>Per <see cref="RegionsResult.RangeColumns"/>.</summary>
    public required long[] Ranges { get; init; }
}

public sealed class RegionsResult
{
    public required string Title { get; init; }
    public required string[] Columns { get; init; }
    public required string[] RangeColumns { get; init; }
    public int Total { get; init; }
    public required RegionDto[] Regions { get; init; }
}
