using System.Globalization;

namespace GoTrace.Server.Rpc;

/// <summary>Severity of a log line; <see cref="Off"/> as a minimum level silences the log.</summary>
public enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
    Off,
}

/// <summary>
/// The server's log: one line per entry, "HH:mm:ss.fff level message", written to a text writer (stderr in
/// <c>gotrace serve</c>, never stdout, which carries only the protocol). Thread-safe.
/// </summary>
public sealed class ServerLog
{
    private readonly TextWriter _writer;
    private readonly Lock _lock = new();

    public ServerLog(TextWriter writer, LogLevel minimumLevel = LogLevel.Info)
    {
        _writer = writer;
        MinimumLevel = minimumLevel;
    }

    /// <summary>A log that writes nothing.</summary>
    public static ServerLog Null { get; } = new(TextWriter.Null, LogLevel.Off);

    public LogLevel MinimumLevel { get; }

    public bool IsEnabled(LogLevel level) => level >= MinimumLevel && level != LogLevel.Off;

    public void Debug(string message) => Write(LogLevel.Debug, message);

    public void Info(string message) => Write(LogLevel.Info, message);

    public void Warning(string message) => Write(LogLevel.Warning, message);

    /// <summary>An error; with an exception, its full text (type, message, stack) follows the message.</summary>
    public void Error(string message, Exception? exception = null) =>
        Write(LogLevel.Error, exception is null ? message : message + Environment.NewLine + exception);

    public void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level)) return;
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} {Name(level)} {message}");
        lock (_lock)
        {
            try
            {
                _writer.WriteLine(line);
                _writer.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // Nowhere left to log to; the protocol goes on.
            }
        }
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info ",
        LogLevel.Warning => "warn ",
        _ => "error",
    };

    /// <summary>Parses the names accepted by <c>--log-level</c>: debug, info, warning, error, off.</summary>
    public static LogLevel ParseLevel(string name) => name.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Info,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "off" => LogLevel.Off,
        _ => throw new ArgumentException("unknown log level " + name, nameof(name)),
    };
}
