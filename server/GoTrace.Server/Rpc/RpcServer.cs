using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace GoTrace.Server.Rpc;

/// <summary>Settings of an <see cref="RpcServer"/>.</summary>
public sealed class RpcServerOptions
{
    /// <summary>Largest accepted message body; larger ones are skipped unread and answered with -32600.</summary>
    public int MaxMessageBytes { get; init; } = MessageReader.DefaultMaxMessageBytes;

    /// <summary>How long the end of the server (exit, end of input) waits for requests still running to answer.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// A JSON-RPC 2.0 server over the LSP base protocol, on any <see cref="PipeReader"/>/<see cref="PipeWriter"/> pair
/// (stdin/stdout in <c>gotrace serve</c>, in-memory pipes in tests). Methods are registered before
/// <see cref="RunAsync"/> with typed handlers and source-generated JSON metadata; the server handles the LSP lifecycle
/// (initialize, initialized, shutdown, exit), <c>$/cancelRequest</c>, and every protocol error (PROTOCOL.md).
/// <para>
/// Messages are read one at a time. Each request runs on the thread pool, so requests are answered concurrently and
/// possibly out of order; responses and notifications go out whole, one at a time. Client notifications are handled in
/// order on the reading loop (their handlers should be quick). <c>initialize</c> and <c>shutdown</c> are answered on the
/// reading loop too, so that they take effect before the next message is read.
/// </para>
/// </summary>
public sealed class RpcServer
{
    private delegate ValueTask<Action<Utf8JsonWriter>?> Handler(JsonElement? @params, RequestContext context, CancellationToken cancellationToken);

    /// <summary>A request being handled: its cancellation, and a signal once its answer is written.</summary>
    private sealed class InFlight
    {
        public CancellationTokenSource Cancellation { get; } = new();

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();
    private static readonly HashSet<string> Reserved = ["initialize", "initialized", "shutdown", "exit", "$/cancelRequest"];

    private readonly PipeReader _input;
    private readonly MessageReader _reader;
    private readonly MessageWriter _writer;
    private readonly RpcServerOptions _options;
    private readonly Dictionary<string, Handler> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Handler> _notifications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RequestId, InFlight> _inFlight = new(); // by id, for $/cancelRequest
    private readonly ConcurrentDictionary<InFlight, byte> _running = new();       // until answered, for the end
    private readonly CancellationTokenSource _lifetime = new();
    private int _started;
    private string[] _methodNames = [];       // sorted, for initialize; fixed once running
    private string[] _notificationNames = [];
    private volatile bool _initialized;
    private volatile bool _shutdownRequested;

    public RpcServer(PipeReader input, PipeWriter output, ServerLog? log = null, RpcServerOptions? options = null)
    {
        _options = options ?? new RpcServerOptions();
        Log = log ?? ServerLog.Null;
        _input = input;
        _reader = new MessageReader(input, _options.MaxMessageBytes);
        _writer = new MessageWriter(output, Log);
    }

    /// <summary>A server over two streams (e.g. stdin and stdout).</summary>
    public static RpcServer FromStreams(Stream input, Stream output, ServerLog? log = null, RpcServerOptions? options = null) =>
        new(PipeReader.Create(input), PipeWriter.Create(output), log, options);

    /// <summary>The informational version of gotrace, as sent in <c>serverInfo</c>.</summary>
    public static string Version { get; } =
        typeof(RpcServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public ServerLog Log { get; }

    /// <summary>The params of <c>initialize</c>, once it has been received.</summary>
    public InitializeParams? ClientParams { get; private set; }

    public bool IsInitialized => _initialized;

    public bool IsShutdownRequested => _shutdownRequested;

    /// <summary>
    /// Registers a request method. Its params are deserialized with <paramref name="paramsType"/> (absent or null params
    /// as <c>{}</c>; a mismatch is answered with -32602), its result serialized with <paramref name="resultType"/>.
    /// The handler may throw <see cref="RpcException"/> to answer with an error; the token is cancelled by
    /// <c>$/cancelRequest</c> and when the server ends. Only before <see cref="RunAsync"/>.
    /// </summary>
    public void Register<TParams, TResult>(string method, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType,
        Func<TParams, RequestContext, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(resultType);
        ArgumentNullException.ThrowIfNull(handler);
        Add(_requests, method, async (p, context, ct) =>
        {
            TParams args = ReadParams(p, paramsType);
            TResult result = await handler(args, context, ct).ConfigureAwait(false);
            return w => JsonSerializer.Serialize(w, result, resultType);
        });
    }

    /// <summary>
    /// Registers a client-to-server notification. Handlers run in message order on the reading loop; their exceptions
    /// (and params that do not deserialize) are logged, never answered, as JSON-RPC requires. Only before <see cref="RunAsync"/>.
    /// </summary>
    public void RegisterNotification<TParams>(string method, JsonTypeInfo<TParams> paramsType,
        Func<TParams, RequestContext, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(handler);
        Add(_notifications, method, async (p, context, ct) =>
        {
            await handler(ReadParams(p, paramsType), context, ct).ConfigureAwait(false);
            return null;
        });
    }

    private void Add(Dictionary<string, Handler> table, string method, Handler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (Volatile.Read(ref _started) != 0) throw new InvalidOperationException($"{method}: methods must be registered before RunAsync");
        if (Reserved.Contains(method)) throw new ArgumentException($"{method} is handled by the server itself", nameof(method));
        if (_requests.ContainsKey(method) || _notifications.ContainsKey(method))
        {
            throw new ArgumentException($"{method} is already registered", nameof(method));
        }
        table.Add(method, handler);
    }

    /// <summary>Sends a notification to the client; dropped when the output has ended.</summary>
    public async ValueTask NotifyAsync<T>(string method, T @params, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ReadOnlyMemory<byte> body = OutgoingMessage.Notification(method, @params, typeInfo);
        if (Log.IsEnabled(LogLevel.Debug)) Log.Debug($"-> notification {method}");
        await _writer.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads and handles messages until <c>exit</c>, the end of the input, or <paramref name="cancellationToken"/>.
    /// Then cancels the requests still running, gives them <see cref="RpcServerOptions.StopGracePeriod"/> to answer, and
    /// ends the output. Returns the process exit code: 0 if <c>shutdown</c> was received before, else 1.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("RunAsync may be called only once");
        _methodNames = [.. _requests.Keys.Order(StringComparer.Ordinal)];
        _notificationNames = [.. _notifications.Keys.Order(StringComparer.Ordinal)];
        using CancellationTokenRegistration stop = cancellationToken.Register(() => _lifetime.Cancel());
        Log.Info($"gotrace {Version} serving JSON-RPC; {_methodNames.Length} methods");
        try
        {
            while (true)
            {
                Frame frame = await _reader.ReadAsync(_lifetime.Token).ConfigureAwait(false);
                switch (frame.Kind)
                {
                    case FrameKind.End:
                        if (frame.Truncated) Log.Warning("the input ended inside a message");
                        Log.Info(_shutdownRequested ? "the input ended after shutdown" : "the input ended without shutdown");
                        return ExitCode();
                    case FrameKind.Error:
                        Log.Warning($"bad frame ({frame.ErrorCode}): {frame.ErrorMessage}");
                        await SendAsync(OutgoingMessage.Error(null, frame.ErrorCode, frame.ErrorMessage!)).ConfigureAwait(false);
                        break;
                    default:
                        bool exit;
                        try
                        {
                            exit = await HandleMessageAsync(frame.Body!).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !_lifetime.IsCancellationRequested)
                        {
                            // A bug of ours on this message: answer it as an internal error and read on.
                            Log.Error("handling a message failed", e);
                            await SendErrorAsync(null, RpcErrorCodes.InternalError, "internal error: " + e.Message).ConfigureAwait(false);
                            break;
                        }
                        if (exit) return ExitCode();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            Log.Info("stopped");
            return ExitCode();
        }
        catch (IOException e)
        {
            Log.Error("cannot read the input: " + e.Message);
            return ExitCode();
        }
        finally
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    private int ExitCode() => _shutdownRequested ? 0 : 1;

    /// <summary>Handles one message body; true when it was <c>exit</c>.</summary>
    private async ValueTask<bool> HandleMessageAsync(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            Log.Warning("a message body that is not UTF-8");
            await SendErrorAsync(null, RpcErrorCodes.ParseError, "Parse error: the message body is not valid UTF-8").ConfigureAwait(false);
            return false;
        }
        JsonDocument document;
        try
        {
            ReadOnlyMemory<byte> json = body.AsSpan().StartsWith("\uFEFF"u8) ? body.AsMemory(3) : body;
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            Log.Warning("invalid JSON: " + e.Message);
            await SendAsync(OutgoingMessage.Error(null, RpcErrorCodes.ParseError, "Parse error: " + e.Message)).ConfigureAwait(false);
            return false;
        }

        bool handedOver = false; // a request running on the thread pool disposes the document itself
        try
        {
            if (!IncomingMessage.TryParse(document.RootElement, out IncomingMessage message, out RequestId? errorId, out string? error))
            {
                Log.Warning("invalid request: " + error);
                await SendAsync(OutgoingMessage.Error(errorId, RpcErrorCodes.InvalidRequest, "Invalid request: " + error)).ConfigureAwait(false);
                return false;
            }
            switch (message.Kind)
            {
                case MessageKind.Response:
                    Log.Debug($"<- response {message.Id} ignored (the server sends no requests)");
                    return false;
                case MessageKind.Notification:
                    return await HandleNotificationAsync(message).ConfigureAwait(false);
                default:
                    handedOver = await HandleRequestAsync(message, document).ConfigureAwait(false);
                    return false;
            }
        }
        finally
        {
            if (!handedOver) document.Dispose();
        }
    }

    /// <summary>Answers a request, or starts it on the thread pool (true: the document now belongs to it).</summary>
    private async ValueTask<bool> HandleRequestAsync(IncomingMessage message, JsonDocument document)
    {
        RequestId id = message.Id!.Value;
        string method = message.Method;
        if (Log.IsEnabled(LogLevel.Debug)) Log.Debug($"<- request {id} {method}");
        if (_shutdownRequested)
        {
            await SendErrorAsync(id, RpcErrorCodes.InvalidRequest, $"the server is shutting down: {method} refused after shutdown").ConfigureAwait(false);
            return false;
        }
        if (method == "initialize")
        {
            await InitializeAsync(id, message.Params).ConfigureAwait(false);
            return false;
        }
        if (!_initialized)
        {
            await SendErrorAsync(id, RpcErrorCodes.ServerNotInitialized, $"the server is not initialized: {method} refused before initialize").ConfigureAwait(false);
            return false;
        }
        if (method == "shutdown")
        {
            _shutdownRequested = true;
            Log.Info("shutdown");
            await SendAsync(OutgoingMessage.Result(id, static w => w.WriteNullValue())).ConfigureAwait(false);
            return false;
        }
        if (!_requests.TryGetValue(method, out Handler? handler))
        {
            await SendErrorAsync(id, RpcErrorCodes.MethodNotFound, $"method not found: {method}").ConfigureAwait(false);
            return false;
        }
        var flight = new InFlight();
        if (!_inFlight.TryAdd(id, flight))
        {
            await SendErrorAsync(id, RpcErrorCodes.InvalidRequest, $"request id {id} is already in use by a request in progress").ConfigureAwait(false);
            return false;
        }
        _running.TryAdd(flight, 0);
        _ = Task.Run(() => RunRequestAsync(id, method, message.Params, document, handler, flight));
        return true;
    }

    private async Task RunRequestAsync(RequestId id, string method, JsonElement? @params, JsonDocument document, Handler handler, InFlight flight)
    {
        long started = Stopwatch.GetTimestamp();
        CancellationToken token = flight.Cancellation.Token;
        ReadOnlyMemory<byte> response;
        long answered = 0;
        try
        {
            token.ThrowIfCancellationRequested();
            Action<Utf8JsonWriter>? result = await handler(@params, new RequestContext(this, id, method), token).ConfigureAwait(false);
            answered = Stopwatch.GetTimestamp();
            response = OutgoingMessage.Result(id, result!);
        }
        catch (Exception e)
        {
            response = ErrorResponse(id, method, e, token.IsCancellationRequested);
        }
        finally
        {
            document.Dispose();
            _inFlight.TryRemove(id, out _);
        }
        try
        {
            if (Log.IsEnabled(LogLevel.Debug))
            {
                // The whole time, and how much of it went into writing the JSON.
                Log.Debug($"-> response {id} {method} ({Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms"
                    + (answered != 0 ? $", JSON {Stopwatch.GetElapsedTime(answered).TotalMilliseconds:F1} ms" : "")
                    + $"; collections so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})");
            }
            await _writer.WriteAsync(response).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(flight, out _);
            flight.Done.TrySetResult();
        }
    }

    private ReadOnlyMemory<byte> ErrorResponse(RequestId id, string method, Exception e, bool cancelled)
    {
        switch (e)
        {
            case RpcException rpc:
                Log.Debug($"{method} (request {id}) answered error {rpc.Code}: {rpc.Message}");
                return OutgoingMessage.Error(id, rpc.Code, rpc.Message, rpc.ErrorData);
            case OperationCanceledException when cancelled:
                Log.Debug($"{method} (request {id}) cancelled");
                return OutgoingMessage.Error(id, RpcErrorCodes.RequestCancelled, $"{method} was cancelled");
            default:
                Log.Error($"{method} (request {id}) failed", e);
                JsonElement data = JsonSerializer.SerializeToElement(
                    new InternalErrorData { Type = e.GetType().FullName ?? e.GetType().Name, Message = e.Message },
                    RpcJsonContext.Default.InternalErrorData);
                return OutgoingMessage.Error(id, RpcErrorCodes.InternalError, $"internal error in {method}: {e.Message}", data);
        }
    }

    /// <summary>Handles a notification on the reading loop; true when it was <c>exit</c>.</summary>
    private async ValueTask<bool> HandleNotificationAsync(IncomingMessage message)
    {
        string method = message.Method;
        if (Log.IsEnabled(LogLevel.Debug)) Log.Debug($"<- notification {method}");
        switch (method)
        {
            case "exit":
                Log.Info(_shutdownRequested ? "exit after shutdown" : "exit without shutdown");
                return true;
            case "$/cancelRequest":
                Cancel(message.Params);
                return false;
            case "initialized":
                return false;
        }
        if (!_initialized || _shutdownRequested)
        {
            Log.Debug($"notification {method} dropped ({(_initialized ? "after shutdown" : "before initialize")})");
            return false;
        }
        if (_notifications.TryGetValue(method, out Handler? handler))
        {
            try
            {
                await handler(message.Params, new RequestContext(this, null, method), _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.Error($"notification {method} failed", e);
            }
        }
        else if (method.StartsWith("$/", StringComparison.Ordinal))
        {
            Log.Debug($"notification {method} ignored"); // LSP: "$/" notifications may be ignored
        }
        else
        {
            Log.Warning($"unknown notification {method} ignored");
        }
        return false;
    }

    /// <summary><c>$/cancelRequest</c> {id}: cancels that request's token (it answers -32800 if it stops).</summary>
    private void Cancel(JsonElement? @params)
    {
        if (@params is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("id"u8, out JsonElement idElement)
            || !RequestId.TryRead(idElement, out RequestId id))
        {
            Log.Warning("$/cancelRequest without a valid id ignored");
            return;
        }
        if (_inFlight.TryGetValue(id, out InFlight? flight))
        {
            Log.Debug($"cancelling request {id}");
            _ = flight.Cancellation.CancelAsync(); // the handler's callbacks run on the thread pool, not on this loop
        }
        else
        {
            Log.Debug($"$/cancelRequest for request {id}, which is not running");
        }
    }

    private async ValueTask InitializeAsync(RequestId id, JsonElement? @params)
    {
        if (_initialized)
        {
            await SendErrorAsync(id, RpcErrorCodes.InvalidRequest, "initialize may be sent only once").ConfigureAwait(false);
            return;
        }
        InitializeParams args;
        try
        {
            args = ReadParams(@params, RpcJsonContext.Default.InitializeParams);
        }
        catch (RpcException e)
        {
            await SendErrorAsync(id, e.Code, e.Message).ConfigureAwait(false);
            return;
        }
        ClientParams = args;
        _initialized = true;
        Log.Info("initialize from " + (args.ClientInfo is { } client ? $"{client.Name} {client.Version}".TrimEnd() : "an unnamed client")
            + (args.ProcessId is { } pid ? $" (process {pid})" : ""));
        var result = new InitializeResult
        {
            Capabilities = new ServerCapabilities
            {
                Experimental = new ExperimentalCapabilities { Methods = _methodNames, Notifications = _notificationNames },
            },
            ServerInfo = new ServerInfo { Name = "gotrace", Version = Version },
        };
        await SendAsync(OutgoingMessage.Result(id, w => JsonSerializer.Serialize(w, result, RpcJsonContext.Default.InitializeResult)))
            .ConfigureAwait(false);
    }

    /// <summary>Deserializes params; absent ones as <c>{}</c>. A mismatch is -32602 with the serializer's message.</summary>
    private static T ReadParams<T>(JsonElement? @params, JsonTypeInfo<T> type)
    {
        T? value;
        try
        {
            value = @params is { } p ? p.Deserialize(type) : JsonSerializer.Deserialize(EmptyObject, type);
        }
        catch (JsonException e)
        {
            throw RpcException.InvalidParams("Invalid params: " + e.Message);
        }
        return value ?? throw RpcException.InvalidParams("Invalid params: null");
    }

    private ValueTask<bool> SendErrorAsync(RequestId? id, int code, string message)
    {
        Log.Debug($"-> error {(id is { } i ? i.ToString() : "null")} {code}: {message}");
        return SendAsync(OutgoingMessage.Error(id, code, message));
    }

    private ValueTask<bool> SendAsync(ReadOnlyMemory<byte> body) => _writer.WriteAsync(body);

    private async Task StopAsync()
    {
        _lifetime.Cancel();
        InFlight[] running = [.. _running.Keys];
        foreach (InFlight flight in running)
        {
            try
            {
                flight.Cancellation.Cancel();
            }
            catch (AggregateException e)
            {
                Log.Error("a cancellation callback failed", e);
            }
        }
        if (running.Length > 0)
        {
            try
            {
                await Task.WhenAll(running.Select(f => f.Done.Task)).WaitAsync(_options.StopGracePeriod).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.Warning($"{running.Count(f => !f.Done.Task.IsCompleted)} requests did not end within {_options.StopGracePeriod.TotalSeconds} s");
            }
        }
        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Log.Debug("closing the input: " + e.Message);
        }
        await _writer.CompleteAsync(_options.StopGracePeriod).ConfigureAwait(false);
    }
}
