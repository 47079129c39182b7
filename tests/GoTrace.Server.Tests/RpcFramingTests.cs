using System.IO.Pipelines;
using System.Text;
using GoTrace.Server.Rpc;

namespace GoTrace.Server.Tests;

/// <summary>
/// The base-protocol framing, read by <see cref="MessageReader"/> from an in-memory pipe whose reader runs inline on
/// each flush, so that "the reader has seen this chunk" is deterministic after every write.
/// </summary>
public sealed class RpcFramingTests
{
    private const string Body = """{"jsonrpc":"2.0","method":"m"}""";

    private static Pipe InlinePipe() =>
        new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0, useSynchronizationContext: false));

    private static async Task WriteAsync(Pipe pipe, string text) => await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));

    private static async Task<Frame> ReadAsync(MessageReader reader) => await reader.ReadAsync().AsTask().WaitAsync(RpcWire.Timeout);

    private static void AssertMessage(Frame frame, string body)
    {
        Assert.True(frame.Kind == FrameKind.Message, $"expected a message, got {frame.Kind} {frame.ErrorMessage}");
        Assert.Equal(body, Encoding.UTF8.GetString(frame.Body!));
    }

    private static void AssertError(Frame frame, int code, string? contains = null)
    {
        Assert.True(frame.Kind == FrameKind.Error, $"expected an error, got {frame.Kind}");
        Assert.Equal(code, frame.ErrorCode);
        if (contains is not null) Assert.Contains(contains, frame.ErrorMessage);
    }

    [Fact]
    public async Task Headers_split_across_reads_are_joined()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        var read = reader.ReadAsync().AsTask();
        foreach (string part in new[] { "Content-Le", "ngth: ", $"{Body.Length}", "\r", "\n", "\r", "\n", Body[..5] })
        {
            await WriteAsync(pipe, part);
            Assert.False(read.IsCompleted, $"a frame was produced after '{part}'");
        }
        await WriteAsync(pipe, Body[5..]);
        AssertMessage(await read.WaitAsync(RpcWire.Timeout), Body);
    }

    [Fact]
    public async Task Several_messages_in_one_read_come_out_one_by_one()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        string[] bodies = ["{\"a\":1}", "{\"b\":[2,3]}", "{}"];
        await pipe.Writer.WriteAsync(bodies.SelectMany(RpcWire.Frame).ToArray());
        foreach (string body in bodies) AssertMessage(await ReadAsync(reader), body);
        var next = reader.ReadAsync().AsTask();
        Assert.False(next.IsCompleted);
        await pipe.Writer.CompleteAsync();
        Assert.Equal(FrameKind.End, (await next.WaitAsync(RpcWire.Timeout)).Kind);
    }

    [Fact]
    public async Task A_message_written_byte_by_byte_is_read_whole()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        const string body = """{"jsonrpc":"2.0","id":1,"method":"gotrace/ping","params":{"message":"é 日本"}}""";
        byte[] frame = RpcWire.Frame(body);
        var read = reader.ReadAsync().AsTask();
        for (int i = 0; i < frame.Length; i++)
        {
            Assert.False(read.IsCompleted, $"a frame was produced after {i} bytes");
            await pipe.Writer.WriteAsync(frame.AsMemory(i, 1));
        }
        AssertMessage(await read.WaitAsync(RpcWire.Timeout), body);
    }

    [Theory]
    [InlineData("garbage\r\n")]                       // a line that is not a header
    [InlineData("{\"jsonrpc\":\"2.0\"}\r\n")]          // a body without headers
    [InlineData("xx junk yy")]                        // glued to the next header, no newline
    [InlineData("Content-Length 12\r\n\r\n")]          // no colon
    [InlineData("Content-Length: 5\r\nnot a header\r\n\r\n")] // garbage inside a header block
    public async Task Garbage_between_messages_is_answered_once_and_skipped(string garbage)
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await pipe.Writer.WriteAsync(RpcWire.Frame("{\"first\":1}"));
        await WriteAsync(pipe, garbage);
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        await pipe.Writer.CompleteAsync();
        AssertMessage(await ReadAsync(reader), "{\"first\":1}");
        AssertError(await ReadAsync(reader), RpcErrorCodes.ParseError, "invalid message header");
        AssertMessage(await ReadAsync(reader), Body);
        Frame end = await ReadAsync(reader);
        Assert.Equal(FrameKind.End, end.Kind);
        Assert.False(end.Truncated);
    }

    [Fact]
    public async Task A_header_line_longer_than_the_limit_is_garbage()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await WriteAsync(pipe, new string('x', MessageReader.MaxHeaderLineBytes * 3)); // and no newline at all
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        AssertError(await ReadAsync(reader), RpcErrorCodes.ParseError, "longer than");
        AssertMessage(await ReadAsync(reader), Body);
    }

    [Fact]
    public async Task A_header_block_without_Content_Length_is_a_parse_error()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await WriteAsync(pipe, "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"lost\":true}");
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        AssertError(await ReadAsync(reader), RpcErrorCodes.ParseError, "without Content-Length");
        AssertMessage(await ReadAsync(reader), Body);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("12x")]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999999")]
    public async Task A_Content_Length_that_is_not_a_decimal_number_is_a_parse_error(string value)
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await WriteAsync(pipe, $"Content-Length: {value}\r\n\r\n{{\"lost\":true}}");
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        AssertError(await ReadAsync(reader), RpcErrorCodes.ParseError, "invalid Content-Length");
        AssertMessage(await ReadAsync(reader), Body);
    }

    [Fact]
    public async Task A_message_above_the_limit_is_skipped_exactly_and_reading_goes_on()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader, maxMessageBytes: 64);
        string big = "{\"x\":\"" + new string('a', 200) + "\"}"; // valid JSON, even containing "Content-Length"-free text
        await pipe.Writer.WriteAsync(RpcWire.Frame(big));
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        AssertError(await ReadAsync(reader), RpcErrorCodes.InvalidRequest, "exceeds the limit of 64 bytes");
        AssertMessage(await ReadAsync(reader), Body);
        string exact = new('b', 64);
        await pipe.Writer.WriteAsync(RpcWire.Frame(exact));
        AssertMessage(await ReadAsync(reader), exact); // the limit itself is allowed
    }

    [Fact]
    public async Task A_huge_Content_Length_is_refused_without_allocating_it()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader); // default limit: 64 MiB
        await WriteAsync(pipe, "Content-Length: 1073741824\r\n\r\n"); // 1 GiB announced
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 16; i++) await pipe.Writer.WriteAsync(chunk); // 1 MiB of it arrives, then the input ends
        await pipe.Writer.CompleteAsync();

        // Everything is already in the pipe: both reads complete synchronously, on this thread.
        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<Frame> first = reader.ReadAsync();
        Assert.True(first.IsCompleted);
        Frame refused = await first; // completed: continues on this thread
        ValueTask<Frame> second = reader.ReadAsync();
        Assert.True(second.IsCompleted);
        Frame end = await second;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        AssertError(refused, RpcErrorCodes.InvalidRequest, "1073741824 bytes exceeds the limit");
        Assert.Equal(FrameKind.End, end.Kind);
        Assert.True(end.Truncated);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated while refusing a 1 GiB message");
    }

    [Fact]
    public async Task A_refused_message_is_drained_as_it_arrives_not_buffered()
    {
        // The writer pauses once 64 KiB are unread: writing 4 MiB only completes if the reader consumes as it skips.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var reader = new MessageReader(pipe.Reader, maxMessageBytes: 1024);
        const int size = 4 << 20;
        var writing = Task.Run(async () =>
        {
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {size}\r\n\r\n"));
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < size / chunk.Length; i++) await pipe.Writer.WriteAsync(chunk);
            await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        });
        AssertError(await ReadAsync(reader), RpcErrorCodes.InvalidRequest);
        AssertMessage(await ReadAsync(reader), Body);
        await writing.WaitAsync(RpcWire.Timeout);
    }

    [Fact]
    public async Task A_body_larger_than_the_pipe_buffer_is_read_as_it_arrives()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var reader = new MessageReader(pipe.Reader);
        string big = "{\"x\":\"" + new string('z', 2 << 20) + "\"}";
        var writing = Task.Run(async () => await pipe.Writer.WriteAsync(RpcWire.Frame(big)));
        AssertMessage(await ReadAsync(reader), big);
        await writing.WaitAsync(RpcWire.Timeout);
    }

    [Fact]
    public async Task Header_names_are_case_insensitive_and_utf8_content_types_accepted()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await WriteAsync(pipe, $"content-length: {Body.Length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{Body}");
        await WriteAsync(pipe, $"Content-Type: application/vscode-jsonrpc; charset=utf8\r\nCONTENT-LENGTH:{Body.Length}\r\nX-Other: ignored\r\n\r\n{Body}");
        await WriteAsync(pipe, $"Content-Length: {Body.Length}\n\n{Body}"); // bare LF line ends are tolerated
        for (int i = 0; i < 3; i++) AssertMessage(await ReadAsync(reader), Body);
    }

    [Fact]
    public async Task A_charset_other_than_utf8_is_refused_after_its_body()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await WriteAsync(pipe, $"Content-Length: {Body.Length}\r\nContent-Type: application/json; charset=\"latin1\"\r\n\r\n{Body}");
        await pipe.Writer.WriteAsync(RpcWire.Frame("{}"));
        AssertError(await ReadAsync(reader), RpcErrorCodes.ParseError, "unsupported charset 'latin1'");
        AssertMessage(await ReadAsync(reader), "{}");
    }

    [Fact]
    public async Task Stray_blank_lines_between_messages_are_ignored()
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await WriteAsync(pipe, "\r\n\r\n");
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        await WriteAsync(pipe, "\r\n");
        await pipe.Writer.WriteAsync(RpcWire.Frame("{}"));
        await WriteAsync(pipe, "\n");
        await pipe.Writer.CompleteAsync();
        AssertMessage(await ReadAsync(reader), Body);
        AssertMessage(await ReadAsync(reader), "{}");
        Frame end = await ReadAsync(reader);
        Assert.Equal(FrameKind.End, end.Kind);
        Assert.False(end.Truncated);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("Content-Length: 10\r\n", true)]         // inside the headers
    [InlineData("Content-Length: 10\r\n\r\n{\"a\"", true)] // inside the body
    [InlineData("Content-Len", true)]                    // inside a header line
    public async Task The_end_of_the_input_ends_reading_and_says_whether_a_message_was_cut(string tail, bool truncated)
    {
        var pipe = InlinePipe();
        var reader = new MessageReader(pipe.Reader);
        await pipe.Writer.WriteAsync(RpcWire.Frame(Body));
        await WriteAsync(pipe, tail);
        await pipe.Writer.CompleteAsync();
        AssertMessage(await ReadAsync(reader), Body);
        Frame end = await ReadAsync(reader);
        Assert.Equal(FrameKind.End, end.Kind);
        Assert.Equal(truncated, end.Truncated);
        Assert.Equal(FrameKind.End, (await ReadAsync(reader)).Kind); // and stays ended
    }

    [Fact]
    public async Task The_writer_frames_each_body_whole_even_from_many_threads()
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(pipe.Writer);
        string[] bodies = [.. Enumerable.Range(0, 64).Select(i => $"{{\"n\":{i},\"pad\":\"{new string('p', i * 37)}\"}}")];
        var writes = bodies.Select(b => Task.Run(async () => Assert.True(await writer.WriteAsync(Encoding.UTF8.GetBytes(b)))));
        var reading = Task.Run(async () =>
        {
            var seen = new List<string>();
            Stream stream = pipe.Reader.AsStream();
            while (await RpcWire.ReadMessageAsync(stream) is { } message) seen.Add(message.GetRawText());
            return seen;
        });
        await Task.WhenAll(writes).WaitAsync(RpcWire.Timeout);
        await writer.CompleteAsync(RpcWire.Timeout);
        List<string> received = await reading.WaitAsync(RpcWire.Timeout);
        Assert.Equal(bodies.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
        Assert.False(await writer.WriteAsync("{}"u8.ToArray())); // after the end, writes are dropped
    }
}
