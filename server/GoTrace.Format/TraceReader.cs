using System.Runtime.CompilerServices;
using System.Text;

namespace GoTrace.Format;

/// <summary>
/// Reads a Go execution trace (formats of Go 1.22–1.27) from a stream and yields the one totally ordered
/// stream of events that Go's <c>internal/trace.Reader</c> yields, one generation in memory at a time.
/// </summary>
/// <remarks>
/// The algorithm (<c>src/internal/trace/reader.go</c>): read a generation; merge the per-thread batch
/// cursors through a min-heap on the next event's time; emit the heap root if the ordering state machine
/// accepts it, otherwise sort the frontier and take the first thread that can advance; inject CPU samples
/// by time; open every generation with a Sync event and end the trace with one. Every returned event's table
/// IDs are validated and its time forced strictly increasing. Errors surface as
/// <see cref="TraceFormatException"/> after every event that could be ordered before them.
/// </remarks>
public sealed class TraceReader
{
    private readonly ByteSource _src;
    private readonly GenerationReader _gens;
    private readonly Ordering _order = new();
    private readonly Frontier _frontier = new();
    // Heap position of the cursor whose event is being advanced, or -1 (an index: storing the cursor would cost a
    // write barrier per event).
    private int _advancing = -1;
    private RawGeneration? _gen;
    private CpuSample[] _cpu = [];
    private int _cpuNext;
    private long _lastTs;
    private int _syncs;
    private bool _done;
    private TraceFormatException? _failed;
    // Go 1.22–1.25 ("spill") bookkeeping and Go 1.26's deferred read error.
    private TraceFormatException? _spillErr;
    private bool _spillErrSync;
    private TraceFormatException? _pendingErr;

    /// <summary>Header version: 11, 19, 21 (legacy formats), 22, 23, 25 or 26 (the "go 1.NN trace" header).</summary>
    public int Version { get; }

    /// <summary>
    /// Number of bytes of the file read so far (for progress reporting): up to the end of the generation being
    /// returned (for Go 1.22–1.25, with the next generation's first batch), the same with or without
    /// <see cref="ReadAhead"/> (a generation being read ahead is not counted until it is returned).
    /// </summary>
    public long BytesRead => _nextGen is null ? _src.Offset : _aheadFrom;

    /// <summary>Number of the generation whose events are being returned, or 0.</summary>
    public ulong CurrentGeneration => _gen?.Data.Number ?? 0;

    private TraceReader(ByteSource src, int version)
    {
        _src = src;
        Version = version;
        _gens = new GenerationReader(src, version);
    }

    /// <summary>Reads the header; throws <see cref="TraceFormatException"/> if this is not a supported trace.</summary>
    public static TraceReader Open(Stream stream)
    {
        // PERF: the tables of the hot paths are initialized before them, so that code compiled when they are first
        // called (tier 1, or full optimization without tiering) reads them without a class-initialization check.
        RuntimeHelpers.RunClassConstructor(typeof(Specs).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Ordering).TypeHandle);
        long start = StartPosition(stream);
        var src = new ByteSource(stream);
        int v = TraceHeader.Read(src);
        var reader = new TraceReader(src, v);
        if (TraceHeader.IsLegacy(v))
        {
            // The legacy format has no generations: the whole file is parsed (and any damage reported) before the
            // first event, exactly as Go does; the converter then yields the modern model.
            reader._legacy = new Legacy.LegacyConverter(Legacy.LegacyParser.Parse(src, v, RemainingBytes(stream, start, src)));
        }
        return reader;
    }

    private Legacy.LegacyConverter? _legacy;

    // The batches of the generation being ordered, decoded ahead on another thread when the generation is large.
    private DecodeAhead? _ahead;
    private readonly BlockPool _blocks = new();

    /// <summary>Generations with at least this many bytes of event batches are decoded ahead on a second thread.</summary>
    internal long DecodeAheadMinBytes { get; set; } = 1 << 20;

    /// <summary>Test hook: decoded events allowed to wait for the ordering.</summary>
    internal int DecodeAheadLimit { get; set; } = DecodeAhead.DefaultLimit;

    /// <summary>Test hook: each generation's batches are decoded ahead on the calling thread (up to the limit) before it is ordered.</summary>
    internal bool DecodeAheadEagerly { get; set; }

    /// <summary>The stream's position before reading, if it can seek (else −1).</summary>
    private static long StartPosition(Stream stream)
    {
        try
        {
            return stream.CanSeek ? stream.Position : -1;
        }
        catch (Exception e) when (e is NotSupportedException or IOException or ObjectDisposedException)
        {
            return -1;
        }
    }

    /// <summary>Bytes left after what <paramref name="src"/> has consumed, if the stream knows its length (else −1): a size hint.</summary>
    private static long RemainingBytes(Stream stream, long start, ByteSource src)
    {
        if (start < 0) return -1;
        try
        {
            long n = stream.Length - start - src.Offset;
            return n >= 0 ? n : -1;
        }
        catch (Exception e) when (e is NotSupportedException or IOException or ObjectDisposedException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Read each generation's batches from the stream on a thread-pool thread while the previous generation is being
    /// ordered (modern formats). Faster on more than one core; holds up to two generations' bytes instead of one.
    /// Errors and events are exactly those of reading in turn. Set before the first <see cref="TryRead"/>.
    /// </summary>
    public bool ReadAhead { get; set; }

    /// <summary>Test hook: read ahead even on one core.</summary>
    internal bool ReadAheadOnOneCore { get; set; }

    /// <summary>What reading the next generation in turn returned: the generation (null at the end), the spill error
    /// of the Go 1.22–1.25 reader, whether that reader found the trace over, or the format error it threw.</summary>
    private readonly record struct NextGeneration(RawGeneration? Gen, TraceFormatException? SpillError, bool End, TraceFormatException? Thrown);

    // The next generation being read ahead, if any, and the offset it started at (what BytesRead reports meanwhile;
    // the source's own offset belongs to the reading thread until the task is taken).
    private Task<NextGeneration>? _nextGen;
    private long _aheadFrom;

    /// <summary>Starts reading the generation after the one just installed, if reading ahead.</summary>
    private void StartReadAhead()
    {
        if (!ReadAhead || (Environment.ProcessorCount < 2 && !ReadAheadOnOneCore)) return;
        // Go 1.22–1.25: after a spill error the trace ends with this generation; reading on would only read further.
        if (_spillErr is not null) return;
        var gens = _gens;
        // The generation just installed keeps its bytes while the next is read into the other set of chunks.
        gens.DoubleBuffered = true;
        bool v26 = Version >= 26;
        _aheadFrom = _src.Offset;
        _nextGen = Task.Run(() =>
        {
            try
            {
                if (v26) return new NextGeneration(gens.ReadGeneration26(), null, false, null);
                // As NextGenerationWithSpill: after a generation, the trace ends unless a spilled batch is pending.
                if (!gens.HasSpill) return new NextGeneration(null, null, true, null);
                var (g, err) = gens.ReadGenerationWithSpill();
                return new NextGeneration(g, err, false, null);
            }
            catch (TraceFormatException e)
            {
                return new NextGeneration(null, null, false, e);
            }
        });
    }

    /// <summary>The generation read ahead, or null if none is under way. Other exceptions (I/O) are rethrown.</summary>
    private NextGeneration? TakeReadAhead()
    {
        var t = _nextGen;
        if (t is null) return null;
        _nextGen = null;
        return t.GetAwaiter().GetResult();
    }

    /// <summary>Whether this is a legacy (Go 1.11–1.21) trace, converted to the modern model.</summary>
    public bool IsLegacy => _legacy is not null;

    /// <summary>Walks the event batches of one thread in file order (Go's <c>batchCursor</c>), one decoded batch at a time.</summary>
    private sealed class Cursor(long thread, BatchSlot[] batches, Ordering.MState? state)
    {
        public readonly long Thread = thread;
        public readonly Ordering.MState? State = state;
        public readonly BatchSlot[] Batches = batches;
        public int Idx = -1;
        // The current batch: Events[I] is the cursor's current event, Events[I+1..Count) follow.
        public DecodedBatch? Block;
        public DecodedEvent[] Events = [];
        public int I, Count;

        /// <summary>The current event (read straight from the decoded batch: no copy per event).</summary>
        public ref DecodedEvent Ev
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => ref Events[I];
        }

        public long EvOffset => Block!.FileBase + Ev.Pos;
    }

    /// <summary>Returns the next event; false at the end of the trace. Throws <see cref="TraceFormatException"/> on damage.</summary>
    public bool TryRead(out Event ev)
    {
        if (_failed is not null) throw _failed;
        if (_done)
        {
            ev = default;
            return false;
        }
        if (_legacy is not null) return TryReadLegacy(out ev);
        try
        {
            Next(out ev);
            if (!ev.IdsChecked && ev.Type != Ev.SyncMarker) ValidateTableIds(in ev);
        }
        catch (TraceFormatException e)
        {
            _failed = e;
            _ahead?.Stop();
            throw;
        }
        catch (OrderingException e)
        {
            _ahead?.Stop();
            var c = _advancing >= 0 && _advancing < _frontier.Count ? _frontier[_advancing] : null;
            _failed = c is null
                ? new TraceFormatException(e.Message, "ordering events", -1, CurrentGeneration)
                : new TraceFormatException(e.Message, $"ordering {Specs.Name(c.Ev.Type)} event", c.EvOffset, CurrentGeneration, c.Thread);
            throw _failed;
        }
        if (ev.Time <= _lastTs) ev.Time = _lastTs + 1;
        _lastTs = ev.Time;
        return true;
    }

    private bool TryReadLegacy(out Event ev)
    {
        try
        {
            if (_legacy!.TryRead(out ev)) return true;
            _done = true;
            return false;
        }
        catch (TraceFormatException e)
        {
            _failed = e;
            throw;
        }
    }

    private Event SyncEvent(GenerationData? d, long time)
    {
        _syncs++;
        return new Event
        {
            Kind = EventKind.Sync, Type = Ev.SyncMarker, Time = time, Thread = -1, Proc = -1, Goroutine = -1,
            Extra = (ulong)_syncs, Generation = d,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Next(out Event ev)
    {
        if (_order.Queue.TryPop(out ev)) return;

        // The common case first: the frontier's root is next (no CPU sample before it) and ready.
        if (_frontier.Count != 0 && (_cpuNext >= _cpu.Length || _cpu[_cpuNext].Time >= _frontier.TimeAt(0)) && TryAdvance(0, ref ev))
        {
            _order.TakeFirst();
            return;
        }
        NextSlow(out ev);
    }

    private void NextSlow(out Event ev)
    {
        Unsafe.SkipInit(out ev);

        if (_frontier.Count == 0 && _cpuNext >= _cpu.Length)
        {
            if (Version < 26)
            {
                ev = NextGenerationWithSpill();
                return;
            }
            if (_pendingErr is not null) throw _pendingErr;
            RawGeneration? g;
            try
            {
                if (TakeReadAhead() is { } ahead)
                {
                    if (ahead.Thrown is { } thrown) throw thrown;
                    g = ahead.Gen;
                }
                else
                {
                    g = _gens.ReadGeneration26();
                }
            }
            catch (TraceFormatException e)
            {
                _pendingErr = e;
                _gen = null;
                ev = SyncEvent(null, _lastTs);
                return;
            }
            ev = Install(g);
            return;
        }

        if (_cpuNext < _cpu.Length && (_frontier.Count == 0 || _cpu[_cpuNext].Time < _frontier.TimeAt(0)))
        {
            var s = _cpu[_cpuNext++];
            ev = new Event
            {
                Kind = EventKind.StackSample, Type = Ev.CPUSample, Time = s.Time, Thread = s.Thread, Proc = s.Proc,
                Goroutine = s.Goroutine, A0 = s.Stack, Generation = _gen!.Data,
            };
            return;
        }

        Unsafe.SkipInit(out ev);
        if (_frontier.Count == 0)
            throw new TraceFormatException("broken trace: frontier is empty", "ordering events", -1, CurrentGeneration);
        if (!TryAdvance(0, ref ev))
        {
            _frontier.SortByTime();
            bool success = false;
            for (int i = 1; i < _frontier.Count; i++)
            {
                if (TryAdvance(i, ref ev))
                {
                    success = true;
                    break;
                }
            }
            if (!success)
                throw new TraceFormatException("broken trace: failed to advance: frontier:\n" + DumpFrontier(), "ordering events", -1, CurrentGeneration);
        }
        if (!_order.TakeFirst())
            throw new InvalidOperationException("invariant violation: advance successful, but queue is empty");
    }

    private string DumpFrontier()
    {
        var sb = new StringBuilder();
        sb.Append("[gen=").Append(CurrentGeneration).Append("]\n\n");
        foreach (var c in _frontier.ToArray())
        {
            var spec = Specs.Table[c.Ev.Type];
            sb.Append("M ").Append(c.Thread).Append(" [").Append(spec?.Name ?? c.Ev.Type.ToString(System.Globalization.CultureInfo.InvariantCulture))
              .Append(" time=").Append(c.Ev.Time);
            if (spec is not null)
                for (int i = 0; i < spec.Args.Length; i++) sb.Append(' ').Append(spec.Args[i]).Append('=').Append(c.Ev.Arg(i));
            sb.Append("]\n");
        }
        return sb.ToString();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryAdvance(int i, ref Event output)
    {
        var c = _frontier[i];
        _advancing = i; // for the error message, should the ordering reject the event (see TryRead)
        if (!_order.Advance(ref c.Ev, ref output, _gen!.Data, c.Thread, c.State, _gen.Data.Number)) return false;
        if (ReadNext(c)) _frontier.Update(i, c.Ev.Time);
        else _frontier.Remove(i);
        return true;
    }

    private Event NextGenerationWithSpill()
    {
        if (_spillErr is not null)
        {
            if (_spillErrSync) throw _spillErr;
            _spillErrSync = true;
            return SyncEvent(null, _lastTs);
        }
        var ahead = _gen is not null ? TakeReadAhead() : null;
        if (_gen is not null && (ahead is { End: true } || (ahead is null && !_gens.HasSpill)))
        {
            _done = true;
            return SyncEvent(null, _lastTs);
        }
        RawGeneration? g;
        try
        {
            if (ahead is { Thrown: { } thrown }) throw thrown;
            (g, _spillErr) = ahead is { } a ? (a.Gen, a.SpillError) : _gens.ReadGenerationWithSpill();
        }
        catch (TraceFormatException e)
        {
            g = null;
            _spillErr = e;
        }
        if (g is null)
        {
            _gen = null;
            _spillErrSync = true;
            return SyncEvent(null, _lastTs);
        }
        return Install(g);
    }

    private Event Install(RawGeneration? g)
    {
        if (g is null)
        {
            _gen = null;
            _done = true;
            return SyncEvent(null, _lastTs);
        }
        _gen = g;
        _cpu = g.CpuSamples;
        _cpuNext = 0;
        var cursors = new List<Cursor>(g.ThreadOrder.Count);
        var all = new List<BatchSlot>();
        long bytes = 0;
        foreach (var m in g.ThreadOrder)
        {
            var list = g.Batches[m];
            var slots = new List<BatchSlot>(list.Count);
            foreach (var b in list)
            {
                if (b.Length == 0) continue;
                var s = new BatchSlot(b);
                slots.Add(s);
                all.Add(s);
                bytes += b.Length;
            }
            cursors.Add(new Cursor(m, [.. slots], m == -1 ? null : _order.Thread(m)));
        }
        // Decode order: by batch start time. Only the worker's efficiency depends on it, never the result.
        var order = all.ToArray();
        var keys = new ulong[order.Length];
        for (int i = 0; i < order.Length; i++) keys[i] = order[i].Batch.Time;
        Array.Sort(keys, order);
        _ahead?.Stop();
        _ahead = new DecodeAhead(order, new TickClock(g.Data.NsPerTick), g.Data, _blocks, DecodeAheadLimit);
        if (DecodeAheadEagerly) _ahead.RunNow();
        else if (bytes >= DecodeAheadMinBytes && Environment.ProcessorCount > 1) _ahead.Kick();
        _frontier.Reset();
        foreach (var c in cursors)
        {
            if (!ReadNext(c)) continue;
            _frontier.Insert(c);
        }
        StartReadAhead();
        return SyncEvent(g.Data, g.Data.Ns(g.Data.MinTs));
    }

    /// <summary>Moves the cursor to its next timed event (Go's <c>batchCursor.nextEvent</c>); false when it has none left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReadNext(Cursor c) => ++c.I < c.Count || NextBlock(c);

    /// <summary>
    /// Done with the current block: throws its decoding error if it has one (the damaged event is the one being
    /// read), else moves to the next non-empty batch.
    /// </summary>
    private bool NextBlock(Cursor c)
    {
        var ahead = _ahead!;
        while (true)
        {
            if (c.Block is { } b)
            {
                if (b.Error is { } err) throw err;
                c.Block = null;
                c.Events = [];
                c.I = c.Count = 0;
                ahead.Release(b);
            }
            if (++c.Idx >= c.Batches.Length) return false;
            var nb = ahead.Take(c.Batches[c.Idx]);
            c.Block = nb;
            c.Events = nb.Events;
            c.I = 0;
            c.Count = nb.Count;
            if (nb.Count != 0 || nb.Error is not null) return c.Count != 0 || Throw(nb.Error!);
        }
    }

    private static bool Throw(TraceFormatException e) => throw e;

    private static void ValidateTableIds(in Event ev)
    {
        int stackMask = Specs.StackArgMask[ev.Type], stringMask = Specs.StringArgMask[ev.Type];
        if ((stackMask | stringMask) == 0) return;
        var d = ev.Generation!;
        // Stacks first, then strings, as Go's validateTableIDs reports them.
        if (stackMask != 0)
        {
            if ((stackMask & 1) != 0 && !d.HasStack(ev.A0)) throw InvalidId("stack", ev, 0);
            if ((stackMask & 2) != 0 && !d.HasStack(ev.A1)) throw InvalidId("stack", ev, 1);
            if ((stackMask & 4) != 0 && !d.HasStack(ev.A2)) throw InvalidId("stack", ev, 2);
            if ((stackMask & 8) != 0 && !d.HasStack(ev.A3)) throw InvalidId("stack", ev, 3);
        }
        if (stringMask != 0)
        {
            if ((stringMask & 1) != 0 && !d.HasString(ev.A0)) throw InvalidId("string", ev, 0);
            if ((stringMask & 2) != 0 && !d.HasString(ev.A1)) throw InvalidId("string", ev, 1);
            if ((stringMask & 4) != 0 && !d.HasString(ev.A2)) throw InvalidId("string", ev, 2);
            if ((stringMask & 8) != 0 && !d.HasString(ev.A3)) throw InvalidId("string", ev, 3);
        }
    }

    private static TraceFormatException InvalidId(string table, in Event ev, int arg) =>
        new($"found invalid {table} ID {ev.Arg(arg)} for event {Specs.Name(ev.Type)}", "event", -1, ev.Generation!.Number,
            ev.Thread == -1 ? TraceFormatException.NoThreadKnown : ev.Thread);

    /// <summary>
    /// The frontier: per-thread cursors in exactly the binary min-heap of the reference (<c>batchcursor.go</c>),
    /// keyed by the time of each cursor's next event. Ties depend on this exact shape.
    /// </summary>
    private sealed class Frontier
    {
        // PERF: the heap holds indices into _all and, side by side, the keys (each cursor's next event time): sifting
        // swaps plain integers (no write barriers) and compares without chasing pointers.
        private Cursor[] _all = new Cursor[16];
        private int _registered;
        private int[] _h = new int[16];
        private long[] _t = new long[16];

        public int Count { get; private set; }

        public Cursor this[int i]
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => _all[_h[i]];
        }

        /// <summary>Time of the next event of the cursor at heap position <paramref name="i"/>.</summary>
        public long TimeAt(int i) => _t[i];

        /// <summary>The cursors in heap order (a copy).</summary>
        public Cursor[] ToArray()
        {
            var r = new Cursor[Count];
            for (int i = 0; i < Count; i++) r[i] = this[i];
            return r;
        }

        /// <summary>Sorts the heap array by next event time with Go's (unstable) sort, as the reference does on a stall.</summary>
        public void SortByTime()
        {
            var all = _all;
            GoSort.SortFunc(_h.AsSpan(0, Count), (a, b) => all[a].Ev.Time.CompareTo(all[b].Ev.Time));
            for (int i = 0; i < Count; i++) _t[i] = _all[_h[i]].Ev.Time;
        }

        /// <summary>Forgets the cursors of the previous generation; only when the heap is empty.</summary>
        public void Reset()
        {
            Array.Clear(_all, 0, _registered);
            _registered = 0;
        }

        public void Insert(Cursor c)
        {
            if (_registered == _all.Length) Array.Resize(ref _all, _all.Length * 2);
            if (Count == _h.Length)
            {
                Array.Resize(ref _h, _h.Length * 2);
                Array.Resize(ref _t, _t.Length * 2);
            }
            _all[_registered] = c;
            _h[Count] = _registered++;
            _t[Count] = c.Ev.Time;
            Count++;
            SiftUp(Count - 1);
        }

        /// <summary>Restores the heap after the cursor at <paramref name="i"/> moved to its next event.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Update(int i, long time)
        {
            var t = _t;
            t[i] = time;
            if (i == 0)
            {
                // The usual case (the root advanced): done if it is still no later than its children.
                int len = Count;
                if ((len < 2 || t[1] >= time) && (len < 3 || t[2] >= time)) return;
                SiftDown(0);
                return;
            }
            if (SiftUp(i) != i) return;
            SiftDown(i);
        }

        public void Remove(int i)
        {
            while (i > 0)
            {
                int p = (i - 1) / 2;
                Swap(p, i);
                i = p;
            }
            int last = Count - 1;
            Swap(0, last);
            Count = last;
            SiftDown(0);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Swap(int a, int b)
        {
            var h = _h;
            var t = _t;
            (h[a], h[b]) = (h[b], h[a]);
            (t[a], t[b]) = (t[b], t[a]);
        }

        private int SiftUp(int i)
        {
            var t = _t;
            var h = _h;
            while (i > 0)
            {
                int p = (i - 1) >> 1;
                long tp = t[p], ti = t[i];
                if (tp <= ti) break;
                t[p] = ti;
                t[i] = tp;
                (h[p], h[i]) = (h[i], h[p]);
                i = p;
            }
            return i;
        }

        private void SiftDown(int i)
        {
            var t = _t;
            var h = _h;
            int len = Count;
            while (true)
            {
                int m = i;
                long mt = i < len ? t[i] : long.MaxValue;
                int l = 2 * i + 1;
                if (l < len && t[l] < mt)
                {
                    m = l;
                    mt = t[l];
                }
                int r = l + 1;
                if (r < len && t[r] < mt)
                {
                    m = r;
                    mt = t[r];
                }
                if (m == i) return;
                t[m] = t[i];
                t[i] = mt;
                (h[m], h[i]) = (h[i], h[m]);
                i = m;
            }
        }
    }
}
