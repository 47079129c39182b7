using System.Numerics;

namespace GoTrace.Format;

/// <summary>
/// A re-implementation of Go's <c>slices.SortFunc</c> that yields exactly the same
/// permutation as Go for any input and any three-way comparison function.
/// </summary>
/// <remarks>
/// <para>
/// Go's <c>slices.SortFunc</c> (src/slices/sort.go) is not stable: it runs the
/// pattern-defeating quicksort in src/slices/zsortanyfunc.go (<c>pdqsortCmpFunc</c>),
/// which falls back to insertion sort for short ranges and to heap sort after too
/// many unbalanced partitions. Elements that compare equal therefore end up in an
/// order that depends on every individual swap the algorithm performs. To reproduce
/// Go's output byte for byte, this class mirrors that algorithm step by step: the
/// same comparisons (same operand order, only the sign "less than zero" matters),
/// the same swaps, the same pivot selection (median-of-three / Tukey ninther with
/// its swap counting), the same pseudo-random pattern breaking (the xorshift
/// generator and <c>nextPowerOfTwo</c> from src/slices/sort.go) and the same
/// recursion limit (<c>bits.Len(len)</c>).
/// </para>
/// <para>
/// Any change here must keep the golden test (tests/GoTrace.Format.Tests/GoSortTests.cs)
/// green; it compares against permutations produced by the real Go toolchain.
/// </para>
/// </remarks>
internal static class GoSort
{
    /// <summary>Ranges of at most this many elements are insertion sorted.</summary>
    private const int MaxInsertion = 12;

    /// <summary>Ranges at least this long pick their pivot with Tukey's ninther.</summary>
    private const int ShortestNinther = 50;

    /// <summary>
    /// Swap count meaning every comparison in pivot selection was inverted
    /// (4 medians of 3 comparisons each), i.e. the range looks descending.
    /// </summary>
    private const int MaxPivotSwaps = 4 * 3;

    /// <summary>Maximum number of out-of-order neighbours fixed by the partial insertion sort.</summary>
    private const int MaxPartialSteps = 5;

    /// <summary>The partial insertion sort never shifts anything in ranges shorter than this.</summary>
    private const int ShortestShifting = 50;

    private enum SortedHint
    {
        Unknown,
        Increasing,
        Decreasing,
    }

    /// <summary>
    /// Sorts <paramref name="data"/> in ascending order as determined by <paramref name="cmp"/>,
    /// producing the same (unstable) order as Go's <c>slices.SortFunc(data, cmp)</c>.
    /// </summary>
    public static void SortFunc<T>(Span<T> data, Comparison<T> cmp)
    {
        ArgumentNullException.ThrowIfNull(cmp);
        SortFunc(data, new DelegateComparer<T>(cmp));
    }

    /// <summary>
    /// Allocation-free variant of <see cref="SortFunc{T}(Span{T}, Comparison{T})"/> taking a
    /// struct comparer, so the comparison can be inlined by the JIT.
    /// </summary>
    public static void SortFunc<T, TCmp>(Span<T> data, TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        // Go: pdqsortCmpFunc(x, 0, n, bits.Len(uint(n)), cmp)
        Pdqsort(data, 0, data.Length, BitLen((uint)data.Length), ref cmp);
    }

    /// <summary>Go's <c>bits.Len</c>: number of bits needed to represent <paramref name="x"/>; 0 for 0.</summary>
    private static int BitLen(uint x) => 32 - BitOperations.LeadingZeroCount(x);

    private static bool Less<T, TCmp>(Span<T> data, int i, int j, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
        => cmp.Compare(data[i], data[j]) < 0;

    private static void Swap<T>(Span<T> data, int i, int j)
        => (data[i], data[j]) = (data[j], data[i]);

    /// <summary>Mirrors <c>insertionSortCmpFunc</c>: sorts data[a..b) by adjacent swaps.</summary>
    private static void InsertionSort<T, TCmp>(Span<T> data, int a, int b, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        for (int i = a + 1; i < b; i++)
        {
            for (int j = i; j > a && Less(data, j, j - 1, ref cmp); j--)
            {
                Swap(data, j, j - 1);
            }
        }
    }

    /// <summary>
    /// Mirrors <c>siftDownCmpFunc</c>: restores the max-heap property for the heap stored in
    /// data[first + lo .. first + hi), starting from node <paramref name="lo"/>.
    /// </summary>
    private static void SiftDown<T, TCmp>(Span<T> data, int lo, int hi, int first, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        int root = lo;
        while (true)
        {
            int child = 2 * root + 1;
            // Unsigned compare so that an overflowing 2*root+1 still counts as "past the end".
            if ((uint)child >= (uint)hi)
            {
                return;
            }
            if (child + 1 < hi && Less(data, first + child, first + child + 1, ref cmp))
            {
                child++;
            }
            if (!Less(data, first + root, first + child, ref cmp))
            {
                return;
            }
            Swap(data, first + root, first + child);
            root = child;
        }
    }

    /// <summary>Mirrors <c>heapSortCmpFunc</c>: heap sort of data[a..b), the bad-pivot fallback.</summary>
    private static void HeapSort<T, TCmp>(Span<T> data, int a, int b, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        int first = a;
        int hi = b - a;

        // Heapify, largest element ending up at data[first].
        for (int i = (hi - 1) / 2; i >= 0; i--)
        {
            SiftDown(data, i, hi, first, ref cmp);
        }

        // Repeatedly move the maximum behind the shrinking heap.
        for (int i = hi - 1; i >= 0; i--)
        {
            Swap(data, first, first + i);
            SiftDown(data, 0, i, first, ref cmp);
        }
    }

    /// <summary>
    /// Mirrors <c>pdqsortCmpFunc</c>: sorts data[a..b). <paramref name="limit"/> is how many
    /// badly unbalanced partitions are tolerated before switching to heap sort.
    /// </summary>
    private static void Pdqsort<T, TCmp>(Span<T> data, int a, int b, int limit, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        bool wasBalanced = true;    // previous partition split reasonably evenly
        bool wasPartitioned = true; // previous partition found nothing to swap

        while (true)
        {
            int length = b - a;

            if (length <= MaxInsertion)
            {
                InsertionSort(data, a, b, ref cmp);
                return;
            }

            if (limit == 0)
            {
                HeapSort(data, a, b, ref cmp);
                return;
            }

            if (!wasBalanced)
            {
                BreakPatterns(data, a, b);
                limit--;
            }

            (int pivot, SortedHint hint) = ChoosePivot(data, a, b, ref cmp);
            if (hint == SortedHint.Decreasing)
            {
                ReverseRange(data, a, b);
                // The pivot sat (pivot - a) places after the start; after reversal it sits
                // that many places before the end.
                pivot = (b - 1) - (pivot - a);
                hint = SortedHint.Increasing;
            }

            // Looks already sorted: try to finish cheaply.
            if (wasBalanced && wasPartitioned && hint == SortedHint.Increasing
                && PartialInsertionSort(data, a, b, ref cmp))
            {
                return;
            }

            // The element just before the range is a previous pivot (or smaller). If it is not
            // less than the new pivot, everything here is >= pivot: split off the run of
            // elements equal to the pivot, which then needs no further sorting.
            if (a > 0 && !Less(data, a - 1, pivot, ref cmp))
            {
                a = PartitionEqual(data, a, b, pivot, ref cmp);
                continue;
            }

            (int mid, bool alreadyPartitioned) = Partition(data, a, b, pivot, ref cmp);
            wasPartitioned = alreadyPartitioned;

            int leftLen = mid - a;
            int rightLen = b - mid;
            int balanceThreshold = length / 8;
            // Recurse into the smaller side, loop on the larger one.
            if (leftLen < rightLen)
            {
                wasBalanced = leftLen >= balanceThreshold;
                Pdqsort(data, a, mid, limit, ref cmp);
                a = mid + 1;
            }
            else
            {
                wasBalanced = rightLen >= balanceThreshold;
                Pdqsort(data, mid + 1, b, limit, ref cmp);
                b = mid;
            }
        }
    }

    /// <summary>
    /// Mirrors <c>partitionCmpFunc</c>: Hoare-style partition of data[a..b) around data[pivot].
    /// Returns the pivot's final index (elements before it are less, elements after are not
    /// less) and whether no element had to be swapped.
    /// </summary>
    private static (int Mid, bool AlreadyPartitioned) Partition<T, TCmp>(
        Span<T> data, int a, int b, int pivot, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        // The pivot is parked at data[a] while scanning.
        Swap(data, a, pivot);
        int i = a + 1;
        int j = b - 1; // i and j are both inclusive bounds of the unscanned part

        while (i <= j && Less(data, i, a, ref cmp))
        {
            i++;
        }
        while (i <= j && !Less(data, j, a, ref cmp))
        {
            j--;
        }
        if (i > j)
        {
            Swap(data, j, a);
            return (j, true);
        }
        Swap(data, i, j);
        i++;
        j--;

        while (true)
        {
            while (i <= j && Less(data, i, a, ref cmp))
            {
                i++;
            }
            while (i <= j && !Less(data, j, a, ref cmp))
            {
                j--;
            }
            if (i > j)
            {
                break;
            }
            Swap(data, i, j);
            i++;
            j--;
        }
        Swap(data, j, a);
        return (j, false);
    }

    /// <summary>
    /// Mirrors <c>partitionEqualCmpFunc</c>: given that nothing in data[a..b) is less than
    /// data[pivot], moves the elements equal to it to the front and returns the index of the
    /// first element greater than it.
    /// </summary>
    private static int PartitionEqual<T, TCmp>(Span<T> data, int a, int b, int pivot, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        Swap(data, a, pivot);
        int i = a + 1;
        int j = b - 1;

        while (true)
        {
            // Note the operand order: the pivot (data[a]) is the left operand here.
            while (i <= j && !Less(data, a, i, ref cmp))
            {
                i++;
            }
            while (i <= j && Less(data, a, j, ref cmp))
            {
                j--;
            }
            if (i > j)
            {
                break;
            }
            Swap(data, i, j);
            i++;
            j--;
        }
        return i;
    }

    /// <summary>
    /// Mirrors <c>partialInsertionSortCmpFunc</c>: fixes up to a handful of adjacent
    /// inversions in data[a..b) and reports whether the range ended up sorted.
    /// </summary>
    private static bool PartialInsertionSort<T, TCmp>(Span<T> data, int a, int b, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        int i = a + 1;
        for (int step = 0; step < MaxPartialSteps; step++)
        {
            while (i < b && !Less(data, i, i - 1, ref cmp))
            {
                i++;
            }

            if (i == b)
            {
                return true;
            }

            if (b - a < ShortestShifting)
            {
                return false;
            }

            Swap(data, i, i - 1);

            // Move the smaller element of the pair leftwards. Go bounds this walk by index 1
            // of the whole slice rather than by a; reproduced as is.
            if (i - a >= 2)
            {
                for (int j = i - 1; j >= 1; j--)
                {
                    if (!Less(data, j, j - 1, ref cmp))
                    {
                        break;
                    }
                    Swap(data, j, j - 1);
                }
            }

            // Move the larger element of the pair rightwards.
            if (b - i >= 2)
            {
                for (int j = i + 1; j < b; j++)
                {
                    if (!Less(data, j, j - 1, ref cmp))
                    {
                        break;
                    }
                    Swap(data, j, j - 1);
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Mirrors <c>breakPatternsCmpFunc</c>: swaps the three elements around the middle of
    /// data[a..b) with pseudo-randomly chosen ones. The generator is seeded with the range
    /// length, so this is fully deterministic.
    /// </summary>
    private static void BreakPatterns<T>(Span<T> data, int a, int b)
    {
        int length = b - a;
        if (length < 8)
        {
            return;
        }

        var random = new XorShift((ulong)length);
        ulong mask = NextPowerOfTwo(length) - 1;
        int middle = a + (length / 4) * 2;
        for (int idx = middle - 1; idx <= middle + 1; idx++)
        {
            // mask < 2 * length, so a single subtraction brings it into [0, length).
            int other = (int)(random.Next() & mask);
            if (other >= length)
            {
                other -= length;
            }
            Swap(data, idx, a + other);
        }
    }

    /// <summary>Go's <c>nextPowerOfTwo</c> (src/slices/sort.go): <c>1 &lt;&lt; bits.Len(length)</c>.</summary>
    private static ulong NextPowerOfTwo(int length) => 1UL << BitLen((uint)length);

    /// <summary>The 64-bit xorshift generator of src/slices/sort.go (shifts 13, 7, 17).</summary>
    private struct XorShift(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            return _state;
        }
    }

    /// <summary>
    /// Mirrors <c>choosePivotCmpFunc</c>: picks a pivot index in data[a..b) and a hint about
    /// the apparent order. Ranges shorter than 8 use a fixed position, shorter than 50 a
    /// median of three, longer ones Tukey's ninther (median of three medians of three).
    /// Note that the median helpers only rank indices; they never move elements.
    /// </summary>
    private static (int Pivot, SortedHint Hint) ChoosePivot<T, TCmp>(Span<T> data, int a, int b, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        int l = b - a;
        int swaps = 0;
        int quarter = l / 4;
        int i = a + quarter;
        int j = a + quarter * 2;
        int k = a + quarter * 3;

        if (l >= 8)
        {
            if (l >= ShortestNinther)
            {
                i = MedianAdjacent(data, i, ref swaps, ref cmp);
                j = MedianAdjacent(data, j, ref swaps, ref cmp);
                k = MedianAdjacent(data, k, ref swaps, ref cmp);
            }
            j = Median(data, i, j, k, ref swaps, ref cmp);
        }

        return swaps switch
        {
            0 => (j, SortedHint.Increasing),
            MaxPivotSwaps => (j, SortedHint.Decreasing),
            _ => (j, SortedHint.Unknown),
        };
    }

    /// <summary>Mirrors <c>order2CmpFunc</c>: orders two indices by their elements, counting inversions.</summary>
    private static (int Lo, int Hi) Order2<T, TCmp>(Span<T> data, int a, int b, ref int swaps, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        if (Less(data, b, a, ref cmp))
        {
            swaps++;
            return (b, a);
        }
        return (a, b);
    }

    /// <summary>Mirrors <c>medianCmpFunc</c>: index of the median of data[a], data[b], data[c].</summary>
    private static int Median<T, TCmp>(Span<T> data, int a, int b, int c, ref int swaps, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
    {
        (a, b) = Order2(data, a, b, ref swaps, ref cmp);
        (b, c) = Order2(data, b, c, ref swaps, ref cmp);
        (_, b) = Order2(data, a, b, ref swaps, ref cmp);
        return b;
    }

    /// <summary>Mirrors <c>medianAdjacentCmpFunc</c>: median of data[a-1], data[a], data[a+1].</summary>
    private static int MedianAdjacent<T, TCmp>(Span<T> data, int a, ref int swaps, ref TCmp cmp)
        where TCmp : struct, IComparer<T>
        => Median(data, a - 1, a, a + 1, ref swaps, ref cmp);

    /// <summary>Mirrors <c>reverseRangeCmpFunc</c>: reverses data[a..b) in place.</summary>
    private static void ReverseRange<T>(Span<T> data, int a, int b)
    {
        for (int i = a, j = b - 1; i < j; i++, j--)
        {
            Swap(data, i, j);
        }
    }

    /// <summary>Adapts a <see cref="Comparison{T}"/> delegate to the struct-comparer code path.</summary>
    private readonly struct DelegateComparer<T>(Comparison<T> comparison) : IComparer<T>
    {
        public int Compare(T? x, T? y) => comparison(x!, y!);
    }
}
