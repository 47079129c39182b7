using System.Globalization;
using System.Text;

namespace GoTrace.Format;

/// <summary>Location of one event batch's payload: bytes [Start, Start+Length) of a chunk of the generation's storage.</summary>
internal readonly record struct BatchRef(long Thread, ulong Time, byte[] Chunk, int Start, int Length, long FileOffset);

/// <summary>A CPU sample of a generation (time already converted to ns).</summary>
internal record struct CpuSample(long Time, long Thread, long Proc, long Goroutine, ulong Stack);

/// <summary>One generation as read from the file: its tables plus the event batches of every thread.</summary>
internal sealed class RawGeneration
{
    public required GenerationData Data;
    public readonly Dictionary<long, List<BatchRef>> Batches = [];
    /// <summary>Threads in the order their first event batch appears in the file (drives heap tie-breaks).</summary>
    public readonly List<long> ThreadOrder = [];
    public CpuSample[] CpuSamples = [];
}

/// <summary>
/// Reads a v2 trace one generation at a time (batch framing, generation boundaries, string/stack/CPU/sync
/// tables), following <c>src/internal/trace/generation.go</c> and <c>batch.go</c>. Memory is bounded by the
/// largest generation: event-batch payloads go into one reusable buffer.
/// </summary>
internal sealed class GenerationReader
{
    private readonly ByteSource _src;
    private readonly int _version;
    // PERF: event-batch payloads live in 1 MiB chunks reused from one generation to the next. A single doubling
    // buffer spent 11% of `dump --count` on a 67 MB trace in the kernel zeroing fresh pages, and copied on growth.
    private const int ChunkSize = 1 << 20;
    private List<byte[]> _chunks = [];
    // With two chunk sets (DoubleBuffered), generations alternate between them, so one can be read while the one
    // before it is still being ordered.
    private List<byte[]> _otherChunks = [];
    private int _chunk;          // index of the chunk being filled
    private int _len;            // bytes used in it
    private byte[] _buf = [];    // = _chunks[_chunk]
    private readonly List<CpuSample> _samples = [];

    // Go 1.22–1.25: the first batch of the next generation, read while looking for the end of this one.
    private (ulong Gen, long Thread, ulong Time, byte Exp, byte[] Payload, long Offset)? _spill;

    public GenerationReader(ByteSource src, int version)
    {
        _src = src;
        _version = version;
    }

    private enum BatchKind { Eof, EndOfGeneration, Batch }

    private struct Batch
    {
        public BatchKind Kind;
        public ulong Gen;
        public long Thread;
        public ulong Time;
        public byte Exp;
        public int Start, Length; // in _buf (the current chunk)
        public long Offset;       // file offset of the batch's first byte
        public long PayloadOffset;
    }

    private static string VarintError(VarintStatus st, bool sawAny) =>
        st == VarintStatus.Overflow ? "binary: varint overflows a 64-bit integer" : sawAny ? "unexpected EOF" : "EOF";

    private TraceFormatException Error(string reason, string what, long offset, ulong gen = 0) =>
        new(reason, what, offset, gen);

    /// <summary>Reads one top-level record (Go's <c>readBatch</c>); the payload lands at the end of the buffer.</summary>
    private Batch ReadBatch()
    {
        long start = _src.Offset;
        int first = _src.ReadByte();
        if (first < 0) return new Batch { Kind = BatchKind.Eof, Offset = start };
        if (first == Ev.EndOfGeneration) return new Batch { Kind = BatchKind.EndOfGeneration, Offset = start, Thread = -1 };
        if (first != Ev.EventBatch && first != Ev.ExperimentalBatch)
            throw Error($"expected batch event, got event {first}", "batch header", start);
        byte exp = 0;
        if (first == Ev.ExperimentalBatch)
        {
            int e = _src.ReadByte();
            if (e < 0) return new Batch { Kind = BatchKind.Eof, Offset = start }; // the reference treats this as a clean end
            exp = (byte)e;
        }
        ulong gen = 0;
        string[] fields = ["gen", "M ID", "timestamp", "size"];
        Span<ulong> vals = stackalloc ulong[4];
        for (int i = 0; i < 4; i++)
        {
            long at = _src.Offset;
            var st = _src.ReadUvarint(out vals[i], out bool any);
            if (st != VarintStatus.Ok)
                throw Error($"error reading batch {fields[i]}: {VarintError(st, any)}", "batch header", at, i > 0 ? vals[0] : 0);
            if (i == 0) gen = vals[0];
        }
        ulong size = vals[3];
        if (size > 64 << 10)
            throw Error($"invalid batch size {size}, maximum is {64 << 10}", "batch header", start, gen);
        Reserve((int)size);
        long payloadAt = _src.Offset;
        int got = _src.Read(_buf.AsSpan(_len, (int)size));
        if (got != (int)size)
            throw Error($"failed to read full batch: read {got} but wanted {size}", "batch payload", payloadAt, gen);
        return new Batch
        {
            Kind = BatchKind.Batch, Gen = gen, Thread = unchecked((long)vals[1]), Time = vals[2], Exp = exp,
            Start = _len, Length = (int)size, Offset = start, PayloadOffset = payloadAt,
        };
    }

    /// <summary>Makes room for <paramref name="size"/> (≤ 64 KiB) bytes at <c>_len</c> in the current chunk.</summary>
    private void Reserve(int size)
    {
        if (_buf.Length - _len >= size) return;
        if (_buf.Length != 0) _chunk++;
        if (_chunk == _chunks.Count) _chunks.Add(GC.AllocateUninitializedArray<byte>(ChunkSize));
        _buf = _chunks[_chunk];
        _len = 0;
    }

    /// <summary>
    /// Generations alternate between two sets of chunks: a generation's bytes stay valid while the next one is
    /// read (until the one after). For reading ahead.
    /// </summary>
    public bool DoubleBuffered { get; set; }

    private RawGeneration NewGeneration()
    {
        // The previous generation (with double buffering: the one before it) has been consumed entirely: its chunks
        // are free again.
        if (DoubleBuffered) (_chunks, _otherChunks) = (_otherChunks, _chunks);
        _chunk = 0;
        _len = 0;
        _buf = _chunks.Count > 0 ? _chunks[0] : [];
        _samples.Clear();
        return new RawGeneration { Data = new GenerationData() };
    }

    /// <summary>
    /// Go 1.26 format: reads up to the next end-of-generation byte. Returns null at a clean end of the trace.
    /// </summary>
    public RawGeneration? ReadGeneration26()
    {
        var g = NewGeneration();
        while (true)
        {
            var b = ReadBatch();
            if (b.Kind == BatchKind.Eof)
            {
                if (g.Batches.Count != 0)
                    throw Error("incomplete generation found; trace likely truncated", "generation", b.Offset, g.Data.Number);
                return null;
            }
            if (g.Data.Number == 0) g.Data.Number = b.Gen;
            if (b.Kind == BatchKind.EndOfGeneration) break;
            if (b.Gen == 0) throw Error("invalid generation number 0", "batch header", b.Offset);
            if (b.Gen != g.Data.Number)
                throw Error("broken trace: missing end-of-generation event, or generations are interleaved", "batch header", b.Offset, g.Data.Number);
            if (g.Data.MinTs == 0 || b.Time < g.Data.MinTs) g.Data.MinTs = b.Time;
            Process(g, b.Thread, b.Time, b.Exp, b.Start, b.Length, b.PayloadOffset);
        }
        Finish(g);
        return g;
    }

    /// <summary>
    /// Go 1.22–1.25 formats: a generation is the run of batches with one generation number. Returns the
    /// generation (null at the end) and an error that happened after at least one of its batches was read,
    /// to be reported once the generation's events have been delivered (Go's "spill error").
    /// </summary>
    public (RawGeneration? Gen, TraceFormatException? SpillError) ReadGenerationWithSpill()
    {
        var g = NewGeneration();
        if (_spill is { } s)
        {
            _spill = null;
            g.Data.Number = s.Gen;
            g.Data.MinTs = s.Time;
            Reserve(s.Payload.Length);
            s.Payload.CopyTo(_buf, _len);
            Process(g, s.Thread, s.Time, s.Exp, _len, s.Payload.Length, s.Offset);
        }
        TraceFormatException? spillErr = null;
        while (true)
        {
            Batch b;
            try
            {
                b = ReadBatch();
            }
            catch (TraceFormatException e) when (g.Data.Number != 0)
            {
                spillErr = e;
                break;
            }
            if (b.Kind == BatchKind.Eof) break;
            if (b.Gen == 0) throw Error("invalid generation number 0", "batch header", b.Offset);
            if (g.Data.Number == 0) g.Data.Number = b.Gen;
            if (b.Gen == g.Data.Number + 1)
            {
                _spill = (b.Gen, b.Thread, b.Time, b.Exp, _buf.AsSpan(b.Start, b.Length).ToArray(), b.PayloadOffset);
                break;
            }
            if (b.Gen != g.Data.Number) throw Error("generations out of order", "batch header", b.Offset, g.Data.Number);
            if (g.Data.MinTs == 0 || b.Time < g.Data.MinTs) g.Data.MinTs = b.Time;
            Process(g, b.Thread, b.Time, b.Exp, b.Start, b.Length, b.PayloadOffset);
        }
        Finish(g);
        return (g, spillErr);
    }

    /// <summary>True when a pre-1.26 reader holds the first batch of a further generation.</summary>
    public bool HasSpill => _spill is not null;

    private void Finish(RawGeneration g)
    {
        var d = g.Data;
        if (!d.HasFrequency) throw Error("no frequency event found", "generation", -1, d.Number);
        if (_version >= 25 && !d.HasClockSnapshot) throw Error("no clock snapshot event found", "generation", -1, d.Number);
        // Go walks the stack table in ID order when its IDs are dense (always, for real traces), so the first
        // bad frame it reports is the one of the lowest stack ID.
        foreach (var (id, pcs) in d.Stacks.OrderBy(kv => kv.Key))
        {
            foreach (var pc in pcs)
            {
                if (!d.Pcs.TryGetValue(pc, out var f))
                    throw Error($"found unknown pc {pc:x} for stack {id}", "stack table", -1, d.Number);
                if (!d.HasString(f.FuncId))
                    throw Error($"found invalid func string ID {f.FuncId} for stack {id}", "stack table", -1, d.Number);
                if (!d.HasString(f.FileId))
                    throw Error($"found invalid file string ID {f.FileId} for stack {id}", "stack table", -1, d.Number);
            }
        }
        d.Seal();
        var samples = _samples.ToArray();
        for (int i = 0; i < samples.Length; i++)
            samples[i].Time = d.Ns((ulong)samples[i].Time);
        GoSort.SortFunc(samples.AsSpan(), static (a, b) => a.Time.CompareTo(b.Time));
        g.CpuSamples = samples;
    }

    /// <summary>Classifies a batch by its first payload byte and files it (Go's <c>processBatch</c>).</summary>
    private void Process(RawGeneration g, long thread, ulong time, byte exp, int start, int length, long payloadOffset)
    {
        var data = _buf.AsSpan(start, length);
        var d = g.Data;
        if (exp != 0)
        {
            d.ExperimentalBatches.Add((exp, thread, data.ToArray()));
            return;
        }
        byte kind = length > 0 ? data[0] : (byte)0;
        if (length > 0 && kind == Ev.Strings) { AddStrings(d, data, payloadOffset); return; }
        if (length > 0 && kind == Ev.Stacks) { AddStacks(d, data, payloadOffset); return; }
        if (length > 0 && kind == Ev.CPUSamples) { AddCpuSamples(d, data, payloadOffset); return; }
        if (length > 0 && ((kind == Ev.Frequency && _version < 25) || (kind == Ev.Sync && _version >= 25)))
        {
            SetSync(d, data, time, payloadOffset);
            return;
        }
        if (!g.Batches.TryGetValue(thread, out var list))
        {
            list = [];
            g.Batches[thread] = list;
            g.ThreadOrder.Add(thread);
        }
        list.Add(new BatchRef(thread, time, _buf, start, length, payloadOffset));
        _len = start + length; // keep this payload
    }

    /// <summary>Span reader over a table batch that reports errors with file offsets.</summary>
    private ref struct TableReader(ReadOnlySpan<byte> data, long baseOffset, ulong gen, string what)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        public int Pos;
        public readonly bool More => Pos < _data.Length;
        public readonly long Offset => baseOffset + Pos;

        public byte Byte() => _data[Pos++];

        public ulong Uvarint(string context = "")
        {
            int n = GoTrace.Format.Uvarint.Decode(_data[Pos..], out ulong v);
            if (n <= 0)
            {
                string msg = n < 0 ? "binary: varint overflows a 64-bit integer" : Pos == _data.Length ? "EOF" : "unexpected EOF";
                throw new TraceFormatException(context.Length > 0 ? context + msg : msg, what, Offset, gen);
            }
            Pos += n;
            return v;
        }

        public ReadOnlySpan<byte> Bytes(int n, out int got)
        {
            got = Math.Min(n, _data.Length - Pos);
            var s = _data.Slice(Pos, got);
            Pos += got;
            return s;
        }

        public readonly TraceFormatException Fail(string reason) => new(reason, what, Offset, gen);
    }

    private static void AddStrings(GenerationData d, ReadOnlySpan<byte> data, long off)
    {
        var r = new TableReader(data, off, d.Number, "string table");
        r.Byte();
        while (r.More)
        {
            byte ev = r.Byte();
            if (ev != Ev.String) throw r.Fail($"expected string event, got {ev}");
            ulong id = r.Uvarint();
            ulong len = r.Uvarint();
            if (len > 1024) throw r.Fail($"invalid string size {len}, maximum is 1024");
            var bytes = r.Bytes((int)len, out int got);
            if ((ulong)got != len) throw r.Fail($"failed to read full string: read {got} but wanted {len}");
            if (d.HasString(id))
            {
                string existing = GenerationData.Decode(d.RawStringArray(id));
                throw r.Fail($"multiple strings with the same ID: id={id}, new={Encoding.UTF8.GetString(bytes)}, existing={existing}");
            }
            d.Strings[id] = bytes.ToArray();
        }
    }

    private static void AddStacks(GenerationData d, ReadOnlySpan<byte> data, long off)
    {
        var r = new TableReader(data, off, d.Number, "stack table");
        r.Byte();
        while (r.More)
        {
            byte ev = r.Byte();
            if (ev != Ev.Stack) throw r.Fail($"expected stack event, got {ev}");
            ulong id = r.Uvarint();
            ulong n = r.Uvarint();
            if (n > 128) throw r.Fail($"invalid stack size {n}, maximum is 128");
            var pcs = new ulong[n];
            for (int i = 0; i < (int)n; i++)
            {
                ulong pc = r.Uvarint($"reading frame {i + 1}'s PC for stack {id}: ");
                ulong fn = r.Uvarint($"reading frame {i + 1}'s funcID for stack {id}: ");
                ulong file = r.Uvarint($"reading frame {i + 1}'s fileID for stack {id}: ");
                ulong line = r.Uvarint($"reading frame {i + 1}'s line for stack {id}: ");
                pcs[i] = pc;
                d.Pcs.TryAdd(pc, new GenerationData.FrameRecord(fn, file, line));
            }
            if (d.HasStack(id))
                throw r.Fail($"multiple trace.stacks with the same ID: id={id}, new={{[{string.Join(' ', pcs)}]}}, existing={{[{string.Join(' ', d.StackPcs(id))}]}}");
            d.Stacks[id] = pcs;
        }
    }

    private void AddCpuSamples(GenerationData d, ReadOnlySpan<byte> data, long off)
    {
        var r = new TableReader(data, off, d.Number, "CPU sample table");
        r.Byte();
        while (r.More)
        {
            byte ev = r.Byte();
            if (ev != Ev.CPUSample) throw r.Fail($"expected CPU sample event, got {ev}");
            ulong ts = r.Uvarint();
            ulong m = r.Uvarint();
            ulong p = r.Uvarint();
            ulong g = r.Uvarint();
            ulong stk = r.Uvarint();
            // Time stays in ticks until the frequency is known (Finish converts and sorts).
            _samples.Add(new CpuSample(unchecked((long)ts), unchecked((long)m), unchecked((long)p), g == 0 ? -1 : unchecked((long)g), stk));
        }
    }

    private void SetSync(GenerationData d, ReadOnlySpan<byte> data, ulong batchTime, long off)
    {
        var r = new TableReader(data, off, d.Number, "sync batch");
        if (_version >= 25) r.Byte();
        ulong last = batchTime;
        while (r.More)
        {
            byte ev = r.Byte();
            if (ev == Ev.Frequency)
            {
                if (d.HasFrequency) throw r.Fail("found multiple frequency events");
                ulong f = r.Uvarint();
                d.HasFrequency = true;
                d.Frequency = f;
                d.NsPerTick = 1.0 / ((double)f / 1e9);
            }
            else if (ev == Ev.ClockSnapshot && _version >= 25)
            {
                if (d.HasClockSnapshot) throw r.Fail("found multiple clock snapshot events");
                d.HasClockSnapshot = true;
                last += r.Uvarint();
                d.SnapshotTicks = last;
                d.SnapshotMono = r.Uvarint();
                d.SnapshotWallSeconds = r.Uvarint();
                d.SnapshotWallNanos = r.Uvarint();
            }
            else
            {
                throw r.Fail($"expected frequency or clock snapshot event, got {ev}");
            }
        }
    }
}
