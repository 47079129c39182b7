namespace GoTrace.Analysis.Mmu;

/// <summary>
/// How to compute MMU results. The default is the correct computation; <see cref="Go"/> reproduces Go 1.27's
/// <c>go tool trace</c> number for number, including its bugs (listed in <c>Mmu/README.md</c>):
/// <list type="bullet">
/// <item>background mark workers counted twice per run after their first (per-P GC counters drift up);</item>
/// <item>windows evaluated partly after the trace end (MMU(1 ns) = 0 even without any GC);</item>
/// <item>percentiles (MUD) that always equal the MMU;</item>
/// <item>worst-window links pointing at the wrong viewer range, with absolute times.</item>
/// </list>
/// </summary>
/// <param name="GoCompatible">Reproduce Go's quirks (see above).</param>
public sealed record MmuOptions(bool GoCompatible = false)
{
    /// <summary>The correct computation (the default).</summary>
    public static readonly MmuOptions Correct = new(false);

    /// <summary>Exactly what Go 1.27 computes, quirks included.</summary>
    public static readonly MmuOptions Go = new(true);
}
