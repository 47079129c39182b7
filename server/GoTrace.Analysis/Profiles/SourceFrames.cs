namespace GoTrace.Analysis;

/// <summary>Classifies frames as user code or Go's standard library / runtime.</summary>
public static class SourceFrames
{
    /// <summary>
    /// True when <paramref name="function"/> belongs to the program rather than to the standard library: its package
    /// is <c>main</c>, or its import path's first element contains a dot (a module path such as <c>example.com/x</c>),
    /// the rule the go command uses to tell standard packages apart.
    /// </summary>
    public static bool IsUserFunction(string function)
    {
        if (function.Length == 0) return false;
        int slash = function.LastIndexOf('/');
        int dot = function.IndexOf('.', slash + 1);
        var pkg = dot < 0 ? function : function[..dot];
        if (pkg == "main") return true;
        int firstSlash = pkg.IndexOf('/');
        var first = firstSlash < 0 ? pkg : pkg[..firstSlash];
        return first.Contains('.');
    }

    /// <summary>Index of the first user frame of a stack (leaf first), or 0 when there is none.</summary>
    public static int FirstUserFrame(StackTable stacks, int stack)
    {
        var f = stacks.FrameIndexes(stack);
        for (int i = 0; i < f.Length; i++)
            if (IsUserFunction(stacks.GetFrame(f[i]).Function)) return i;
        return 0;
    }
}
