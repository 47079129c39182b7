using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;

namespace GoTrace.Server.Rpc;

/// <summary>
/// Writes LSP base-protocol frames (<c>Content-Length: N\r\n\r\n</c> and the body) to a <see cref="PipeWriter"/>, one
/// whole frame at a time: concurrent writers are serialized by a lock, so frames never interleave. When the other side
/// has gone away (the pipe completed, the stream failed), further writes are dropped and return false.
/// </summary>
public sealed class MessageWriter
{
    private readonly PipeWriter _output;
    private readonly ServerLog _log;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _closed;

    public MessageWriter(PipeWriter output, ServerLog? log = null)
    {
        _output = output;
        _log = log ?? ServerLog.Null;
    }

    /// <summary>Whether the output has ended (completed by us or failed); writes are then dropped.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Writes and flushes one frame; false when the output has ended.</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_closed) return false;
            WriteFrame(body.Span);
            FlushResult flushed = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCompleted)
            {
                _log.Debug("the output was closed by the reader");
                _closed = true;
            }
            return !flushed.IsCompleted && !flushed.IsCanceled;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _log.Warning("cannot write to the output: " + e.Message);
            _closed = true;
            return false;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Ends the output. A write still blocked after <paramref name="timeout"/> (a reader that stopped reading) is left
    /// alone: the output is then only marked closed.
    /// </summary>
    public async ValueTask CompleteAsync(TimeSpan timeout)
    {
        if (!await _lock.WaitAsync(timeout).ConfigureAwait(false))
        {
            Volatile.Write(ref _closed, true);
            _log.Warning("the output is blocked (the client does not read); it was not closed");
            return;
        }
        try
        {
            if (_closed) return;
            _closed = true;
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _log.Debug("closing the output: " + e.Message);
        }
        finally
        {
            _lock.Release();
        }
    }

    private void WriteFrame(ReadOnlySpan<byte> body)
    {
        Span<byte> header = _output.GetSpan(48);
        "Content-Length: "u8.CopyTo(header);
        int n = "Content-Length: "u8.Length;
        Utf8Formatter.TryFormat(body.Length, header[n..], out int digits);
        n += digits;
        "\r\n\r\n"u8.CopyTo(header[n..]);
        _output.Advance(n + 4);
        _output.Write(body);
    }
}
