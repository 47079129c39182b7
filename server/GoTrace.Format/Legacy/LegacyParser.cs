using System.Runtime.CompilerServices;

namespace GoTrace.Format.Legacy;

/// <summary>
/// Parser for legacy execution traces (headers <c>go 1.11 trace</c>, <c>go 1.19 trace</c>, <c>go 1.21 trace</c>),
/// the counterpart of Go 1.27's <c>internal/trace/internal/tracev1.Parse</c>: it returns the same events in the same
/// order with the same values, or fails with the same message (as <see cref="TraceFormatException.Reason"/>).
/// </summary>
/// <remarks>
/// <para>
/// The format has no generations and no index, so — like the reference — the whole rest of the stream is read into
/// memory first and nothing is returned before everything has been merged and checked. Steps:
/// </para>
/// <list type="number">
/// <item>Pass 1 (<see cref="Run.IndexBatches"/>): walk every record, checking only its framing; remember where each
/// batch starts, per P, and whether it holds anything but well-formed ordinary events; decode the CPU samples.</item>
/// <item>Pass 2 (<see cref="Run.MergeBatches"/>): decode the batches lazily per P and merge the per-P streams into
/// one, honouring the goroutine sequence numbers. A batch that pass 1 could not vouch for is first decoded in full
/// with every check (<see cref="Run.CheckBatch"/>), which also fills the string and stack tables. The result is
/// the merged order (one P index per event), the timestamp-order and syscall-exit checks, and the syscall exits
/// that take their real exit time (so move: the reference's stable sort, done as a merge on read).</item>
/// <item>Tick → nanosecond conversion and fake Ps for timer unblocks and syscall exits: applied when events are
/// read (<see cref="LegacyEventReader"/>).</item>
/// <item>Validation (<see cref="Run.Validate"/>): a read pass that replays goroutine and P states, rejects
/// inconsistent traces and records the reference's few edits (netpoll fake P, first-start stacks), applied on
/// read with the deterministic ones (GC fake P, dangling stack IDs).</item>
/// </list>
/// <para>
/// Events are not kept: every read decodes them again from the trace bytes (see <see cref="LegacyEventStore"/>),
/// so memory is the file plus about one byte per event. Where Go's result depends on map iteration order (the
/// order in which the merge visits the Ps), this parser fixes one order: ascending P ID, then the CPU-sample
/// pseudo-P. The comments mark each such place.
/// </para>
/// </remarks>
internal static partial class LegacyParser
{
    /// <summary>
    /// Parses everything after the 16-byte header; <paramref name="version"/> is 11, 19 or 21. <paramref name="sizeHint"/>,
    /// if not negative, is the number of bytes expected after the header (the file is then read into an array of
    /// that size, without growing it).
    /// </summary>
    /// <exception cref="TraceFormatException">The trace is damaged; the reason is Go's message.</exception>
    public static LegacyTrace Parse(ByteSource src, int version, long sizeHint = -1)
    {
        long baseOffset = src.Offset;
        var data = ReadAll(src, baseOffset, sizeHint);
        return new Run(data, baseOffset, version).Parse();
    }

    /// <summary>The rest of the stream, in an array of exactly its size.</summary>
    private static byte[] ReadAll(ByteSource src, long baseOffset, long sizeHint)
    {
        // PERF: with the size known, one array of exactly that size (growing by doubling and trimming peaked at
        // 2.6 times the file).
        var buf = new byte[sizeHint >= 0 && sizeHint <= Array.MaxLength ? sizeHint : 1 << 16];
        int len = 0;
        while (true)
        {
            if (len == buf.Length)
            {
                int next = src.ReadByte();
                if (next < 0) break;
                if (buf.Length >= Array.MaxLength)
                {
                    // Go has no such limit; a legacy trace this large is not expected to exist.
                    throw new TraceFormatException($"trace too large: more than {Array.MaxLength} bytes after the header", "reading legacy trace", baseOffset + len);
                }
                Array.Resize(ref buf, (int)Math.Min(Math.Max(2L * buf.Length, 1 << 16), Array.MaxLength));
                buf[len++] = (byte)next;
                continue;
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

        /// <summary>Batches per P, in file order.</summary>
        private readonly Dictionary<int, BatchList> _batches = [];
        private int _eventCount;
        private readonly List<LegacySample> _cpuSamples = [];

        // The record last read by ReadRaw.
        private readonly ulong[] _args = new ulong[LengthPrefixLimit];
        private int _argc;
        private int _rawCount; // pass 1: number of values of an ordinary event record, or -1 if unknown or malformed
        private byte _rawType;
        private int _rawOffset;
        private int _batchPid, _batchOffset;
        private int _msgStart, _msgLen;

        // Batch decoding state (CheckBatch): time of the previous event, the current P and its goroutine, and the
        // goroutine each P was running when its last batch ended.
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

        /// <summary>
        /// The batches of one P: start offsets (indices into <see cref="_data"/>) and whether each must be decoded
        /// with all checks before its events are used (anything but well-formed ordinary events in it).
        /// </summary>
        private sealed class BatchList
        {
            public readonly List<int> Offsets = [];
            public readonly List<bool> Unchecked = [];
        }

        public LegacyTrace Parse()
        {
            IndexBatches();
            var store = MergeBatches(out var validated);

            if (_ticksPerSec == 0) throw new TraceFormatException("no EvFrequency event", "reading legacy trace");
            store.Factor = 1e9 / _ticksPerSec; // floating point, as the reference, to avoid overflow
            store.Stacks = new StackIdSet(_stacks.Keys);

            if (validated is not null) validated.Finish(store);
            else Validate(store);

            return new LegacyTrace
            {
                Version = _version,
                Stacks = _stacks,
                PCs = _pcs,
                Strings = _strings,
                InlineStrings = _inlineStrings,
                Store = store,
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

        /// <summary>
        /// Records where every batch starts and decodes the CPU samples (Go's <c>collectBatchesAndCPUSamples</c>).
        /// Also notes, per batch, whether every record in it is an ordinary event with the right number of
        /// well-formed values: such a batch cannot fail in pass 2 and has no effect on the tables, so pass 2 may
        /// decode its events lazily without the checks.
        /// </summary>
        private void IndexBatches()
        {
            // PERF: ordinary event records (nearly all) are skipped by a fast path that checks what the generic
            // reader would check and leaves everything else, including every error, to the generic reader.
            var wantValues = new int[64]; // by type: values of an ordinary event of this version; 0 = not one
            for (int t = 0; t < 64; t++)
            {
                if (!LegacyEventInfo.IsDefined((byte)t) || LegacyEventInfo.MinVersion((byte)t) > _version) continue;
                if (t is LegacyEv.Batch or LegacyEv.Frequency or LegacyEv.TimerGoroutine or LegacyEv.Stack
                    or LegacyEv.CPUSample or LegacyEv.UserLog or LegacyEv.String) continue;
                wantValues[t] = LegacyEventInfo.ValueCount((byte)t);
            }

            var d = _data;
            int curP = 0;
            BatchList? curList = null; // the list holding the batch the records belong to (the last batch header read)
            bool curUnchecked = false; // for the current batch (stored when the next one starts)
            int eventCount = 0;
            _off = 0;
            while (true)
            {
                int off = _off;
                if (curList is not null && off < d.Length)
                {
                    int h = d[off];
                    int want = wantValues[h & 0x3f];
                    if (want != 0)
                    {
                        int narg = (h >> 6) + 1;
                        int p = off + 1, count;
                        if (narg <= 3)
                        {
                            count = narg;
                            for (int i = 0; i < narg && p >= 0; i++) p = SkipVarint(d, p);
                        }
                        else
                        {
                            p = ReadVarint(d, p, out ulong len);
                            if (p < 0 || len > LengthPrefixLimit || len > (ulong)(d.Length - p)) p = -1;
                            else
                            {
                                count = CountValues(d.AsSpan(p, (int)len));
                                p += (int)len;
                                if (count != want) curUnchecked = true;
                                goto Done;
                            }
                            count = 0;
                        }
                        if (p >= 0)
                        {
                            if (count != want) curUnchecked = true;
                            goto Done;
                        }
                        goto Slow;
                    Done:
                        eventCount++;
                        _off = p;
                        continue;
                    }
                }
            Slow:
                if (!ReadRaw(SkipArgs | SkipStrings)) break;
                if (_rawType == LegacyEv.None)
                {
                    // A string: allowed anywhere, even before the first batch. Pass 2 stores it (and may refuse it).
                    curUnchecked = true;
                    continue;
                }

                if (_rawType == LegacyEv.Batch)
                {
                    if (curList is not null) curList.Unchecked[^1] = curUnchecked;
                    if (!_batches.TryGetValue(_batchPid, out var q)) _batches[_batchPid] = q = new BatchList();
                    q.Offsets.Add(_batchOffset);
                    q.Unchecked.Add(false);
                    curP = _batchPid;
                    curList = q;
                    curUnchecked = false;
                }

                if (curList is null)
                    throw RecordError($"read event {_rawType} with current P of {curP}, but P has no batches yet");
                if (_rawType is not (LegacyEv.Batch or LegacyEv.Frequency or LegacyEv.TimerGoroutine or LegacyEv.Stack or LegacyEv.CPUSample))
                    eventCount++; // the records that become events in pass 2 (CPU samples are counted separately)

                if (_rawType != LegacyEv.Batch)
                {
                    bool plain = _rawType is not (LegacyEv.Frequency or LegacyEv.TimerGoroutine or LegacyEv.Stack
                        or LegacyEv.CPUSample or LegacyEv.UserLog) && _rawCount == LegacyEventInfo.ValueCount(_rawType);
                    if (!plain) curUnchecked = true;
                }

                if (_rawType == LegacyEv.CPUSample)
                {
                    // Values: time delta (meaningless: written late, by the trace reader), the sample's own tick time,
                    // P, goroutine, stack. With SkipArgs only length-prefixed values are kept, so an inline-encoded
                    // sample counts 0 values.
                    const int want = 5;
                    if (_argc != want) throw RecordError($"CPU sample has wrong number of arguments: want {want}, got {_argc}");
                    _cpuSamples.Add(new LegacySample
                    {
                        Ts = (long)_args[1],
                        P = _args[2],
                        G = _args[3],
                        StkID = unchecked((uint)_args[4]),
                    });
                }
            }
            // The scan may stop early (a user log message running past the end): the batch it stopped in holds that
            // record, which pass 2 must check.
            if (_rawOffset < d.Length) curUnchecked = true;
            if (curList is not null) curList.Unchecked[^1] = curUnchecked;
            _eventCount = eventCount;
        }

        /// <summary>
        /// The offset after a well-formed varint at <paramref name="p"/> (as <see cref="Uvarint.Decode"/> accepts it),
        /// or −1 if it is truncated or malformed.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int SkipVarint(byte[] d, int p)
        {
            if ((uint)p < (uint)d.Length && d[p] < 0x80) return p + 1;
            return ReadVarint(d, p, out _);
        }

        /// <summary>Decodes a varint at <paramref name="p"/>; the offset after it, or −1 if it is truncated or malformed.</summary>
        private static int ReadVarint(byte[] d, int p, out ulong v)
        {
            if ((uint)p > (uint)d.Length)
            {
                v = 0;
                return -1;
            }
            int n = Uvarint.Decode(d.AsSpan(p), out v);
            return n <= 0 ? -1 : p + n;
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
            _rawCount = -1;
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
                _rawCount = narg;
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
            else
            {
                int start = _off;
                if (!Discard(len)) throw RecordError("failed to read trace: EOF");
                if (type is not (LegacyEv.Stack or LegacyEv.UserLog)) _rawCount = CountValues(_data.AsSpan(start, (int)len));
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

        /// <summary>The number of values in a length-prefixed body, or −1 if one is malformed (pass 2 will say so).</summary>
        private static int CountValues(ReadOnlySpan<byte> body)
        {
            int count = 0;
            while (body.Length > 0)
            {
                int n = Uvarint.Decode(body, out _);
                if (n <= 0) return -1;
                count++;
                body = body[n..];
            }
            return count;
        }

        // ---- batch decoding ---------------------------------------------------------------------------------

        /// <summary>
        /// Decodes the batch at <paramref name="offset"/> with every check (Go's <c>loadBatch</c>), for its effects
        /// only: the errors, the string and stack tables, the frequency, the timer goroutines and the numbering of
        /// inline messages. The merge calls it when it starts a batch that pass 1 marked, at the moment the
        /// reference would decode that batch; the events themselves are decoded by <see cref="LegacyProcStream"/>.
        /// </summary>
        private void CheckBatch(int offset)
        {
            _off = offset;
            bool gotHeader = false;
            while (ReadRaw(0))
            {
                if (_rawType is LegacyEv.None or LegacyEv.CPUSample) continue; // strings are stored; samples came from pass 1
                if (_rawType == LegacyEv.Batch)
                {
                    if (gotHeader) break; // the next batch starts
                    gotHeader = true;
                }
                DecodeRecord(out _);
            }
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
