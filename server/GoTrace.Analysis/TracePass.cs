using GoTrace.Format;

namespace GoTrace.Analysis;

/// <summary>
/// Something that looks at every event of one pass over a trace, in stream order.
/// <para>
/// Go's <c>cmd/trace</c> feeds its summarizer every event it parses, but keeps for every other analysis only the
/// events up to and including the last <c>Sync</c> before a parse error (the "valid prefix"). Consumers that
/// follow the second rule implement <see cref="IPrefixConsumer"/>.
/// </para>
/// </summary>
public interface IEventConsumer
{
    /// <summary>Called once per event, in order.</summary>
    void OnEvent(in Event ev);

    /// <summary>Called once after the last event (also after an error), with the bounds of the pass.</summary>
    void Complete(in PassEnd end);
}

/// <summary>A consumer that must see only the valid prefix: it can forget everything after a checkpoint.</summary>
public interface IPrefixConsumer : IEventConsumer
{
    /// <summary>Called right after each Sync event: everything seen so far is kept.</summary>
    void Checkpoint();

    /// <summary>Called on a parse error, before <see cref="IEventConsumer.Complete"/>: forget what came after the last checkpoint.</summary>
    void Rollback();
}

/// <summary>Bounds and outcome of a pass.</summary>
/// <param name="StartTime">Time of the first event (0 if none).</param>
/// <param name="EndTime">Time of the last retained event: the last event, or after an error the last Sync (Go's trace end).</param>
/// <param name="LastTime">Time of the last event seen at all (what the summarizer finalizes at).</param>
/// <param name="Events">Events seen.</param>
/// <param name="RetainedEvents">Events in the valid prefix.</param>
/// <param name="Error">The format error that ended the pass early, if any.</param>
/// <param name="BytesRead">Bytes of the file consumed.</param>
/// <param name="Version">Header version: the NN of "go 1.NN trace".</param>
public readonly record struct PassEnd(long StartTime, long EndTime, long LastTime, long Events, long RetainedEvents,
    TraceFormatException? Error, long BytesRead, int Version = 0)
{
    /// <summary>Go's trace duration: trace end minus trace start.</summary>
    public long Duration => EndTime - StartTime;
}

/// <summary>Reads a trace once and feeds every consumer.</summary>
public static class TracePass
{
    /// <summary>
    /// Reads <paramref name="stream"/> to the end or to the first format error and feeds <paramref name="consumers"/>.
    /// A format error does not throw: it is reported in the result, after the consumers were rolled back to the last
    /// Sync (as Go does). Throws <see cref="TraceFormatException"/> only when no event at all could be read
    /// ("failed to parse any useful part of the trace" in Go), and <see cref="OperationCanceledException"/> on cancel.
    /// </summary>
    public static PassEnd Run(Stream stream, IReadOnlyList<IEventConsumer> consumers, CancellationToken cancel = default,
        Action<long, long>? progress = null)
    {
        var prefix = consumers.OfType<IPrefixConsumer>().ToArray();
        var all = consumers.ToArray();
        long start = 0, last = 0, lastSync = 0, n = 0, retained = 0;
        TraceFormatException? error = null;
        TraceReader? reader = null;
        try
        {
            reader = TraceReader.Open(stream);
            while (reader.TryRead(out var ev))
            {
                if (n == 0) start = ev.Time;
                n++;
                last = ev.Time;
                foreach (var c in all) c.OnEvent(in ev);
                if (ev.Kind == EventKind.Sync)
                {
                    lastSync = ev.Time;
                    retained = n;
                    foreach (var c in prefix) c.Checkpoint();
                    if (progress is not null) progress(reader.BytesRead, n);
                    cancel.ThrowIfCancellationRequested();
                }
                else if ((n & 0xFFFFF) == 0)
                {
                    cancel.ThrowIfCancellationRequested();
                }
            }
            retained = n;
        }
        catch (TraceFormatException e)
        {
            if (retained == 0) throw;
            error = e;
            foreach (var c in prefix) c.Rollback();
        }
        long end = error is null ? last : lastSync;
        var result = new PassEnd(start, end, last, n, retained, error, reader?.BytesRead ?? 0, reader?.Version ?? 0);
        foreach (var c in all) c.Complete(in result);
        return result;
    }

    /// <summary>Opens <paramref name="path"/> and runs <see cref="Run(Stream, IReadOnlyList{IEventConsumer}, CancellationToken, Action{long, long})"/>.</summary>
    public static PassEnd Run(string path, params IEventConsumer[] consumers)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Run(f, consumers);
    }
}
