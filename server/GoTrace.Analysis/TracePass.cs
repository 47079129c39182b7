using System.Runtime.CompilerServices;
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
    /// <param name="stream">The trace.</param>
    /// <param name="consumers">What sees the events.</param>
    /// <param name="cancel">Stops the pass (checked at least every 2^20 events).</param>
    /// <param name="progress">Called with (bytes read, events) at each Sync.</param>
    /// <param name="readAhead">
    /// Read each generation while the previous one is ordered (<see cref="TraceReader.ReadAhead"/>): faster, and up to
    /// one more generation's bytes in memory. For one-shot command-line runs.
    /// </param>
    public static PassEnd Run(Stream stream, IReadOnlyList<IEventConsumer> consumers, CancellationToken cancel = default,
        Action<long, long>? progress = null, bool readAhead = false) =>
        RunChoosing(stream, consumers, cancel, progress, pipelined: consumers.Count > 0 && Environment.ProcessorCount > 1, readAhead);

    /// <summary>
    /// <see cref="Run(Stream, IReadOnlyList{IEventConsumer}, CancellationToken, Action{long, long}, bool)"/>, choosing whether
    /// the reading and ordering run on a thread of their own while this thread feeds the consumers (in batches of
    /// events, in stream order: the consumers see exactly the calls of the sequential pass, on one thread). A name
    /// of its own: as an overload of Run, a call with five arguments would bind its last bool to readAhead.
    /// </summary>
    public static PassEnd RunChoosing(Stream stream, IReadOnlyList<IEventConsumer> consumers, CancellationToken cancel,
        Action<long, long>? progress, bool pipelined, bool readAhead)
    {
        var prefix = consumers.OfType<IPrefixConsumer>().ToArray();
        var all = consumers.ToArray();
        var read = pipelined ? ReadPipelined(stream, all, prefix, cancel, progress, readAhead) : ReadSequential(stream, all, prefix, cancel, progress, readAhead);
        var (start, last, lastSync, n, retained, error, bytesRead, version) = read;
        if (error is not null)
        {
            if (retained == 0) throw error;
            foreach (var c in prefix) c.Rollback();
        }
        long end = error is null ? last : lastSync;
        var result = new PassEnd(start, end, last, n, retained, error, bytesRead, version);
        foreach (var c in all) c.Complete(in result);
        return result;
    }

    private readonly record struct ReadOutcome(long Start, long Last, long LastSync, long Events, long Retained,
        TraceFormatException? Error, long BytesRead, int Version);

    private static ReadOutcome ReadSequential(Stream stream, IEventConsumer[] all, IPrefixConsumer[] prefix,
        CancellationToken cancel, Action<long, long>? progress, bool readAhead)
    {
        long start = 0, last = 0, lastSync = 0, n = 0, retained = 0;
        TraceReader? reader = null;
        try
        {
            reader = TraceReader.Open(stream);
            reader.ReadAhead = readAhead;
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
            return new(start, last, lastSync, n, retained, null, reader.BytesRead, reader.Version);
        }
        catch (TraceFormatException e)
        {
            return new(start, last, lastSync, n, retained, e, reader?.BytesRead ?? 0, reader?.Version ?? 0);
        }
    }

    private const int BatchSize = 8192, BatchesInFlight = 4;

    private sealed class Batch
    {
        public readonly Event[] Events = new Event[BatchSize];
        public int Count;
        // Progress to report once the consumers have seen this batch: bytes read, events (at its last Sync).
        public long ProgressBytes = -1, ProgressEvents;
    }

    /// <summary>
    /// The reader thread orders events into batches; this thread hands them to the consumers. A bounded set of batches
    /// circulates between the two (full ones to the consumers, empty ones back), so memory stays a few MiB.
    /// </summary>
    private static ReadOutcome ReadPipelined(Stream stream, IEventConsumer[] all, IPrefixConsumer[] prefix,
        CancellationToken cancel, Action<long, long>? progress, bool readAhead)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var full = new System.Collections.Concurrent.BlockingCollection<Batch>(BatchesInFlight);
        using var empty = new System.Collections.Concurrent.BlockingCollection<Batch>(BatchesInFlight);
        for (int i = 0; i < BatchesInFlight; i++) empty.Add(new Batch());
        ReadOutcome outcome = default;
        Exception? readerFailure = null;
        var reader = new Thread(() =>
        {
            long start = 0, last = 0, lastSync = 0, n = 0, retained = 0;
            TraceReader? r = null;
            Batch? b = null;
            try
            {
                r = TraceReader.Open(stream);
                r.ReadAhead = readAhead;
                while (true)
                {
                    b ??= empty.Take(stop.Token);
                    if (!r.TryRead(out b.Events[b.Count])) break;
                    ref var ev = ref b.Events[b.Count++];
                    if (n == 0) start = ev.Time;
                    n++;
                    last = ev.Time;
                    bool sync = ev.Kind == EventKind.Sync;
                    if (sync)
                    {
                        lastSync = ev.Time;
                        retained = n;
                        b.ProgressBytes = r.BytesRead;
                        b.ProgressEvents = n;
                    }
                    // A batch ends at its size or at a Sync, so that progress and checkpoints are not held back.
                    if (b.Count == BatchSize || sync)
                    {
                        full.Add(b, stop.Token);
                        b = null;
                    }
                }
                retained = n;
                outcome = new(start, last, lastSync, n, retained, null, r.BytesRead, r.Version);
            }
            catch (TraceFormatException e)
            {
                outcome = new(start, last, lastSync, n, retained, e, r?.BytesRead ?? 0, r?.Version ?? 0);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumers stopped (cancel, or one of them failed): they say why.
            }
            catch (Exception e)
            {
                readerFailure = e;
            }
            finally
            {
                try
                {
                    if (b is { Count: > 0 } && !stop.IsCancellationRequested) full.Add(b, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
                full.CompleteAdding();
            }
        })
        {
            Name = "gotrace reader", IsBackground = true,
        };
        reader.Start();
        try
        {
            foreach (var b in full.GetConsumingEnumerable(cancel))
            {
                var events = b.Events;
                Deliver(events, b.Count, all, prefix);
                if (b.ProgressBytes >= 0)
                {
                    progress?.Invoke(b.ProgressBytes, b.ProgressEvents);
                    b.ProgressBytes = -1;
                }
                // Not cleared (that wrote as many bytes as the events, about 1 GB for a 64 MB trace): the batch is
                // overwritten next, so stale events keep at most the last few generations' tables alive, for the
                // length of the pass.
                b.Count = 0;
                empty.Add(b);
                cancel.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            stop.Cancel();
            reader.Join();
            throw;
        }
        reader.Join();
        if (readerFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(readerFailure).Throw();
        cancel.ThrowIfCancellationRequested();
        return outcome;
    }

    /// <summary>Hands <paramref name="count"/> events to every consumer, checkpointing the prefix consumers at each Sync.</summary>
    private static void Deliver(Event[] events, int count, IEventConsumer[] all, IPrefixConsumer[] prefix)
    {
        for (int i = 0; i < count; i++)
        {
            ref readonly var ev = ref events[i];
            foreach (var c in all) c.OnEvent(in ev);
            if (ev.Kind == EventKind.Sync)
            {
                foreach (var c in prefix) c.Checkpoint();
            }
        }
    }

    /// <summary>Opens <paramref name="path"/> and runs <see cref="Run(Stream, IReadOnlyList{IEventConsumer}, CancellationToken, Action{long, long}, bool)"/>.</summary>
    public static PassEnd Run(string path, params IEventConsumer[] consumers)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Run(f, consumers);
    }
}
