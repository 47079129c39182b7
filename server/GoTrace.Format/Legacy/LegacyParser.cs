namespace GoTrace.Format.Legacy;

/// <summary>
/// Parser for legacy execution traces (headers <c>go 1.11 trace</c>, <c>go 1.19 trace</c>, <c>go 1.21 trace</c>),
/// the counterpart of Go 1.27's <c>internal/trace/internal/tracev1.Parse</c>: it returns the same events in the same
/// order with the same values, or fails with the same message (as <see cref="TraceFormatException.Reason"/>).
/// </summary>
/// <remarks>
/// <para>
/// The format has no generations and no index, so — like the reference — the whole rest of the stream is read into
/// memory first and nothing is returned before everything has been merged and checked. Steps (see
/// shared/docs/trace-format-legacy.md §3):
/// </para>
/// <list type="number">
/// <item>Pass 1 (<see cref="Run.IndexBatches"/>): walk every record, checking only its framing; remember where each
/// batch starts, per P; decode the CPU samples.</item>
/// <item>Pass 2 (<see cref="Run.MergeBatches"/>): decode the batches lazily, one at a time per P, and merge the per-P
/// streams into one, honouring the goroutine sequence numbers; decoding a batch also fills the string and stack
/// tables.</item>
/// <item>Post-processing: timestamp order check, syscall exit times, stable sort, tick → nanosecond conversion,
/// fake Ps for timer unblocks and syscall exits.</item>
/// <item>Validation (<see cref="Run.Validate"/>): replays goroutine and P states, rejects inconsistent traces and
/// makes the reference's few edits (GC and netpoll fake Ps, first-start stacks, dangling stack IDs).</item>
/// </list>
/// <para>
/// Where Go's result depends on map iteration order (the order in which the merge visits the Ps), this parser
/// fixes one order: ascending P ID, then the CPU-sample pseudo-P. The comments mark each such place.
/// </para>
/// </remarks>
internal static partial class LegacyParser
{
    /// <summary>Parses everything after the 16-byte header; <paramref name="version"/> is 11, 19 or 21.</summary>
    /// <exception cref="TraceFormatException">The trace is damaged; the reason is Go's message.</exception>
    public static LegacyTrace Parse(ByteSource src, int version)
    {
        long baseOffset = src.Offset;
        var data = ReadAll(src, baseOffset);
        return new Run(data, baseOffset, version).Parse();
    }

    /// <summary>The rest of the stream, in an array of exactly its size.</summary>
    private static byte[] ReadAll(ByteSource src, long baseOffset)
    {
        var buf = new byte[1 << 16];
        int len = 0;
        while (true)
        {
            if (len == buf.Length)
            {
                if (buf.Length >= Array.MaxLength)
                {
                    if (src.ReadByte() < 0) break;
                    // Go has no such limit; a legacy trace this large is not expected to exist.
                    throw new TraceFormatException($"trace too large: more than {Array.MaxLength} bytes after the header", "reading legacy trace", baseOffset + len);
                }
                Array.Resize(ref buf, (int)Math.Min(2L * buf.Length, Array.MaxLength));
            }
            int want = buf.Length - len;
            int n = src.Read(buf.AsSpan(len, want));
            len += n;
            if (n < want) break; // ByteSource.Read returns less only at the end of the input
        }
        if (len != buf.Length) Array.Resize(ref buf, len);
        return buf;
    }

    /// <summary>One parse: the reference's parser state.</summary>
    private sealed partial class Run
    {
        // Flags of ReadRaw, as in the reference: pass 1 skips values and strings.
        private const int SkipArgs = 1, SkipStrings = 2;

        // At the time of Go 1.19 length-prefixed records held at most ~128 bytes; the reference refuses more than this.
        private const ulong LengthPrefixLimit = 2048;
        private const ulong MaxStringLength = 1_000_000;
        private const ulong MaxStackFrames = 1000;

        private const string MalformedVarint = "malformatted base-128 varint";
        private const string TimeOrder = "time stamps out of order";

        private readonly byte[] _data;
        private readonly long _base;
        private readonly int _version;
        private int _off;

        // Tables filled while decoding batches.
        private readonly Dictionary<ulong, byte[]> _strings = [];
        private readonly List<byte[]> _inlineStrings = [];
        private readonly Dictionary<string, int> _inlineIndex = new(StringComparer.Ordinal); // key: message bytes as Latin-1
        private readonly Dictionary<uint, ulong[]> _stacks = [];
        private readonly Dictionary<ulong, LegacyFrame> _pcs = [];
        private readonly HashSet<ulong> _timerGoroutines = [];
        private long _ticksPerSec;

        /// <summary>Batch start offsets (indices into <see cref="_data"/>) per P, in file order; consumed from the front.</summary>
        private readonly Dictionary<int, BatchQueue> _batches = [];
        private int _eventCount;
        private readonly List<LegacyEvent> _cpuSamples = [];

        // The record last read by ReadRaw.
        private readonly ulong[] _args = new ulong[LengthPrefixLimit];
        private int _argc;
        private byte _rawType;
        private int _rawOffset;
        private int _batchPid, _batchOffset;
        private int _msgStart, _msgLen;

        // Batch decoding state: time of the previous event, the current P and its goroutine, and the goroutine
        // each P was running when its last batch ended.
        private long _lastTs;
        private ulong _lastG;
        private int _lastP;
        private readonly Dictionary<int, ulong> _lastGs = [];

        public Run(byte[] data, long baseOffset, int version)
        {
            _data = data;
            _base = baseOffset;
            _version = version;
        }

        private sealed class BatchQueue
        {
            public readonly List<int> Offsets = [];
            public int Next;
        }

        public LegacyTrace Parse()
        {
            IndexBatches();
            var events = MergeBatches(out int count);

            if (_ticksPerSec == 0) throw new TraceFormatException("no EvFrequency event", "reading legacy trace");

            if (count > 0)
            {
                long minTs = events[0].Ts;
                double factor = 1e9 / _ticksPerSec; // floating point, as the reference, to avoid overflow
                for (int i = 0; i < count; i++)
                {
                    ref var ev = ref events[i];
                    ev.Ts = GoMath.FloatToInt64(unchecked(ev.Ts - minTs) * factor);
                    // Timer unblocks (Go 1.11–1.13) and syscall exits go to fake Ps.
                    if (ev.Type == LegacyEv.GoUnblock && _timerGoroutines.Contains(ev.G)) ev.P = LegacyTrace.TimerP;
                    if (ev.Type == LegacyEv.GoSysExit) ev.P = LegacyTrace.SyscallP;
                }
            }

            if (count != events.Length) Array.Resize(ref events, count);
            Validate(events);

            return new LegacyTrace
            {
                Version = _version,
                Events = events,
                Stacks = _stacks,
                PCs = _pcs,
                Strings = _strings,
                InlineStrings = _inlineStrings,
            };
        }

        // ---- errors -----------------------------------------------------------------------------------------

        private TraceFormatException Error(string reason, byte type, int recordOffset)
        {
            string what = LegacyEventInfo.IsDefined(type) ? $"legacy {LegacyEventInfo.Name(type)} record" : "legacy trace record";
            return new TraceFormatException(reason, what, _base + recordOffset);
        }

        private TraceFormatException RecordError(string reason) => Error(reason, _rawType, _rawOffset);

        // ---- pass 1 -----------------------------------------------------------------------------------------

        /// <summary>Records where every batch starts and decodes the CPU samples (Go's <c>collectBatchesAndCPUSamples</c>).</summary>
        private void IndexBatches()
        {
            int curP = 0;
            while (ReadRaw(SkipArgs | SkipStrings))
            {
                if (_rawType == LegacyEv.None) continue; // a string: allowed anywhere, even before the first batch

                if (_rawType == LegacyEv.Batch)
                {
                    if (!_batches.TryGetValue(_batchPid, out var q)) _batches[_batchPid] = q = new BatchQueue();
                    q.Offsets.Add(_batchOffset);
                    curP = _batchPid;
                }

                if (!_batches.TryGetValue(curP, out var cur) || cur.Offsets.Count == 0)
                    throw RecordError($"read event {_rawType} with current P of {curP}, but P has no batches yet");
                if (_rawType is not (LegacyEv.Batch or LegacyEv.Frequency or LegacyEv.TimerGoroutine or LegacyEv.Stack or LegacyEv.CPUSample))
                    _eventCount++; // the records that become events in pass 2 (CPU samples are counted separately)

                if (_rawType == LegacyEv.CPUSample)
                {
                    // Values: time delta (meaningless: written late, by the trace reader), the sample's own tick time,
                    // P, goroutine, stack. With SkipArgs only length-prefixed values are kept, so an inline-encoded
                    // sample counts 0 values.
                    const int want = 5;
                    if (_argc != want) throw RecordError($"CPU sample has wrong number of arguments: want {want}, got {_argc}");
                    var e = new LegacyEvent
                    {
                        Type = LegacyEv.CPUSample,
                        Ts = (long)_args[1],
                        P = unchecked((int)_args[2]),
                        G = _args[3],
                        A0 = 0,
                        A1 = _args[2],
                        A2 = _args[3],
                        StkID = unchecked((uint)_args[4]),
                    };
                    _cpuSamples.Add(e);
                }
            }
        }

        // ---- raw records ------------------------------------------------------------------------------------

        private bool TryReadVal(out ulong v)
        {
            int n = Uvarint.Decode(_data.AsSpan(_off), out v);
            if (n <= 0) return false;
            _off += n;
            return true;
        }

        /// <summary>Skips <paramref name="n"/> bytes; false (and nothing skipped) if they are not all there.</summary>
        private bool Discard(ulong n)
        {
            if (n > (ulong)(_data.Length - _off)) return false;
            _off += (int)n;
            return true;
        }

        /// <summary>
        /// Takes <paramref name="n"/> bytes. Like the reference this fails at the very end of the data even for
        /// <paramref name="n"/> = 0.
        /// </summary>
        private bool ReadFull(int n, out int start)
        {
            start = _off;
            if (_off >= _data.Length || n > _data.Length - _off) return false;
            _off += n;
            return true;
        }

        /// <summary>
        /// Reads one record at <see cref="_off"/> (Go's <c>readRawEvent</c>). Returns false at the end of the data —
        /// and, reproducing a reference quirk, in pass 1 when a user log message runs past the end. A string record
        /// leaves <see cref="_rawType"/> = None (and, unless skipped, is stored in the string table).
        /// </summary>
        private bool ReadRaw(int flags)
        {
            _rawOffset = _off;
            _argc = 0;
            _msgLen = -1;
            if (_off >= _data.Length) return false;
            byte b = _data[_off++];
            byte type = (byte)(b & 0x3f);
            // The top two bits count the values after the header byte, the time delta counted as the first; 4
            // means "length-prefixed".
            int narg = (b >> 6) + 1;
            _rawType = type;
            if (!LegacyEventInfo.IsDefined(type) || LegacyEventInfo.MinVersion(type) > _version)
                throw Error($"unknown event type {type}", 0, _rawOffset);

            switch (type)
            {
                case LegacyEv.String:
                    if ((flags & SkipStrings) != 0) SkipString();
                    else ReadString();
                    _rawType = LegacyEv.None;
                    return true;

                case LegacyEv.Batch:
                {
                    if (narg != 2) throw RecordError($"EvBatch has wrong number of arguments: got {narg}, want 2");
                    if (!TryReadVal(out ulong pid)) throw RecordError(MalformedVarint);
                    // (The limit printed is not the one applied; so says the reference.)
                    if (pid != ulong.MaxValue && pid > int.MaxValue)
                        throw RecordError($"processor ID {pid} is larger than maximum of {ulong.MaxValue}");
                    if (!TryReadVal(out ulong ticks)) throw RecordError(MalformedVarint);
                    _batchPid = pid == ulong.MaxValue ? -1 : (int)pid;
                    _batchOffset = _rawOffset;
                    _args[0] = pid;
                    _args[1] = ticks;
                    _argc = 2;
                    return true;
                }

                default:
                    return ReadValues(type, narg, flags);
            }
        }

        private void SkipString()
        {
            if (!TryReadVal(out _)) throw RecordError(MalformedVarint);
            if (!TryReadVal(out ulong len)) throw RecordError(MalformedVarint);
            if (!Discard(len)) throw RecordError("failed to read trace: EOF");
        }

        private void ReadString()
        {
            if (!TryReadVal(out ulong id)) throw RecordError(MalformedVarint);
            if (id == 0) throw RecordError("string has invalid id 0");
            // Stored strings are never empty, so "already has a non-empty text" is "already present".
            if (_strings.ContainsKey(id)) throw RecordError($"string has duplicate id {id}");
            if (!TryReadVal(out ulong len)) throw RecordError(MalformedVarint);
            if (len == 0) throw RecordError("string has invalid length 0");
            if (len > MaxStringLength) throw RecordError($"string has too large length {len}");
            if (!ReadFull((int)len, out int start)) throw RecordError("failed to read trace: unexpected EOF");
            _strings[id] = _data.AsSpan(start, (int)len).ToArray();
        }

        private bool ReadValues(byte type, int narg, int flags)
        {
            bool skip = (flags & SkipArgs) != 0;
            if (narg <= 3)
            {
                for (int i = 0; i < narg; i++)
                {
                    if (!TryReadVal(out ulong v)) throw RecordError($"failed to read event {type} argument: {MalformedVarint}");
                    if (!skip) _args[_argc++] = v;
                }
                return true;
            }

            if (!TryReadVal(out ulong len)) throw RecordError($"failed to read event {type} argument: {MalformedVarint}");
            if (len > LengthPrefixLimit)
                throw RecordError($"failed to read event {type} argument: length-prefixed argument too big: {len} bytes, limit is {LengthPrefixLimit}");

            if (!skip || type == LegacyEv.CPUSample)
            {
                if (!ReadFull((int)len, out int start)) throw RecordError("failed to read trace: unexpected EOF");
                var body = _data.AsSpan(start, (int)len);
                while (body.Length > 0)
                {
                    int n = Uvarint.Decode(body, out ulong v);
                    if (n <= 0) throw RecordError(MalformedVarint);
                    _args[_argc++] = v; // at most one value per byte, so at most LengthPrefixLimit values
                    body = body[n..];
                }
            }
            else if (!Discard(len))
            {
                throw RecordError("failed to read trace: EOF");
            }

            if (type == LegacyEv.UserLog)
            {
                // The message follows the length-prefixed values and is not counted in the prefix.
                if (!skip)
                {
                    if (!TryReadVal(out ulong size)) throw RecordError(MalformedVarint);
                    if (size == 0)
                    {
                        _msgStart = _off;
                        _msgLen = 0;
                    }
                    else
                    {
                        if (size > MaxStringLength) throw RecordError($"string is too large (len={size})");
                        if (!ReadFull((int)size, out _msgStart)) throw RecordError("failed to read trace: unexpected EOF");
                        _msgLen = (int)size;
                    }
                }
                else
                {
                    if (!TryReadVal(out ulong size)) throw RecordError(MalformedVarint);
                    // Reference quirk: in pass 1 a message running past the end ends the scan as if the file ended
                    // there; pass 2 reports it when (and if) it decodes that batch.
                    if (!Discard(size)) return false;
                }
            }
            return true;
        }

        // ---- batch decoding ---------------------------------------------------------------------------------

        /// <summary>
        /// Decodes the next batch of <paramref name="proc"/>'s P into its buffer (Go's <c>loadBatch</c>); false when
        /// the P has no batches left. The buffer may come back empty.
        /// </summary>
        private bool LoadBatch(Proc proc)
        {
            if (!_batches.TryGetValue(proc.Pid, out var q) || q.Next == q.Offsets.Count) return false;
            _off = q.Offsets[q.Next++];
            proc.Head = 0;
            proc.Count = 0;
            bool gotHeader = false;
            while (ReadRaw(0))
            {
                if (_rawType is LegacyEv.None or LegacyEv.CPUSample) continue; // strings are stored; samples came from pass 1
                if (_rawType == LegacyEv.Batch)
                {
                    if (gotHeader) break; // the next batch starts
                    gotHeader = true;
                }
                if (DecodeRecord(out var ev)) proc.Append(ev);
            }
            return true;
        }

        /// <summary>
        /// Interprets the record last read (Go's <c>parseEvent</c>): checks its value count, updates the decoding
        /// state and tables, and returns true with the event for ordinary events.
        /// </summary>
        private bool DecodeRecord(out LegacyEvent ev)
        {
            ev = default;
            byte type = _rawType;
            int want = type == LegacyEv.Stack ? _argc : LegacyEventInfo.ValueCount(type);
            if (_argc != want)
                throw RecordError($"{LegacyEventInfo.Name(type)} has wrong number of arguments: want {want}, got {_argc}");

            switch (type)
            {
                case LegacyEv.Batch:
                    _lastGs[_lastP] = _lastG;
                    _lastP = _batchPid; // the P ID range was checked when the record was read
                    _lastG = _lastGs.GetValueOrDefault(_lastP);
                    _lastTs = (long)_args[1];
                    return false;

                case LegacyEv.Frequency:
                    _ticksPerSec = (long)_args[0];
                    // Most likely tick skew between CPUs.
                    if (_ticksPerSec <= 0) throw RecordError(TimeOrder);
                    return false;

                case LegacyEv.TimerGoroutine:
                    _timerGoroutines.Add(_args[0]);
                    return false;

                case LegacyEv.Stack:
                    DecodeStack();
                    return false;

                case LegacyEv.CPUSample:
                    return false;
            }

            ev.Type = type;
            ev.P = _lastP;
            ev.G = _lastG;
            ev.Ts = unchecked(_lastTs + (long)_args[0]);
            _lastTs = ev.Ts;
            bool hasStack = LegacyEventInfo.HasStack(type);
            for (int i = 1; i < want; i++)
            {
                if (i == want - 1 && hasStack) ev.StkID = unchecked((uint)_args[i]);
                else SetArg(ref ev, i - 1, _args[i]);
            }

            switch (type)
            {
                case LegacyEv.GoStart or LegacyEv.GoStartLocal or LegacyEv.GoStartLabel:
                    _lastG = ev.A0;
                    ev.G = _lastG;
                    break;
                case LegacyEv.GoEnd or LegacyEv.GoStop or LegacyEv.GoSched or LegacyEv.GoPreempt or LegacyEv.GoSleep
                    or LegacyEv.GoBlock or LegacyEv.GoBlockSend or LegacyEv.GoBlockRecv or LegacyEv.GoBlockSelect
                    or LegacyEv.GoBlockSync or LegacyEv.GoBlockCond or LegacyEv.GoBlockNet or LegacyEv.GoSysBlock
                    or LegacyEv.GoBlockGC:
                    _lastG = 0;
                    break;
                case LegacyEv.GoSysExit or LegacyEv.GoWaiting or LegacyEv.GoInSyscall:
                    ev.G = ev.A0;
                    break;
                case LegacyEv.UserLog:
                    // Args: task, category, (unused), message index. Equal messages share an index, numbered in
                    // the order batches are decoded (which in Go depends on map iteration order).
                    // (A user log always has its message here: only the length-prefixed form has 4 values.)
                    ev.A3 = (ulong)InternMessage(_msgLen > 0 ? _data.AsSpan(_msgStart, _msgLen) : default);
                    break;
            }
            return true;
        }

        private static void SetArg(ref LegacyEvent ev, int i, ulong v)
        {
            switch (i)
            {
                case 0: ev.A0 = v; break;
                case 1: ev.A1 = v; break;
                case 2: ev.A2 = v; break;
                default: ev.A3 = v; break;
            }
        }

        private int InternMessage(ReadOnlySpan<byte> msg)
        {
            var key = System.Text.Encoding.Latin1.GetString(msg); // one char per byte: a lossless key
            if (_inlineIndex.TryGetValue(key, out int id)) return id;
            id = _inlineStrings.Count;
            _inlineIndex[key] = id;
            _inlineStrings.Add(msg.ToArray());
            return id;
        }

        private void DecodeStack()
        {
            if (_argc < 2) throw RecordError($"EvStack has wrong number of arguments: want at least 2, got {_argc}");
            ulong size = _args[1];
            if (size > MaxStackFrames) throw RecordError($"EvStack has bad number of frames: {size}");
            ulong want = 2 + 4 * size;
            if ((ulong)_argc != want) throw RecordError($"EvStack has wrong number of arguments: want {want}, got {_argc}");
            uint id = unchecked((uint)_args[0]);
            if (id == 0 || size == 0) return; // accepted and ignored
            var pcs = new ulong[size];
            for (int i = 0; i < (int)size; i++)
            {
                ulong pc = _args[2 + i * 4];
                pcs[i] = pc;
                // One description per PC: the first one wins.
                _pcs.TryAdd(pc, new LegacyFrame(pc, _args[2 + i * 4 + 1], _args[2 + i * 4 + 2], unchecked((long)_args[2 + i * 4 + 3])));
            }
            _stacks[id] = pcs; // a later record with the same ID replaces the stack
        }
    }
}
