namespace GoTrace.Analysis.Mmu;

/// <summary>
/// An updatable mutator utilization distribution (Go's <c>mud</c>, trace-analyses.md §6.5): a non-normalized
/// distribution of time over utilization, made of uniform pieces and point masses, with a 1024-bucket histogram
/// that tracks in which bucket a chosen cumulative mass falls.
/// </summary>
internal sealed class Mud
{
    private const int Degree = 1024;

    /// <summary>Uniform pieces narrower than this (in utilization) are point masses.</summary>
    internal const double MinWidth = 1e-9;

    private struct Edge
    {
        public double X, Delta, Dirac;
    }

    private Edge[] _sorted = [];
    private readonly List<Edge> _unsorted = new();
    private readonly double[] _hist = new double[Degree];
    private double _trackMass;
    private int _trackBucket;
    private double _trackSum;

    /// <summary>Adds a uniform distribution over [l, r] of total weight <paramref name="area"/> (a point mass if l == r).</summary>
    public void Add(double l, double r, double area)
    {
        if (area == 0) return;
        if (r < l) (l, r) = (r, l);
        // A flat stretch of the windowed utilization comes out with ends that differ by rounding (they are
        // differences of large integrals). As a uniform piece that thin it would have a huge density, and adding
        // and later removing that density from the running rate in InvCumulativeSum cancels catastrophically
        // (Go's code has this flaw, unseen since Go never fills its distribution): make it a point mass.
        if (r - l < MinWidth) r = l;

        if (l == r)
        {
            _unsorted.Add(new Edge { X = l, Delta = 0, Dirac = area });
        }
        else
        {
            double delta = area / (r - l);
            _unsorted.Add(new Edge { X = l, Delta = delta, Dirac = 0 });
            _unsorted.Add(new Edge { X = r, Delta = -delta, Dirac = 0 });
        }

        var (lb, lf) = Split(l * Degree);
        if (lb >= Degree) (lb, lf) = (Degree - 1, 1);
        if (l == r)
        {
            _hist[lb] += area;
        }
        else
        {
            var (rb, rf) = Split(r * Degree);
            if (rb >= Degree) (rb, rf) = (Degree - 1, 1);
            if (lb == rb)
            {
                _hist[lb] += area;
            }
            else
            {
                double perBucket = area / (r - l) / Degree;
                _hist[lb] += perBucket * (1 - lf);
                _hist[rb] += perBucket * rf;
                for (int i = lb + 1; i < rb; i++) _hist[i] += perBucket;
            }
        }

        double thresh = (double)_trackBucket / Degree;
        if (l < thresh)
        {
            _trackSum += r < thresh ? area : area * (thresh - l) / (r - l);
            if (_trackSum >= _trackMass) SetTrackMass(_trackMass);
        }
    }

    // Go's math.Modf for the non-negative values used here: integer part (as int) and fraction.
    private static (int, double) Split(double x)
    {
        double i = Math.Truncate(x);
        return ((int)i, x - i);
    }

    /// <summary>Sets the cumulative mass whose bucket is tracked.</summary>
    public void SetTrackMass(double mass)
    {
        _trackMass = mass;
        double sum = 0;
        for (int i = 0; i < Degree; i++)
        {
            double next = sum + _hist[i];
            if (next > mass)
            {
                _trackBucket = i;
                _trackSum = sum;
                return;
            }
            sum = next;
        }
        _trackBucket = Degree;
        _trackSum = sum;
    }

    /// <summary>Bounds [lower, upper) of the utilization at the tracked mass, or false if the distribution holds less mass.</summary>
    public bool ApproxInvCumulativeSum(out double lower, out double upper)
    {
        if (_trackBucket == Degree)
        {
            lower = upper = double.NaN;
            return false;
        }
        lower = (double)_trackBucket / Degree;
        upper = (double)(_trackBucket + 1) / Degree;
        return true;
    }

    /// <summary>
    /// The utilization x such that the mass at or below x is <paramref name="y"/>; NaN if the distribution is empty;
    /// the largest x (and false) if it holds less than y.
    /// </summary>
    public double InvCumulativeSum(double y, out bool ok)
    {
        ok = false;
        if (_sorted.Length == 0 && _unsorted.Count == 0) return double.NaN;

        // Sort the new edges by x and merge them into the sorted ones (ties in any order: the walk below gives the
        // same answer, since tied edges add nothing between them).
        var edges = _unsorted.ToArray();
        _unsorted.Clear();
        Array.Sort(edges, (a, b) => a.X.CompareTo(b.X));
        if (_sorted.Length == 0)
        {
            _sorted = edges;
        }
        else
        {
            var merged = new Edge[_sorted.Length + edges.Length];
            int i = 0, j = 0;
            for (int o = 0; o < merged.Length; o++)
            {
                if (i >= _sorted.Length) merged[o] = edges[j++];
                else if (j >= edges.Length) merged[o] = _sorted[i++];
                else if (_sorted[i].X < edges[j].X) merged[o] = _sorted[i++];
                else merged[o] = edges[j++];
            }
            _sorted = merged;
        }

        double csum = 0, rate = 0, prevX = 0;
        foreach (var e in _sorted)
        {
            double next = csum + (e.X - prevX) * rate;
            if (next >= y)
            {
                ok = true;
                // Between the previous edge and this one (anywhere will do if the rate is 0: e.X covers y == 0).
                return rate == 0 ? e.X : (y - csum) / rate + prevX;
            }
            next += e.Dirac;
            if (next >= y)
            {
                ok = true;
                return e.X;
            }
            csum = next;
            prevX = e.X;
            rate += e.Delta;
        }
        return prevX;
    }
}
