using GoTrace.Format;

namespace GoTrace.Analysis.Summary;

/// <summary>One row of <c>/usertasks</c>.</summary>
/// <param name="Type">Task type ("" groups the background task, tasks begun before the trace and bare parents).</param>
/// <param name="Count">Tasks of that type, complete or not.</param>
/// <param name="Histogram">Durations (End − Start) of the complete ones.</param>
public sealed record TaskTypeRow(string Type, int Count, TimeHistogram Histogram)
{
    /// <summary>The row's link, as Go writes it.</summary>
    public string Url => "/usertask?type=" + GoQuery.TemplateEscape(Type);

    /// <summary>The link of a histogram bucket, as Go writes it (<c>complete=true</c> included, which Go ignores).</summary>
    public string BucketUrl(HistogramRow row) =>
        "/usertask?type=" + GoQuery.Escape(Type) + "&complete=true&latmin=" + GoQuery.Escape(GoFormat.Duration(row.Min)) +
        "&latmax=" + GoQuery.Escape(GoFormat.Duration(row.Max));
}

/// <summary>
/// The filter of <c>/usertask</c> (Go's <c>newTaskFilter</c>, <c>src/cmd/trace/tasks.go</c>): every given condition
/// must hold; a parameter that is absent or does not parse adds none.
/// </summary>
public sealed class TaskFilter
{
    /// <summary>Exact task type, when given (an empty value filters the empty type).</summary>
    public string? Type { get; init; }

    /// <summary>true: complete tasks only; false: incomplete only.</summary>
    public bool? Complete { get; init; }

    /// <summary>Complete, with duration ≥ this (ns).</summary>
    public long? LatMin { get; init; }

    /// <summary>Complete, with duration ≤ this (ns).</summary>
    public long? LatMax { get; init; }

    /// <summary>Substring of the task type, a region name, or a log's category or message.</summary>
    public string? LogText { get; init; }

    /// <summary>The page title after "User Task: ", as Go builds it.</summary>
    public string Title
    {
        get
        {
            var parts = new List<string>();
            if (Type is not null) parts.Add(GoFormat.Quote(Type));
            if (Complete == true) parts.Add("complete");
            else if (Complete == false) parts.Add("incomplete");
            if (LatMin is long min) parts.Add("latency >= " + GoFormat.Duration(min));
            if (LatMax is long max) parts.Add("latency <= " + GoFormat.Duration(max));
            if (!string.IsNullOrEmpty(LogText)) parts.Add("log contains " + GoFormat.Quote(LogText));
            return string.Join(",", parts);
        }
    }

    /// <summary>Reads the filter from a Go page query string ("type=batch&amp;complete=1&amp;latmin=1ms").</summary>
    public static TaskFilter FromQuery(string? query)
    {
        var q = GoQuery.Parse(query);
        string complete = GoQuery.Value(q, "complete");
        string text = GoQuery.Value(q, "logtext");
        return new TaskFilter
        {
            Type = q.TryGetValue("type", out var t) && t.Count > 0 ? t[0] : null,
            Complete = complete == "1" ? true : complete == "0" ? false : null,
            LatMin = GoFormat.TryParseDuration(GoQuery.Value(q, "latmin"), out long min) ? min : null,
            LatMax = GoFormat.TryParseDuration(GoQuery.Value(q, "latmax"), out long max) ? max : null,
            LogText = text.Length > 0 ? text : null,
        };
    }

    /// <summary>Whether <paramref name="task"/> passes.</summary>
    public bool Matches(TraceSummary summary, TaskSummary task)
    {
        if (Type is not null && task.Name != Type) return false;
        if (Complete is bool c && task.Complete != c) return false;
        if (LatMin is long min && !(task.Complete && task.Duration(summary) >= min)) return false;
        if (LatMax is long max && !(task.Complete && task.Duration(summary) <= max)) return false;
        if (!string.IsNullOrEmpty(LogText) && !TaskAnalysis.MentionsText(task, LogText)) return false;
        return true;
    }
}

/// <summary>One event row of a task on <c>/usertask</c>.</summary>
/// <param name="Time">Absolute time, ns.</param>
/// <param name="When">Seconds since trace start, "%2.9f".</param>
/// <param name="Elapsed">ns since the previous listed event of the task (the first: since trace start).</param>
/// <param name="ElapsedText">Go's <c>elapsed()</c> rendering of <paramref name="Elapsed"/> (" .  1397056").</param>
/// <param name="Goroutine">Transitioning goroutine of a state transition, else the event's goroutine (-1 = none).</param>
/// <param name="What">Description ("region \"x\" begin", "Running -> NotExist", …).</param>
/// <param name="Event">The event.</param>
public sealed record TaskEventRow(long Time, string When, long Elapsed, string ElapsedText, long Goroutine, string What, Event Event);

/// <summary>One task on <c>/usertask</c>.</summary>
/// <param name="Task">The task.</param>
/// <param name="Start">Interval start − trace start, ns.</param>
/// <param name="End">Start + duration, ns since trace start.</param>
/// <param name="Duration">Interval duration, ns.</param>
/// <param name="When">Start in seconds, "%2.9f" + "s".</param>
/// <param name="StartMs">Start in ms as Go's <c>%v</c> (the viewer link fragment).</param>
/// <param name="EndMs">End in ms as Go's <c>%v</c>.</param>
/// <param name="Events">Its events in time order.</param>
public sealed record TaskDetail(TaskSummary Task, long Start, long End, long Duration, string When, string StartMs, string EndMs,
    IReadOnlyList<TaskEventRow> Events)
{
    /// <summary>Task ID.</summary>
    public ulong Id => Task.Id;

    /// <summary>Whether the task has both its begin and its end.</summary>
    public bool Complete => Task.Complete;
}

/// <summary>The data of <c>/usertask?…</c>.</summary>
/// <param name="Title">Text after "User Task: ".</param>
/// <param name="Tasks">Matching tasks by duration ascending.</param>
public sealed record TaskList(string Title, IReadOnlyList<TaskDetail> Tasks);

/// <summary>The user-task pages of <c>go tool trace</c> as data (<c>src/cmd/trace/tasks.go</c>, spec §5.1–5.4).</summary>
public static class TaskAnalysis
{
    /// <summary><c>/usertasks</c>: tasks grouped by type, sorted by type (ordinal).</summary>
    public static IReadOnlyList<TaskTypeRow> Types(TraceSummary summary)
    {
        var rows = new Dictionary<string, TaskTypeRow>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var task in summary.Tasks.Values)
        {
            if (!rows.TryGetValue(task.Name, out var row)) rows[task.Name] = row = new TaskTypeRow(task.Name, 0, new TimeHistogram());
            counts[task.Name] = counts.GetValueOrDefault(task.Name) + 1;
            if (task.Complete) row.Histogram.Add(task.End!.Value.Time - task.Start!.Value.Time);
        }
        return rows.Values.Select(r => r with { Count = counts[r.Type] }).OrderBy(r => r.Type, StringComparer.Ordinal).ToList();
    }

    /// <summary><c>/usertask</c> with <paramref name="filter"/>: matching tasks by duration (Go's sort is unstable; ties by ID).</summary>
    public static TaskList Tasks(TraceSummary summary, TaskFilter filter)
    {
        var list = new List<TaskDetail>();
        foreach (var task in summary.Tasks.Values)
        {
            if (filter.Matches(summary, task)) list.Add(Detail(summary, task));
        }
        list.Sort((a, b) => a.Duration != b.Duration ? a.Duration.CompareTo(b.Duration) : a.Id.CompareTo(b.Id));
        return new TaskList(filter.Title, list);
    }

    /// <summary>The header row and event rows of one task.</summary>
    public static TaskDetail Detail(TraceSummary summary, TaskSummary task)
    {
        var raw = new List<Event>();
        if (task.Start is { } s) raw.Add(s);
        if (task.End is { } e) raw.Add(e);
        raw.AddRange(task.LogList);
        foreach (var r in task.RegionList)
        {
            if (r.Start is { } rs) raw.Add(rs);
            if (r.End is { } re) raw.Add(re);
        }
        var sorted = raw.Select((ev, i) => (ev, i)).OrderBy(x => x.ev.Time).ThenBy(x => x.i).Select(x => x.ev);
        var events = new List<TaskEventRow>();
        long start = summary.StartTime, last = start;
        foreach (var ev in sorted)
        {
            string what = Describe(ev);
            if (what.Length == 0) continue;
            long elapsed = ev.Time - last;
            events.Add(new TaskEventRow(ev.Time, GoFormat.Fixed(GoFormat.Seconds(ev.Time - start), 9), elapsed, Elapsed(elapsed),
                PrimaryGoroutine(ev), what, ev));
            last = ev.Time;
        }
        var (from, to) = task.Interval(summary);
        long rel = from - start, dur = to - from;
        return new TaskDetail(task, rel, rel + dur, dur, GoFormat.Fixed(GoFormat.Seconds(rel), 9) + "s",
            GoFormat.FloatV(rel / 1e6), GoFormat.FloatV((rel + dur) / 1e6), events);
    }

    /// <summary>Go's <c>describeEvent</c>; "" for events the page skips.</summary>
    public static string Describe(in Event ev)
    {
        switch (ev.Kind)
        {
            case EventKind.StateTransition:
                return ev.TransitionResource == ResourceKind.Goroutine ? ev.GoFrom + " -> " + ev.GoTo : "";
            case EventKind.RegionBegin:
                return "region " + GoFormat.Quote(ev.RegionType) + " begin";
            case EventKind.RegionEnd:
                return "region " + GoFormat.Quote(ev.RegionType) + " end";
            case EventKind.TaskBegin:
                return "task " + GoFormat.Quote(ev.TaskType) + " (ID " + ev.TaskId + ", parent " + ev.TaskParent + ") begin";
            case EventKind.TaskEnd:
                return "task end";
            case EventKind.Log:
                return ev.LogCategory.Length == 0
                    ? "log " + GoFormat.Quote(ev.LogMessage)
                    : "log (category: " + ev.LogCategory + "): " + GoFormat.Quote(ev.LogMessage);
            default:
                return "";
        }
    }

    /// <summary>Go's <c>primaryGoroutine</c>.</summary>
    public static long PrimaryGoroutine(in Event ev)
    {
        if (ev.Kind != EventKind.StateTransition) return ev.Goroutine;
        return ev.TransitionResource == ResourceKind.Goroutine ? ev.TransitionId : Event.NoGoroutine;
    }

    /// <summary>
    /// Go's <c>elapsed()</c>: seconds "%.9f"; below 1 s, the digits before the point and the zeros right after it
    /// are blanked (1397056 ns → " .  1397056").
    /// </summary>
    public static string Elapsed(long ns)
    {
        var b = GoFormat.Fixed(GoFormat.Seconds(ns), 9).ToCharArray();
        if (ns < 1_000_000_000)
        {
            int dot = Array.IndexOf(b, '.');
            for (int i = 0; i < dot; i++) b[i] = ' ';
            for (int i = dot + 1; i < b.Length && b[i] == '0'; i++) b[i] = ' ';
        }
        return new string(b);
    }

    /// <summary>Go's <c>taskMatches</c>: the text in the task type, a region name, a log category or message.</summary>
    public static bool MentionsText(TaskSummary task, string text)
    {
        if (task.Name.Contains(text, StringComparison.Ordinal)) return true;
        foreach (var r in task.RegionList)
        {
            if (r.Name.Contains(text, StringComparison.Ordinal)) return true;
        }
        foreach (var ev in task.LogList)
        {
            if (ev.LogCategory.Contains(text, StringComparison.Ordinal) || ev.LogMessage.Contains(text, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
