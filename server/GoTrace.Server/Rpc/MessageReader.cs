using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace GoTrace.Server.Rpc;

/// <summary>What <see cref="MessageReader.ReadAsync"/> produced.</summary>
public enum FrameKind
{
    /// <summary>A complete message body (<see cref="Frame.Body"/>), not yet parsed as JSON.</summary>
    Message,

    /// <summary>Input that is not a valid frame; answer it with <see cref="Frame.ErrorCode"/> and id null, then read on.</summary>
    Error,

    /// <summary>The input has ended (<see cref="Frame.Truncated"/> when it ended inside a message).</summary>
    End,
}

/// <summary>One result of <see cref="MessageReader.ReadAsync"/>.</summary>
public readonly struct Frame
{
    private Frame(FrameKind kind, byte[]? body, int code, string? message, bool truncated)
    {
        Kind = kind;
        Body = body;
        ErrorCode = code;
        ErrorMessage = message;
        Truncated = truncated;
    }

    public FrameKind Kind { get; }

    /// <summary>The UTF-8 body of a <see cref="FrameKind.Message"/>, owned by the caller.</summary>
    public byte[]? Body { get; }

    /// <summary>JSON-RPC error code of a <see cref="FrameKind.Error"/> (-32700 or -32600).</summary>
    public int ErrorCode { get; }

    public string? ErrorMessage { get; }

    /// <summary>For <see cref="FrameKind.End"/>: the input ended inside a header block or a body.</summary>
    public bool Truncated { get; }

    internal static Frame Message(byte[] body) => new(FrameKind.Message, body, 0, null, false);

    internal static Frame Error(int code, string message) => new(FrameKind.Error, null, code, message, false);

    internal static Frame End(bool truncated) => new(FrameKind.End, null, 0, null, truncated);
}

/// <summary>
/// Reads LSP base-protocol frames (<c>Content-Length: N\r\n</c>, optional <c>Content-Type</c>, blank line, N bytes of
/// UTF-8 JSON) from a <see cref="PipeReader"/>. Never throws on bad input: every problem becomes an
/// <see cref="FrameKind.Error"/> frame and reading goes on. PROTOCOL.md ("Transport") describes the recovery rules:
/// <list type="bullet">
/// <item>a line that is not a header (garbage) or a header line longer than <see cref="MaxHeaderLineBytes"/>:
/// -32700, then everything up to the next <c>Content-Length</c> (any case, anywhere) is skipped;</item>
/// <item>a header block without Content-Length, or with a value that is not a decimal number: -32700, then skipped the
/// same way (the body's length is unknown);</item>
/// <item>a Content-Length above the limit: -32600, and the announced bytes are skipped as they arrive, never stored;</item>
/// <item>a Content-Type whose charset is not UTF-8: the body is read and dropped, -32700.</item>
/// </list>
/// Stray blank lines between messages are ignored. Bodies are copied into their own array as they arrive, so a body may
/// be larger than the pipe's buffer thresholds.
/// </summary>
public sealed class MessageReader
{
    /// <summary>Default limit of one message body: 64 MiB.</summary>
    public const int DefaultMaxMessageBytes = 64 << 20;

    /// <summary>Longest header line accepted (headers are short; longer lines are garbage).</summary>
    public const int MaxHeaderLineBytes = 1024;

    private static ReadOnlySpan<byte> ContentLength => "content-length"u8;

    private enum State { Headers, Resync, Body, Drain }

    private enum Step { Continue, NeedMore, Produced }

    private readonly PipeReader _input;
    private readonly int _maxMessageBytes;

    private State _state;
    private bool _sawHeader;            // a header line of the current block was read
    private long _contentLength = -1;   // -1: none yet
    private string? _badCharset;        // Content-Type named a charset other than UTF-8
    private bool _resyncSkipsFirstByte; // resync starts at a garbage line: do not find that same line again
    private byte[]? _body;
    private int _filled;
    private long _drainRemaining;

    public MessageReader(PipeReader input, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        _input = input;
        _maxMessageBytes = maxMessageBytes;
    }

    public int MaxMessageBytes => _maxMessageBytes;

    /// <summary>Reads until one frame is complete. After <see cref="FrameKind.End"/> it keeps returning End.</summary>
    public async ValueTask<Frame> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled) throw new OperationCanceledException("the read was cancelled");
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (Parse(ref buffer, out Frame frame))
            {
                _input.AdvanceTo(buffer.Start);
                return frame;
            }
            if (result.IsCompleted)
            {
                bool truncated = _state is State.Body or State.Drain || (_state == State.Headers && (_sawHeader || !IsBlank(buffer)));
                _input.AdvanceTo(buffer.End);
                ResetHeaders();
                _state = State.Headers;
                return Frame.End(truncated);
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Consumes from <paramref name="buffer"/> until a frame is produced (true) or more input is needed.</summary>
    private bool Parse(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        while (true)
        {
            Step step = _state switch
            {
                State.Headers => HeaderLine(ref buffer, out frame),
                State.Resync => Resync(ref buffer),
                State.Body => Body(ref buffer, out frame),
                _ => Drain(ref buffer),
            };
            if (step != Step.Continue) return step == Step.Produced;
        }
    }

    private Step HeaderLine(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        SequencePosition? eol = buffer.PositionOf((byte)'\n');
        long lineLength = eol is { } p ? buffer.Slice(0, p).Length : buffer.Length;
        if (lineLength > MaxHeaderLineBytes)
        {
            return Garbage(out frame, $"a header line longer than {MaxHeaderLineBytes} bytes");
        }
        if (eol is null) return Step.NeedMore;

        Span<byte> line = stackalloc byte[MaxHeaderLineBytes];
        line = line[..(int)lineLength];
        buffer.Slice(0, eol.Value).CopyTo(line);
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];

        if (line.IsEmpty)
        {
            buffer = buffer.Slice(buffer.GetPosition(1, eol.Value));
            if (!_sawHeader) return Step.Continue; // a stray blank line between messages
            return EndOfHeaders(out frame);
        }

        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            return Garbage(out frame, $"'{Show(line)}' where a header was expected");
        }
        buffer = buffer.Slice(buffer.GetPosition(1, eol.Value));
        ReadOnlySpan<byte> name = line[..colon];
        ReadOnlySpan<byte> value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
        _sawHeader = true;
        if (Ascii.EqualsIgnoreCase(name, ContentLength))
        {
            if (!TryParseLength(value, out long length))
            {
                StartResync(skipFirstByte: false);
                frame = Frame.Error(RpcErrorCodes.ParseError, $"invalid Content-Length '{Show(value)}': not a decimal number");
                return Step.Produced;
            }
            _contentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "content-type"u8))
        {
            _badCharset = UnsupportedCharset(value);
        }
        // Other headers are ignored, as LSP allows.
        return Step.Continue;
    }

    private Step EndOfHeaders(out Frame frame)
    {
        if (_contentLength < 0)
        {
            StartResync(skipFirstByte: false);
            frame = Frame.Error(RpcErrorCodes.ParseError, "a header block without Content-Length");
            return Step.Produced;
        }
        if (_contentLength > _maxMessageBytes)
        {
            // Refused without allocating: the announced bytes are skipped as they arrive.
            _drainRemaining = _contentLength;
            _state = State.Drain;
            frame = Frame.Error(RpcErrorCodes.InvalidRequest,
                $"a message of {_contentLength} bytes exceeds the limit of {_maxMessageBytes} bytes; it was skipped");
            return Step.Produced;
        }
        frame = default;
        _body = _contentLength == 0 ? [] : new byte[_contentLength];
        _filled = 0;
        _state = State.Body;
        return Step.Continue;
    }

    private Step Body(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        byte[] body = _body!;
        int n = (int)Math.Min(body.Length - _filled, buffer.Length);
        buffer.Slice(0, n).CopyTo(body.AsSpan(_filled));
        buffer = buffer.Slice(n);
        _filled += n;
        if (_filled < body.Length) return Step.NeedMore;

        string? charset = _badCharset;
        _body = null;
        ResetHeaders();
        _state = State.Headers;
        frame = charset is null
            ? Frame.Message(body)
            : Frame.Error(RpcErrorCodes.ParseError, $"unsupported charset '{charset}' (only utf-8 is accepted)");
        return Step.Produced;
    }

    private Step Drain(ref ReadOnlySequence<byte> buffer)
    {
        long n = Math.Min(_drainRemaining, buffer.Length);
        buffer = buffer.Slice(n);
        _drainRemaining -= n;
        if (_drainRemaining > 0) return Step.NeedMore;
        ResetHeaders();
        _state = State.Headers;
        return Step.Continue;
    }

    /// <summary>Skips to the next "Content-Length" (any case), where a header block presumably starts.</summary>
    private Step Resync(ref ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (_resyncSkipsFirstByte && !reader.End)
        {
            reader.Advance(1);
            _resyncSkipsFirstByte = false;
        }
        Span<byte> probe = stackalloc byte[ContentLength.Length];
        while (reader.TryAdvanceToAny("Cc"u8, advancePastDelimiter: false))
        {
            if (!reader.TryCopyTo(probe))
            {
                buffer = buffer.Slice(reader.Position); // a possible start at the end: wait for more
                return Step.NeedMore;
            }
            if (Ascii.EqualsIgnoreCase(probe, ContentLength))
            {
                buffer = buffer.Slice(reader.Position);
                _state = State.Headers;
                return Step.Continue;
            }
            reader.Advance(1);
        }
        buffer = buffer.Slice(buffer.End);
        return Step.NeedMore;
    }

    /// <summary>Reports garbage at the start of <c>buffer</c> (not consumed) and resynchronizes after its first byte.</summary>
    private Step Garbage(out Frame frame, string what)
    {
        StartResync(skipFirstByte: true);
        frame = Frame.Error(RpcErrorCodes.ParseError, $"invalid message header: {what}; skipped to the next Content-Length");
        return Step.Produced;
    }

    private void StartResync(bool skipFirstByte)
    {
        ResetHeaders();
        _state = State.Resync;
        _resyncSkipsFirstByte = skipFirstByte;
    }

    private void ResetHeaders()
    {
        _sawHeader = false;
        _contentLength = -1;
        _badCharset = null;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18) return false;
        foreach (byte b in value)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            length = length * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>The charset parameter of a Content-Type value when it is not UTF-8 ("utf-8", or "utf8" as LSP also accepts).</summary>
    private static string? UnsupportedCharset(ReadOnlySpan<byte> value)
    {
        foreach (Range r in value.Split((byte)';'))
        {
            ReadOnlySpan<byte> param = value[r].Trim((byte)' ');
            if (param.Length < 8 || !Ascii.EqualsIgnoreCase(param[..8], "charset="u8)) continue;
            ReadOnlySpan<byte> charset = param[8..].Trim((byte)'"');
            return Ascii.EqualsIgnoreCase(charset, "utf-8"u8) || Ascii.EqualsIgnoreCase(charset, "utf8"u8) ? null : Show(charset);
        }
        return null;
    }

    /// <summary>RFC 7230 token characters, the only ones a header name may have.</summary>
    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            bool ok = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok) return false;
        }
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> buffer)
    {
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (segment.Span.IndexOfAnyExcept("\r\n \t"u8) >= 0) return false;
        }
        return true;
    }

    /// <summary>Bytes shown in an error message: at most 40, as Latin-1 so that any byte prints.</summary>
    private static string Show(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 40 ? Encoding.Latin1.GetString(bytes) : Encoding.Latin1.GetString(bytes[..40]) + "...";
}
