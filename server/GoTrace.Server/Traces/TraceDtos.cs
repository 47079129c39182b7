using System.Text.Json.Serialization;

namespace GoTrace.Server.Traces;

#pragma warning disable CS1591 // DTOs are documented once, in PROTOCOL.md

public sealed class OpenParams
{
    public required string Path { get; init; }
}

public sealed class TraceIdParams
{
    public required string TraceId { get; init; }
}

public sealed class DamageInfo
{
    public required string Message { get; init; }
    public required string Reason { get; init; }
    public required string What { get; init; }
    public long Offset { get; init; }
    public ulong Generation { get; init; }
    public long EventsDropped { get; init; }
}

public sealed class TraceSummaryDto
{
    public required string Format { get; init; }
    public long StartNs { get; init; }
    public long EndNs { get; init; }
    public long DurationNs { get; init; }
    public long Events { get; init; }
    public long Bytes { get; init; }
    public int Goroutines { get; init; }
    public int Procs { get; init; }
    public int Threads { get; init; }
    public int Generations { get; init; }
    public DamageInfo? Damage { get; init; }
}

public sealed class OpenResult
{
    public required string TraceId { get; init; }
    public required string Path { get; init; }
    public required TraceSummaryDto Summary { get; init; }
}

public sealed class ProgressParams
{
    public required string TraceId { get; init; }
    public required string Path { get; init; }
    public long BytesRead { get; init; }
    public long TotalBytes { get; init; }
    public long Events { get; init; }
}

/// <summary>Which goroutines and times count (all optional; combined with AND).</summary>
public sealed class FilterDto
{
    /// <summary>Start of a time window, ns since the trace start.</summary>
    public long? FromNs { get; init; }
    public long? ToNs { get; init; }
    public long? Goroutine { get; init; }
    /// <summary>Goroutine group (root function), as go tool trace's /block?name=.</summary>
    public string? Group { get; init; }
    /// <summary>Region name (go tool trace's /regionblock?type=).</summary>
    public string? Region { get; init; }
    public ulong? Task { get; init; }
}

public sealed class FrameDto
{
    public required string Func { get; init; }
    public required string File { get; init; }
    public ulong Line { get; init; }
    public ulong Pc { get; init; }
}

public sealed class GroupShareDto
{
    public required string Name { get; init; }
    public long Count { get; init; }
    public long TimeNs { get; init; }
}

public sealed class SiteDto
{
    public long TimeNs { get; init; }
    public long Count { get; init; }
    public long P50Ns { get; init; }
    public long P90Ns { get; init; }
    public long P99Ns { get; init; }
    public long MaxNs { get; init; }
    /// <summary>Index in <see cref="Stack"/> of the first frame of the program (not the standard library).</summary>
    public int UserFrame { get; init; }
    /// <summary>The stack's id (as timeline spans' <c>stack</c>; for gotrace/siteEvents and gotrace/stack).</summary>
    public int StackId { get; init; }
    public required FrameDto[] Stack { get; init; }
    public required GroupShareDto[] Groups { get; init; }
    /// <summary>Waits by duration, power-of-two buckets (empty ones left out).</summary>
    public required DurationBucketDto[] Histogram { get; init; }
}

public sealed class DurationBucketDto
{
    /// <summary>Durations in [MinNs, MaxNs).</summary>
    public long MinNs { get; init; }
    public long MaxNs { get; init; }
    public long Count { get; init; }
}

public sealed class BlockingSitesParams
{
    public required string TraceId { get; init; }
    /// <summary>sync, net, syscall or sched.</summary>
    public required string Kind { get; init; }
    public int? Limit { get; init; }
    public FilterDto? Filter { get; init; }
}

public sealed class BlockingSitesResult
{
    public required string Kind { get; init; }
    public long TotalNs { get; init; }
    public long TotalCount { get; init; }
    public int SiteCount { get; init; }
    public required SiteDto[] Sites { get; init; }
}

public sealed class SourceLinesParams
{
    public required string TraceId { get; init; }
    /// <summary>A workspace path; matched to the trace's paths by the longest common path suffix.</summary>
    public required string File { get; init; }
    /// <summary>One line; absent = every line of the file with numbers.</summary>
    public ulong? Line { get; init; }
    public int? TopStacks { get; init; }
}

public sealed class LineKindDto
{
    public long FlatNs { get; init; }
    public long FlatCount { get; init; }
    public long CumNs { get; init; }
    public long CumCount { get; init; }
    public long P50Ns { get; init; }
    public long P99Ns { get; init; }
    public long MaxNs { get; init; }
    public required SiteDto[] TopStacks { get; init; }
    public required GroupShareDto[] Groups { get; init; }
}

public sealed class LineDto
{
    public ulong Line { get; init; }
    public LineKindDto? Sync { get; init; }
    public LineKindDto? Net { get; init; }
    public LineKindDto? Syscall { get; init; }
    public LineKindDto? Sched { get; init; }
}

public sealed class PathMatchDto
{
    public string? TracePath { get; init; }
    public int MatchedElements { get; init; }
    public required string[] Ambiguous { get; init; }
}

public sealed class SourceLinesResult
{
    public required PathMatchDto Match { get; init; }
    public required LineDto[] Lines { get; init; }
}

public sealed class ExportPprofParams
{
    public required string TraceId { get; init; }
    public required string Kind { get; init; }
    public required string OutputPath { get; init; }
    public FilterDto? Filter { get; init; }
}

public sealed class ExportPprofResult
{
    public required string OutputPath { get; init; }
    public int Samples { get; init; }
    public long TotalNs { get; init; }
    public long TotalCount { get; init; }
}

public sealed class GoroutineGroupDto
{
    public required string Name { get; init; }
    public int Count { get; init; }
    public long ExecNs { get; init; }
    public long SchedWaitNs { get; init; }
    public long BlockNs { get; init; }
    public long SyscallNs { get; init; }
    public long TotalNs { get; init; }
}

public sealed class GoroutineGroupsResult
{
    public required GoroutineGroupDto[] Groups { get; init; }
}

public sealed class GoroutineGroupParams
{
    public required string TraceId { get; init; }
    public required string Name { get; init; }
    public string? SortBy { get; init; }
    /// <summary>A page of the rows (in the sort order): a group may have millions of goroutines.</summary>
    public int? Offset { get; init; }
    public int? Limit { get; init; }
}

public sealed class GoroutineRowDto
{
    public long Id { get; init; }
    public long TotalNs { get; init; }
    /// <summary>One value per <see cref="GoroutineGroupResult.Columns"/> entry.</summary>
    public required long[] Stats { get; init; }
    /// <summary>One value per <see cref="GoroutineGroupResult.RangeColumns"/> entry.</summary>
    public required long[] Ranges { get; init; }
    public long GcSweepNs { get; init; }
    public long GcPauseNs { get; init; }
    public required Dictionary<string, long> RegionNs { get; init; }
}

public sealed class GoroutineGroupResult
{
    public required string Name { get; init; }
    public int Count { get; init; }
    public long ExecNs { get; init; }
    public required string ExecTimePercent { get; init; }
    public required string[] Columns { get; init; }
    public required string[] RangeColumns { get; init; }
    public required GoroutineRowDto[] Goroutines { get; init; }
}

public sealed class MmuParams
{
    public required string TraceId { get; init; }
    /// <summary>go tool trace's flags: names separated by '|' (perProc, stw, background, assist, sweep).</summary>
    public string? Flags { get; init; }
    /// <summary>Window sizes, ns; default 100 log-spaced sizes from 1 µs to the trace duration.</summary>
    public long[]? WindowsNs { get; init; }
    /// <summary>Percentiles of the windowed utilization per window (e.g. 0.001, 0.01), optional.</summary>
    public double[]? Quantiles { get; init; }
    /// <summary>Worst windows per window size (default 0).</summary>
    public int? Worst { get; init; }
    /// <summary>Reproduce go tool trace's quirks (Mmu/README.md) instead of the correct values.</summary>
    public bool? GoCompatible { get; init; }
}

public sealed class MmuWindowDto
{
    public long TimeNs { get; init; }
    public double Utilization { get; init; }
}

public sealed class MmuPointDto
{
    public long WindowNs { get; init; }
    public double Mmu { get; init; }
    public double[]? Percentiles { get; init; }
    public MmuWindowDto[]? Worst { get; init; }
}

public sealed class MmuResult
{
    public required string Flags { get; init; }
    public required MmuPointDto[] Points { get; init; }
}

public sealed class TrackRefDto
{
    /// <summary>goroutine, proc, thread, gc, stw, procRanges, goroutineRanges, regions, tasks, counter, cpuSamples, logs.</summary>
    public required string Kind { get; init; }
    public long Id { get; init; }
    public int Lane { get; init; }
}

public sealed class TimelineParams
{
    public required string TraceId { get; init; }
    /// <summary>Window, ns since the trace start.</summary>
    public long StartNs { get; init; }
    public long EndNs { get; init; }
    public long NsPerPixel { get; init; }
    public TrackRefDto[]? Tracks { get; init; }
    /// <summary>Whole kinds of tracks (every goroutine, every proc, ...).</summary>
    public string[]? Kinds { get; init; }
    /// <summary>"json" (the default): spans, instants and points as objects; "packed": each track's as <see cref="TrackDto.Packed"/>.</summary>
    public string? Encoding { get; init; }
}

/// <summary>
/// A span of gotrace/timeline. To keep big answers small, members at their usual value are left out: count 1;
/// goroutine, proc, thread, ref -1; stack 0 (none); endNs when it is the next span's startNs; index when it is the
/// previous span's index + count. extension/src/protocol.ts normalizeTimeline fills them back.
/// </summary>
public sealed class SpanDto
{
    public long StartNs { get; init; }
    public long? EndNs { get; set; }
    public byte State { get; init; }
    public int? Count { get; init; }
    public long? Index { get; set; }
    public string? Reason { get; init; }
    public int? Stack { get; init; }
    public long? Goroutine { get; init; }
    public long? Proc { get; init; }
    public long? Thread { get; init; }
    public long? Ref { get; init; }
    /// <summary>Merged spans: time per state (index = state).</summary>
    public long[]? StateNs { get; init; }
}

/// <summary>An instant of gotrace/timeline; left out when usual: count 1; goroutine, proc, thread -1; stack 0.</summary>
public sealed class InstantDto
{
    public long TimeNs { get; init; }
    public long EndNs { get; init; }
    public int? Count { get; init; }
    public long Index { get; init; }
    public long? Goroutine { get; init; }
    public long? Proc { get; init; }
    public long? Thread { get; init; }
    public int? Stack { get; init; }
    public string? Text { get; init; }
}

/// <summary>A counter bucket of gotrace/timeline; left out when usual: series 0; min and max when equal to last.</summary>
public sealed class CounterPointDto
{
    public long TimeNs { get; init; }
    public long EndNs { get; init; }
    public int? Series { get; init; }
    public long? Min { get; init; }
    public long? Max { get; init; }
    public long Last { get; init; }
}

public sealed class TrackDto
{
    public required TrackRefDto Track { get; init; }
    public required string Name { get; init; }
    /// <summary>Left out (with <see cref="Instants"/> and <see cref="Points"/>) when the answer is packed.</summary>
    public SpanDto[]? Spans { get; init; }
    public InstantDto[]? Instants { get; init; }
    public required string[] Series { get; init; }
    public CounterPointDto[]? Points { get; init; }
    /// <summary>Encoding "packed": the spans, instants and points in <see cref="TimelinePacking"/>'s layout (base64 in the JSON).</summary>
    public byte[]? Packed { get; init; }
    /// <summary>Encoding "packed": the strings <see cref="Packed"/> refers to by index (span reasons, log texts); left out when none.</summary>
    public string[]? Strings { get; init; }
}

public sealed class TimelineResult
{
    public long StartNs { get; init; }
    public long EndNs { get; init; }
    public long NsPerPixel { get; init; }
    public required TrackDto[] Tracks { get; init; }
}

public sealed class GoroutineStackParams
{
    public required string TraceId { get; init; }
    public long Goroutine { get; init; }
    /// <summary>A time (ns since the trace start): the span of the goroutine at that time.</summary>
    public long TimeNs { get; init; }
}

public sealed class UnblockDto
{
    public long By { get; init; }
    public long TimeNs { get; init; }
    public required FrameDto[] Stack { get; init; }
    public string? Reason { get; init; }
}

public sealed class GoroutineStackResult
{
    public long Goroutine { get; init; }
    public required string Name { get; init; }
    public long SpanStartNs { get; init; }
    public long SpanEndNs { get; init; }
    public required string State { get; init; }
    public string? Reason { get; init; }
    /// <summary>Stack of the event that began the span.</summary>
    public required FrameDto[] EventStack { get; init; }
    /// <summary>The goroutine's own stack during the span.</summary>
    public required FrameDto[] Stack { get; init; }
    public required FrameDto[] CreationStack { get; init; }
    public long Creator { get; init; }
    public UnblockDto? UnblockedBy { get; init; }
}

public sealed class GoroutinesParams
{
    public required string TraceId { get; init; }
    /// <summary>id, group, execTime, blockTime, schedWaitTime, syscallTime (times: descending).</summary>
    public string? OrderBy { get; init; }
    public string? Group { get; init; }
    /// <summary>Substring of the goroutine's name (root function).</summary>
    public string? NameContains { get; init; }
    public int? Offset { get; init; }
    public int? Limit { get; init; }
}

public sealed class GoroutineDto
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public string? Label { get; init; }
    public long CreationNs { get; init; }
    public long Creator { get; init; }
    public long EndNs { get; init; }
    public long ExecNs { get; init; }
    public long SchedWaitNs { get; init; }
    public long BlockNs { get; init; }
    public long SyscallNs { get; init; }
    /// <summary>Region lanes under its row (nesting depth of its regions), and lanes of goroutine-scoped ranges (mark assists, STW it began).</summary>
    public int RegionLanes { get; init; }
    public int RangeLanes { get; init; }
}

public sealed class GoroutinesResult
{
    public int Total { get; init; }
    public required GoroutineDto[] Goroutines { get; init; }
}

public sealed class SearchParams
{
    public required string TraceId { get; init; }
    /// <summary>goCreate, goStart, goBlock, goUnblock, goStop, goSyscall, goEnd, range, region, task, log, cpuSample.</summary>
    public required string Kind { get; init; }
    public long? StartNs { get; init; }
    public long? EndNs { get; init; }
    /// <summary>Substring (case-insensitive) of the reason, name or message.</summary>
    public string? Text { get; init; }
    public int? Limit { get; init; }
}

public sealed class SearchHitDto
{
    public long TimeNs { get; init; }
    public required TrackRefDto Track { get; init; }
    public long Index { get; init; }
    public long Goroutine { get; init; }
    public required string Text { get; init; }
}

public sealed class SearchResult
{
    public required SearchHitDto[] Hits { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenParams))]
[JsonSerializable(typeof(OpenResult))]
[JsonSerializable(typeof(TraceIdParams))]
[JsonSerializable(typeof(ProgressParams))]
[JsonSerializable(typeof(BlockingSitesParams))]
[JsonSerializable(typeof(BlockingSitesResult))]
[JsonSerializable(typeof(SourceLinesParams))]
[JsonSerializable(typeof(SourceLinesResult))]
[JsonSerializable(typeof(ExportPprofParams))]
[JsonSerializable(typeof(ExportPprofResult))]
[JsonSerializable(typeof(GoroutineGroupsResult))]
[JsonSerializable(typeof(GoroutineGroupParams))]
[JsonSerializable(typeof(GoroutineGroupResult))]
[JsonSerializable(typeof(MmuParams))]
[JsonSerializable(typeof(MmuResult))]
[JsonSerializable(typeof(TimelineParams))]
[JsonSerializable(typeof(TimelineResult))]
[JsonSerializable(typeof(GoroutineStackParams))]
[JsonSerializable(typeof(GoroutineStackResult))]
[JsonSerializable(typeof(GoroutinesParams))]
[JsonSerializable(typeof(GoroutinesResult))]
[JsonSerializable(typeof(SearchParams))]
[JsonSerializable(typeof(SearchResult))]
[JsonSerializable(typeof(TaskTypesResult))]
[JsonSerializable(typeof(TasksParams))]
[JsonSerializable(typeof(TasksResult))]
[JsonSerializable(typeof(RegionTypesResult))]
[JsonSerializable(typeof(RegionsParams))]
[JsonSerializable(typeof(RegionsResult))]
[JsonSerializable(typeof(LineEventsParams))]
[JsonSerializable(typeof(LineEventsResult))]
[JsonSerializable(typeof(OverviewResult))]
[JsonSerializable(typeof(StackParams))]
[JsonSerializable(typeof(StackResult))]
[JsonSerializable(typeof(SiteEventsParams))]
[JsonSerializable(typeof(SiteEventsResult))]
internal sealed partial class TraceJsonContext : JsonSerializerContext;
