namespace GoTrace.Analysis.Mmu;

/// <summary>The order of a <see cref="GoHeap"/>: the top is the element that is less than all others.</summary>
internal interface IGoLess<T>
{
    static abstract bool Less(in T a, in T b);
}

/// <summary>
/// Go's <c>container/heap</c> operations on a list (trace-analyses.md Appendix C). Which of several equal elements
/// surfaces first follows from these exact steps, and decides which of equally bad windows Go reports.
/// </summary>
internal static class GoHeap
{
    public static void Init<T, TLess>(List<T> h) where TLess : IGoLess<T>
    {
        int n = h.Count;
        for (int i = n / 2 - 1; i >= 0; i--) Down<T, TLess>(h, i, n);
    }

    public static void Push<T, TLess>(List<T> h, T x) where TLess : IGoLess<T>
    {
        h.Add(x);
        Up<T, TLess>(h, h.Count - 1);
    }

    public static T Pop<T, TLess>(List<T> h) where TLess : IGoLess<T>
    {
        int n = h.Count - 1;
        Swap(h, 0, n);
        Down<T, TLess>(h, 0, n);
        return RemoveLast(h);
    }

    public static T Remove<T, TLess>(List<T> h, int i) where TLess : IGoLess<T>
    {
        int n = h.Count - 1;
        if (n != i)
        {
            Swap(h, i, n);
            if (!Down<T, TLess>(h, i, n)) Up<T, TLess>(h, i);
        }
        return RemoveLast(h);
    }

    private static T RemoveLast<T>(List<T> h)
    {
        var x = h[^1];
        h.RemoveAt(h.Count - 1);
        return x;
    }

    private static void Swap<T>(List<T> h, int i, int j) => (h[i], h[j]) = (h[j], h[i]);

    private static void Up<T, TLess>(List<T> h, int j) where TLess : IGoLess<T>
    {
        while (true)
        {
            int i = (j - 1) / 2; // parent; 0 for j == 0 (truncating division, as Go)
            if (i == j || !TLess.Less(h[j], h[i])) break;
            Swap(h, i, j);
            j = i;
        }
    }

    private static bool Down<T, TLess>(List<T> h, int i0, int n) where TLess : IGoLess<T>
    {
        int i = i0;
        while (true)
        {
            int j1 = 2 * i + 1;
            if (j1 >= n || j1 < 0) break;
            int j = j1;
            int j2 = j1 + 1;
            if (j2 < n && TLess.Less(h[j2], h[j1])) j = j2;
            if (!TLess.Less(h[j], h[i])) break;
            Swap(h, i, j);
            i = j;
        }
        return i > i0;
    }
}
