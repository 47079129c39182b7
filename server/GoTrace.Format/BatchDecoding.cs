using System.Runtime.CompilerServices;

namespace GoTrace.Format;

/// <summary>One timed event of a batch, decoded from the wire: type, absolute time (ns) and up to four arguments.</summary>
internal struct DecodedEvent
{
    public long Time;
    public ulong A0, A1, A2, A3;
    /// <summary>Position of the event's first byte in the batch's chunk (the file offset is the block's base plus this).</summary>
    public int Pos;
    public byte Type;
    /// <summary>The arguments that are stack or string IDs exist in the generation's tables.</summary>
    public bool IdsChecked;

    public readonly ulong Arg(int i) => i switch { 0 => A0, 1 => A1, 2 => A2, _ => A3 };
}

/// <summary>
/// The events of one batch, decoded in one go (Go's <c>batchCursor.nextEvent</c> applied to the whole batch).
/// If the batch is damaged, <see cref="Error"/> is what reading event number <see cref="Count"/> throws.
/// </summary>
internal sealed class DecodedBatch
{
    public DecodedEvent[] Events = [];
    public int Count;
    public long FileBase;
    public TraceFormatException? Error;

    /// <summary>
    /// Decodes batch <paramref name="b"/> of thread <paramref name="thread"/> in generation <paramref name="data"/>.
    /// Events up to the first undecodable one are kept; the failure becomes <see cref="Error"/>.
    /// </summary>
    public static DecodedBatch Decode(in BatchRef b, TickClock clock, GenerationData data, long thread, BlockPool pool)
    {
        ulong gen = data.Number;
        var r = new DecodedBatch { FileBase = b.FileOffset - b.Start, _pool = pool };
        // About 5.5 bytes per event in practice; grown if a batch packs more.
        var arr = pool.Rent(b.Length / 5 + 16);
        var buf = b.Chunk;
        int pos = b.Start, end = b.Start + b.Length, n = 0;
        long lastTs = clock.Ns(b.Time);
        // The tables in locals: ReadyToRun code would check the class initialization at every static access.
        sbyte[] argCounts = Specs.TimedArgCount;
        byte[] stackMasks = Specs.StackArgMask, stringMasks = Specs.StringArgMask;
        while (pos < end)
        {
            int at = pos;
            byte typ = buf[pos];
            int nargs = argCounts[typ];
            if (nargs < 0)
            {
                r.Error = Fail(r, at, gen, thread,
                    typ >= Ev.TableLength ? $"found invalid event type: {typ}" : $"found event without a timestamp: type={typ}");
                break;
            }
            pos++;
            // PERF: the varint reader returns the value and moves pos (to -1 on failure); no local has its address
            // taken, so the loop keeps its state in registers.
            ulong dt = ReadVarint(buf, ref pos, end);
            if (pos < 0)
            {
                r.Error = Fail(r, at, gen, thread, "found invalid uvarint for timestamp");
                break;
            }
            ulong a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            if (nargs > 0)
            {
                a0 = ReadVarint(buf, ref pos, end);
                if (pos >= 0 && nargs > 1)
                {
                    a1 = ReadVarint(buf, ref pos, end);
                    if (pos >= 0 && nargs > 2)
                    {
                        a2 = ReadVarint(buf, ref pos, end);
                        if (pos >= 0 && nargs > 3) a3 = ReadVarint(buf, ref pos, end);
                    }
                }
                if (pos < 0)
                {
                    r.Error = Fail(r, at, gen, thread, "found invalid uvarint");
                    break;
                }
            }
            // As in Go, a running time of 0 (only in synthetic traces) restarts from the batch header.
            if (lastTs == 0) lastTs = clock.Ns(b.Time);
            long t = unchecked(clock.Ns(dt) + lastTs);
            lastTs = t;
            if (n == arr.Length) arr = pool.Grow(arr);
            ref var e = ref arr[n++];
            e.Time = t;
            e.A0 = a0;
            e.A1 = a1;
            e.A2 = a2;
            e.A3 = a3;
            e.Pos = at;
            e.Type = typ;
            // Table IDs checked here, off the ordering's thread; an event that fails is checked again (and reported,
            // in stream order) when the reader returns it.
            int stacks = stackMasks[typ], strings = stringMasks[typ];
            e.IdsChecked = (stacks | strings) == 0 || IdsPresent(data, stacks, strings, a0, a1, a2, a3);
        }
        r.Events = arr;
        r.Count = n;
        return r;
    }

    private BlockPool? _pool;

    /// <summary>Gives the event array back to the pool; the batch must not be read afterwards.</summary>
    public void Release()
    {
        var a = Events;
        Events = [];
        if (a.Length != 0) _pool?.Return(a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IdsPresent(GenerationData d, int stacks, int strings, ulong a0, ulong a1, ulong a2, ulong a3)
    {
        return ((stacks & 1) == 0 || d.HasStack(a0)) && ((stacks & 2) == 0 || d.HasStack(a1))
            && ((stacks & 4) == 0 || d.HasStack(a2)) && ((stacks & 8) == 0 || d.HasStack(a3))
            && ((strings & 1) == 0 || d.HasString(a0)) && ((strings & 2) == 0 || d.HasString(a1))
            && ((strings & 4) == 0 || d.HasString(a2)) && ((strings & 8) == 0 || d.HasString(a3));
    }

    /// <summary>
    /// Reads a varint at <paramref name="pos"/> and moves past it: one- and two-byte values inline, longer ones out
    /// of line. On a truncated or overlong varint, <paramref name="pos"/> becomes −1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadVarint(byte[] buf, ref int pos, int end)
    {
        int p = pos;
        if ((uint)(p + 1) < (uint)end && (uint)(p + 1) < (uint)buf.Length)
        {
            uint b0 = buf[p];
            if (b0 < 0x80)
            {
                pos = p + 1;
                return b0;
            }
            uint b1 = buf[p + 1];
            if (b1 < 0x80)
            {
                pos = p + 2;
                return (b0 & 0x7f) | (b1 << 7);
            }
        }
        var (v, next) = VarintSlow(buf, p, end);
        pos = next;
        return v;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ulong Value, int Next) VarintSlow(byte[] buf, int pos, int end)
    {
        int k = Uvarint.Decode(buf.AsSpan(pos, end - pos), out ulong v);
        return k <= 0 ? (0, -1) : (v, pos + k);
    }

    private static TraceFormatException Fail(DecodedBatch r, int at, ulong gen, long thread, string reason) =>
        new(reason, "event", r.FileBase + at, gen, thread);
}

/// <summary>
/// Event arrays for decoded batches, reused for the whole trace: a block is about 1 MiB, so fresh ones would be
/// zeroed large-object allocations (the shared array pool keeps too few to cover the blocks in flight).
/// Capacities are powers of two; thread-safe (the worker rents, the ordering returns).
/// </summary>
internal sealed class BlockPool
{
    private const int MaxPooled = 64;
    private readonly Stack<DecodedEvent[]>[] _byClass = new Stack<DecodedEvent[]>[32];
    private int _pooled;

    public DecodedEvent[] Rent(int min)
    {
        int cls = System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(min, 64)));
        lock (_byClass)
        {
            if (_byClass[cls] is { Count: > 0 } st)
            {
                _pooled--;
                return st.Pop();
            }
        }
        return GC.AllocateUninitializedArray<DecodedEvent>(1 << cls);
    }

    public void Return(DecodedEvent[] a)
    {
        if (!System.Numerics.BitOperations.IsPow2(a.Length)) return;
        int cls = System.Numerics.BitOperations.Log2((uint)a.Length);
        lock (_byClass)
        {
            if (_pooled >= MaxPooled) return;
            (_byClass[cls] ??= new Stack<DecodedEvent[]>()).Push(a);
            _pooled++;
        }
    }

    /// <summary>A pooled array twice as large holding <paramref name="a"/>'s contents; <paramref name="a"/> goes back to the pool.</summary>
    public DecodedEvent[] Grow(DecodedEvent[] a)
    {
        var n = Rent(a.Length * 2);
        a.AsSpan().CopyTo(n);
        Return(a);
        return n;
    }
}

/// <summary>
/// A batch of the generation being ordered, to be decoded exactly once: either ahead of time by the
/// <see cref="DecodeAhead"/> worker or, when the ordering gets there first, by the ordering itself.
/// </summary>
internal sealed class BatchSlot(BatchRef batch)
{
    public const int Pending = 0, Claimed = 1, Done = 2;
    public readonly BatchRef Batch = batch;
    public int State;
    public DecodedBatch? Result;
}

/// <summary>
/// Decodes the batches of one generation on a thread-pool thread, ahead of the ordering, in the order of
/// their start times (close to the order the ordering needs them). Only so many decoded events may wait
/// unconsumed (the limit); the worker stops there and the ordering restarts it as it frees blocks.
/// The worker never blocks, so an abandoned reader leaves nothing running; the ordering never waits on
/// it for long either: a batch nobody has claimed yet is decoded by the ordering itself.
/// </summary>
internal sealed class DecodeAhead
{
    /// <summary>Decoded events allowed to wait for the ordering by default (48 bytes each: 6 MiB, within a shared L3 cache).</summary>
    internal const int DefaultLimit = 1 << 17;

    private readonly int _limit;

    private readonly BatchSlot[] _order;
    private readonly TickClock _clock;
    private readonly GenerationData _gen;
    private int _next;          // next index of _order the worker looks at (worker only)
    private int _outstanding;   // decoded events not yet released
    private int _running;       // 1 while a worker is scheduled or running
    private volatile bool _stopped;

    private readonly BlockPool _pool;

    public DecodeAhead(BatchSlot[] order, TickClock clock, GenerationData gen, BlockPool pool, int limit = DefaultLimit)
    {
        _pool = pool;
        _order = order;
        _clock = clock;
        _gen = gen;
        _limit = Math.Max(1, limit);
    }

    /// <summary>Test hook: runs the worker on the calling thread now (until the limit or the end), deterministically.</summary>
    internal void RunNow()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0) Run();
    }

    /// <summary>Schedules the worker if it is idle and there is room and work.</summary>
    public void Kick()
    {
        if (_stopped || Volatile.Read(ref _running) != 0) return;
        if (Volatile.Read(ref _next) >= _order.Length || Volatile.Read(ref _outstanding) > _limit / 2) return;
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Run(), this, preferLocal: false);
    }

    /// <summary>Stops the worker soon (the reader failed or moved on); blocks already decoded are dropped by the GC.</summary>
    public void Stop() => _stopped = true;

    private void Run()
    {
        while (true)
        {
            while (!_stopped && _next < _order.Length && Volatile.Read(ref _outstanding) < _limit)
            {
                var s = _order[_next++];
                if (Interlocked.CompareExchange(ref s.State, BatchSlot.Claimed, BatchSlot.Pending) != BatchSlot.Pending) continue;
                Publish(s, s.Batch.Thread);
            }
            Volatile.Write(ref _running, 0);
            // Re-check after going idle: the ordering may have freed room between our last check and the write above.
            if (_stopped || _next >= _order.Length || Volatile.Read(ref _outstanding) > _limit / 2) return;
            if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        }
    }

    private void Publish(BatchSlot s, long thread)
    {
        DecodedBatch d;
        try
        {
            d = DecodedBatch.Decode(s.Batch, _clock, _gen, thread, _pool);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Decoding reports damage through DecodedBatch.Error; anything else is a bug, surfaced where the block is read.
            d = new DecodedBatch { Error = new TraceFormatException($"internal error decoding batch: {e.Message}", "event batch", s.Batch.FileOffset, _gen.Number, thread) };
        }
        Interlocked.Add(ref _outstanding, d.Count);
        s.Result = d;
        Volatile.Write(ref s.State, BatchSlot.Done);
    }

    /// <summary>The decoded events of <paramref name="s"/>, decoding them here if the worker has not claimed it.</summary>
    public DecodedBatch Take(BatchSlot s)
    {
        if (Interlocked.CompareExchange(ref s.State, BatchSlot.Claimed, BatchSlot.Pending) == BatchSlot.Pending)
            Publish(s, s.Batch.Thread);
        else
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref s.State) != BatchSlot.Done) spin.SpinOnce();
        }
        return s.Result!;
    }

    /// <summary>The ordering is done with <paramref name="d"/>: its room goes back to the worker.</summary>
    public void Release(DecodedBatch d)
    {
        int n = d.Count;
        d.Release();
        Interlocked.Add(ref _outstanding, -n);
        Kick();
    }
}
