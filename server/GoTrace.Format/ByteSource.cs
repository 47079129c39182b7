namespace GoTrace.Format;

/// <summary>
/// Buffered forward-only reader over a <see cref="Stream"/> that knows its file offset. Works with streams
/// that return any number of bytes per read (tests feed 1, 7 and 4096 bytes at a time).
/// </summary>
internal sealed class ByteSource
{
    private readonly Stream _stream;
    private readonly byte[] _buf;
    private int _pos, _len;
    private long _bufStart;
    private bool _eof;

    public ByteSource(Stream stream, int bufferSize = 1 << 16)
    {
        _stream = stream;
        _buf = new byte[bufferSize];
    }

    /// <summary>File offset of the next byte.</summary>
    public long Offset => _bufStart + _pos;

    private bool Fill()
    {
        if (_pos < _len) return true;
        if (_eof) return false;
        _bufStart += _len;
        _pos = 0;
        _len = 0;
        while (_len == 0)
        {
            int n = _stream.Read(_buf, 0, _buf.Length);
            if (n <= 0)
            {
                _eof = true;
                return false;
            }
            _len = n;
        }
        return true;
    }

    /// <summary>Next byte, or -1 at end of input.</summary>
    public int ReadByte() => Fill() ? _buf[_pos++] : -1;

    /// <summary>Reads a varint like Go's <c>binary.ReadUvarint</c>.</summary>
    public VarintStatus ReadUvarint(out ulong value, out bool sawAnyByte)
    {
        ulong v = 0;
        int shift = 0;
        sawAnyByte = false;
        for (int i = 0; i < Uvarint.MaxLength; i++)
        {
            int b = ReadByte();
            if (b < 0)
            {
                value = 0;
                return VarintStatus.Truncated;
            }
            sawAnyByte = true;
            if (b < 0x80)
            {
                if (i == Uvarint.MaxLength - 1 && b > 1)
                {
                    value = 0;
                    return VarintStatus.Overflow;
                }
                value = v | ((ulong)b << shift);
                return VarintStatus.Ok;
            }
            v |= (ulong)(b & 0x7f) << shift;
            shift += 7;
        }
        value = 0;
        return VarintStatus.Overflow;
    }

    /// <summary>Copies up to <paramref name="dst"/>.Length bytes; returns how many were available before end of input.</summary>
    public int Read(Span<byte> dst)
    {
        int done = 0;
        while (done < dst.Length)
        {
            if (_pos >= _len)
            {
                // Large reads bypass the buffer.
                if (!_eof && dst.Length - done >= _buf.Length)
                {
                    _bufStart += _len;
                    _pos = _len = 0;
                    int n = _stream.Read(dst[done..]);
                    if (n <= 0) { _eof = true; break; }
                    _bufStart += n;
                    done += n;
                    continue;
                }
                if (!Fill()) break;
            }
            int take = Math.Min(_len - _pos, dst.Length - done);
            _buf.AsSpan(_pos, take).CopyTo(dst[done..]);
            _pos += take;
            done += take;
        }
        return done;
    }
}
