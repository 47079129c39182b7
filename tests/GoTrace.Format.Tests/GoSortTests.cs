using System.Globalization;

namespace GoTrace.Format.Tests;

/// <summary>
/// Checks that <see cref="GoSort"/> reproduces Go's <c>slices.SortFunc</c> exactly, including
/// the (unstable) order of equal elements.
/// </summary>
/// <remarks>
/// Data/gosort-golden.txt was produced by Data/gosort-golden.go.txt with Go 1.27: each line
/// holds the keys of an input and the permutation Go's SortFunc produced when sorting
/// (key, originalIndex) pairs by key only. See the Go file's header for how to re-generate it.
/// </remarks>
public sealed class GoSortTests
{
    private readonly record struct Item(int Key, int Index);

    private readonly struct KeyComparer : IComparer<Item>
    {
        public int Compare(Item x, Item y) => x.Key.CompareTo(y.Key);
    }

    private sealed record GoldenCase(int LineNumber, int[] Keys, int[] Perm);

    private static readonly Lazy<IReadOnlyList<GoldenCase>> Golden = new(LoadGolden);

    private static IReadOnlyList<GoldenCase> LoadGolden()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "gosort-golden.txt");
        var cases = new List<GoldenCase>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            int bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar < 0)
            {
                throw new InvalidDataException($"gosort-golden.txt:{i + 1}: missing '|'");
            }
            cases.Add(new GoldenCase(i + 1, ParseInts(line.AsSpan(0, bar)), ParseInts(line.AsSpan(bar + 1))));
        }
        return cases;
    }

    private static int[] ParseInts(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return [];
        }
        var result = new List<int>();
        foreach (Range r in text.Split(','))
        {
            result.Add(int.Parse(text[r], NumberStyles.None, CultureInfo.InvariantCulture));
        }
        return [.. result];
    }

    private static Item[] MakeItems(int[] keys)
    {
        var items = new Item[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            items[i] = new Item(keys[i], i);
        }
        return items;
    }

    private static int[] Indices(Item[] items) => Array.ConvertAll(items, item => item.Index);

    private static string Describe(GoldenCase c, int[] actual)
    {
        int at = 0;
        while (at < actual.Length && actual[at] == c.Perm[at])
        {
            at++;
        }
        return $"line {c.LineNumber} (n={c.Keys.Length}): first difference at position {at}";
    }

    /// <summary>Runs <paramref name="sort"/> on every golden case and returns descriptions of the mismatches.</summary>
    private static List<string> MismatchesAgainstGolden(Action<Item[]> sort)
    {
        var failures = new List<string>();
        foreach (GoldenCase c in Golden.Value)
        {
            Item[] items = MakeItems(c.Keys);
            sort(items);
            int[] actual = Indices(items);
            if (!actual.AsSpan().SequenceEqual(c.Perm))
            {
                failures.Add(Describe(c, actual));
            }
        }
        return failures;
    }

    [Fact]
    public void GoldenFile_CoversTheIntendedCases()
    {
        IReadOnlyList<GoldenCase> cases = Golden.Value;
        Assert.True(cases.Count >= 900, $"only {cases.Count} golden cases");

        var sizes = cases.Select(c => c.Keys.Length).ToHashSet();
        int[] expectedSizes = [.. Enumerable.Range(0, 41), 50, 100, 257, 1000, 5000];
        Assert.All(expectedSizes, n => Assert.Contains(n, sizes));

        foreach (GoldenCase c in cases)
        {
            // Every recorded result must be a permutation of the input indices, sorted by key.
            Assert.Equal(c.Keys.Length, c.Perm.Length);
            int[] sortedPerm = [.. c.Perm];
            Array.Sort(sortedPerm);
            Assert.Equal(Enumerable.Range(0, c.Keys.Length), sortedPerm);
            for (int k = 1; k < c.Perm.Length; k++)
            {
                Assert.True(c.Keys[c.Perm[k - 1]] <= c.Keys[c.Perm[k]], $"golden line {c.LineNumber} is not sorted");
            }
        }

        // Many cases must actually have ties, otherwise the order would be unique anyway.
        int withTies = cases.Count(c => c.Keys.Distinct().Count() < c.Keys.Length);
        Assert.True(withTies >= cases.Count / 2, $"only {withTies} cases with equal keys");
    }

    [Fact]
    public void SortFunc_WithComparison_MatchesGoPermutations()
    {
        List<string> failures = MismatchesAgainstGolden(
            items => GoSort.SortFunc<Item>(items, (x, y) => x.Key.CompareTo(y.Key)));
        Assert.Empty(failures);
    }

    [Fact]
    public void SortFunc_WithStructComparer_MatchesGoPermutations()
    {
        List<string> failures = MismatchesAgainstGolden(
            items => GoSort.SortFunc<Item, KeyComparer>(items, default));
        Assert.Empty(failures);
    }

    [Fact]
    public void SortFunc_OnlyTheSignOfTheComparisonMatters()
    {
        // Go only ever tests cmp(a, b) < 0; large magnitudes must not change anything.
        List<string> failures = MismatchesAgainstGolden(items => GoSort.SortFunc<Item>(
            items, (x, y) => x.Key < y.Key ? int.MinValue : x.Key > y.Key ? int.MaxValue : 0));
        Assert.Empty(failures);
    }

    [Fact]
    public void SortFunc_GoldenInputs_ComeOutSorted()
    {
        foreach (GoldenCase c in Golden.Value)
        {
            Item[] items = MakeItems(c.Keys);
            GoSort.SortFunc<Item, KeyComparer>(items, default);
            for (int k = 1; k < items.Length; k++)
            {
                Assert.True(items[k - 1].Key <= items[k].Key, $"line {c.LineNumber}: not sorted at {k}");
            }
        }
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 16)]
    [InlineData(3, 1000)]
    [InlineData(4, int.MaxValue)]
    public void SortFunc_RandomInputs_AreSortedPermutations(int seed, int keyRange)
    {
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            int n = round < 100 ? round : random.Next(100, 3000);
            int[] keys = new int[n];
            for (int i = 0; i < n; i++)
            {
                keys[i] = random.Next(keyRange);
            }

            Item[] viaDelegate = MakeItems(keys);
            GoSort.SortFunc<Item>(viaDelegate, (x, y) => x.Key.CompareTo(y.Key));
            Item[] viaStruct = MakeItems(keys);
            GoSort.SortFunc<Item, KeyComparer>(viaStruct, default);

            Assert.Equal(viaDelegate, viaStruct);
            for (int k = 1; k < n; k++)
            {
                Assert.True(viaDelegate[k - 1].Key <= viaDelegate[k].Key, $"n={n}: not sorted at {k}");
            }
            int[] indices = Indices(viaDelegate);
            Array.Sort(indices);
            Assert.Equal(Enumerable.Range(0, n), indices);
        }
    }

    [Fact]
    public void SortFunc_SortsOnlyTheGivenSpan()
    {
        int[] data = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 5, 5, 5, 1, 2, 3, 4, 9, 9, 9];
        int[] expected = [.. data];
        Array.Sort(expected, 3, 14);

        GoSort.SortFunc(data.AsSpan(3, 14), (x, y) => x.CompareTo(y));

        Assert.Equal(expected, data);
    }

    [Fact]
    public void SortFunc_HandlesEmptyAndSingleElementSpans()
    {
        GoSort.SortFunc(Span<int>.Empty, (x, y) => throw new InvalidOperationException("no comparisons expected"));

        int[] one = [42];
        GoSort.SortFunc<int>(one, (x, y) => throw new InvalidOperationException("no comparisons expected"));
        Assert.Equal([42], one);
    }
}
