namespace GoTrace.Server.Traces;

/// <summary>
/// Matches a file of the user's workspace to the file paths a trace carries (build-machine absolute paths, module
/// cache paths such as <c>/root/go/pkg/mod/example.com/m@v1.2.3/x.go</c>, <c>-trimpath</c> forms such as
/// <c>example.com/m/x.go</c>): the trace path sharing the longest suffix of whole path elements wins.
/// </summary>
public static class PathMatcher
{
    /// <summary>The result of a match.</summary>
    /// <param name="TracePath">The trace's path, or null when no trace path ends with the file's name.</param>
    /// <param name="MatchedElements">Number of trailing path elements in common.</param>
    /// <param name="Ambiguous">Other trace paths that match as well (equally long suffix).</param>
    public sealed record Match(string? TracePath, int MatchedElements, IReadOnlyList<string> Ambiguous);

    private static string[] Elements(string path) =>
        path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Trailing elements <paramref name="a"/> and <paramref name="b"/> have in common (module versions "@v…" ignored on the trace side).</summary>
    public static int CommonSuffix(string a, string b)
    {
        var x = Elements(a);
        var y = Elements(b);
        int n = 0;
        while (n < x.Length && n < y.Length && Same(x[^(n + 1)], y[^(n + 1)])) n++;
        return n;
    }

    private static bool Same(string local, string trace)
    {
        if (string.Equals(local, trace, StringComparison.Ordinal)) return true;
        // module cache: "example.com/m@v1.2.3/x.go" is the workspace's ".../m/x.go"
        int at = trace.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && string.Equals(local, trace[..at], StringComparison.Ordinal);
    }

    /// <summary>The trace path best matching <paramref name="localPath"/>, among <paramref name="tracePaths"/>.</summary>
    public static Match Best(string localPath, IEnumerable<string> tracePaths)
    {
        string? best = null;
        int bestN = 0;
        var ties = new List<string>();
        foreach (var t in tracePaths)
        {
            int n = CommonSuffix(localPath, t);
            if (n == 0) continue;
            if (n > bestN)
            {
                best = t;
                bestN = n;
                ties.Clear();
            }
            else if (n == bestN && !string.Equals(t, best, StringComparison.Ordinal))
            {
                ties.Add(t);
            }
        }
        return new Match(best, bestN, ties);
    }
}
