namespace GoTrace.Analysis.Mmu;

/// <summary>What counts as GC (not mutator) time, as Go's <c>trace.UtilFlags</c>.</summary>
[Flags]
public enum UtilFlags
{
    /// <summary>Nothing is GC: utilization is 1 everywhere (until the trace end).</summary>
    None = 0,

    /// <summary>GC stop-the-world ranges (names starting with "stop-the-world" and containing "GC") stop every P.</summary>
    Stw = 1,

    /// <summary>Background mark workers (labelled "GC (dedicated)" / "GC (fractional)") count while they run.</summary>
    Background = 2,

    /// <summary>Mark assists count on their P while the assisting goroutine runs.</summary>
    Assist = 4,

    /// <summary>Incremental sweeping counts on its P.</summary>
    Sweep = 8,

    /// <summary>One 0/1 utilization function per P instead of one system-wide function.</summary>
    PerProc = 16,
}

/// <summary>Go's spelling of <see cref="UtilFlags"/> (the <c>flags</c> parameter of <c>/mmu</c>).</summary>
public static class UtilFlagsText
{
    /// <summary>
    /// Parses Go's <c>flags</c> value: names separated by '|' (<c>perProc</c>, <c>stw</c>, <c>background</c>,
    /// <c>assist</c>, <c>sweep</c>); unknown names (e.g. <c>mut</c>) contribute nothing, as in Go.
    /// <paramref name="percentiles"/> tells whether <c>mut</c> (show percentiles) was among them.
    /// </summary>
    public static UtilFlags Parse(string? text, out bool percentiles)
    {
        var flags = UtilFlags.None;
        percentiles = false;
        if (string.IsNullOrEmpty(text)) return flags;
        foreach (var part in text.Split('|'))
        {
            switch (part)
            {
                case "perProc": flags |= UtilFlags.PerProc; break;
                case "stw": flags |= UtilFlags.Stw; break;
                case "background": flags |= UtilFlags.Background; break;
                case "assist": flags |= UtilFlags.Assist; break;
                case "sweep": flags |= UtilFlags.Sweep; break;
                case "mut": percentiles = true; break;
            }
        }
        return flags;
    }

    /// <summary>Parses Go's <c>flags</c> value, ignoring <c>mut</c>.</summary>
    public static UtilFlags Parse(string? text) => Parse(text, out _);

    /// <summary>Go's spelling, e.g. <c>perProc|stw|background|assist</c> ("" for none).</summary>
    public static string Format(UtilFlags flags)
    {
        var parts = new List<string>(5);
        if ((flags & UtilFlags.PerProc) != 0) parts.Add("perProc");
        if ((flags & UtilFlags.Stw) != 0) parts.Add("stw");
        if ((flags & UtilFlags.Background) != 0) parts.Add("background");
        if ((flags & UtilFlags.Assist) != 0) parts.Add("assist");
        if ((flags & UtilFlags.Sweep) != 0) parts.Add("sweep");
        return string.Join('|', parts);
    }
}
