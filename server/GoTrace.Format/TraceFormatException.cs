namespace GoTrace.Format;

/// <summary>
/// The one exception the format layer throws for a trace it cannot read: damaged, truncated,
/// corrupt, an unknown version, or not a trace at all. It names what was being read and where.
/// Everything delivered before it is valid (see FORMAT.md, "Damaged input").
/// </summary>
/// <remarks>
/// <see cref="Reason"/> is the problem in the words of Go's reference parser
/// (<c>src/internal/trace</c>), so that our message can be compared with what
/// <c>go tool trace</c> prints for the same file; <see cref="Exception.Message"/> adds the context.
/// </remarks>
public sealed class TraceFormatException : Exception
{
    public TraceFormatException(string reason, string what, long offset = -1, ulong generation = 0, long thread = NoThreadKnown)
        : base(Compose(reason, what, offset, generation, thread))
    {
        Reason = reason;
        What = what;
        Offset = offset;
        Generation = generation;
        Thread = thread;
    }

    /// <summary>Marker for "no thread known" (distinct from the model's NoThread = -1).</summary>
    public const long NoThreadKnown = long.MinValue;

    /// <summary>The problem, worded as Go's parser words it.</summary>
    public string Reason { get; }

    /// <summary>What was being read, e.g. "batch header" or "event of thread 1234".</summary>
    public string What { get; }

    /// <summary>Byte offset in the file where the problem was found, or -1 when not tied to a byte.</summary>
    public long Offset { get; }

    /// <summary>Generation number, or 0 when unknown.</summary>
    public ulong Generation { get; }

    /// <summary>OS thread ID whose data was being read, or <see cref="NoThreadKnown"/>.</summary>
    public long Thread { get; }

    private static string Compose(string reason, string what, long offset, ulong generation, long thread)
    {
        var where = new System.Text.StringBuilder();
        where.Append(what);
        if (offset >= 0) where.Append(" at offset 0x").Append(offset.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        if (generation != 0) where.Append(" (generation ").Append(generation).Append(')');
        if (thread != NoThreadKnown) where.Append(" (thread ").Append(thread).Append(')');
        return where.Append(": ").Append(reason).ToString();
    }
}
