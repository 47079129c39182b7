namespace GoTrace.Analysis.Mmu;

/// <summary>
/// An updatable mutator utilization distribution (after Go's <c>mud</c>, trace-analyses.md §6.5): a non-normalized
/// distribution of time over utilization, made of uniform pieces and point masses, with a 1024-bucket histogram
/// that tracks in which bucket a chosen cumulative mass falls. Go's code is never exercised by Go (its
/// distribution stays empty), so this one is free to differ: it inverts the cumulative sum within one histogram
/// bucket instead of sorting every edge (a percentile plot of a large trace sorts millions of edges otherwise), and
/// it makes nearly flat pieces point masses (see <see cref="MinWidth"/>).
/// </summary>
internal sealed class Mud
{
    private const int Degree = 1024;

    /// <summary>
    /// Uniform pieces narrower than this (in utilization) are point masses: the windowed utilization is a
    /// difference of integrals up to 1e11 ns and more, divided by the window, so on a long trace it carries
    /// rounding noise up to about 1e-8 even where it is flat.
    /// </summary>
    internal const double MinWidth = 1e-7;

    private struct Piece
    {
        public double L, R, Area;   // uniform over [L, R], or a point mass at L if L == R
    }

    private Piece[] _pieces = new Piece[256];
    private int _count;
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
        // differences of large integrals). As a uniform piece that thin it would have a huge density, which cancels
        // catastrophically when summed with the others (Go's code has this flaw): make it a point mass.
        if (r - l < MinWidth) r = l;

        if (_count == _pieces.Length) Array.Resize(ref _pieces, _count * 2);
        _pieces[_count++] = new Piece { L = l, R = r, Area = area };

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
    /// The smallest utilization x such that the mass at or below x is at least <paramref name="y"/>; NaN if the
    /// distribution is empty; the largest x (and false) if it holds less than y.
    /// </summary>
    public double InvCumulativeSum(double y, out bool ok)
    {
        ok = false;
        if (_count == 0) return double.NaN;
        var pieces = _pieces.AsSpan(0, _count);
        if (y <= 0)
        {
            ok = true;
            double min = double.PositiveInfinity;
            foreach (ref readonly var p in pieces) min = Math.Min(min, p.L);
            return min;
        }

        // The histogram says roughly in which bucket the mass reaches y; check with exact sums over the pieces and
        // move to the neighbouring bucket while the histogram's rounding put it off by one.
        int b = 0;
        double cum = 0;
        while (b < Degree - 1 && cum + _hist[b] < y) cum += _hist[b++];
        for (int guard = 0; guard < 2 * Degree; guard++)
        {
            double below = MassBelow(pieces, Lower(b));
            if (below >= y && b > 0) { b--; continue; }
            double belowNext = b == Degree - 1 ? double.PositiveInfinity : MassBelow(pieces, Lower(b + 1));
            if (belowNext < y) { b++; continue; }
            if (b == Degree - 1 && Total(pieces) < y) break;
            if (InvertInBucket(pieces, Lower(b), b == Degree - 1 ? double.PositiveInfinity : Lower(b + 1), below, y, out double x))
            {
                ok = true;
                return x;
            }
            break;
        }
        // Less mass than y (or rounding left it just short): the largest utilization, as Go.
        double max = double.NegativeInfinity;
        foreach (ref readonly var p in pieces) max = Math.Max(max, p.R);
        ok = Total(pieces) >= y;
        return max;
    }

    private static double Lower(int bucket) => (double)bucket / Degree;

    private static double Total(ReadOnlySpan<Piece> pieces)
    {
        double sum = 0;
        foreach (ref readonly var p in pieces) sum += p.Area;
        return sum;
    }

    /// <summary>Mass strictly below <paramref name="x"/>.</summary>
    private static double MassBelow(ReadOnlySpan<Piece> pieces, double x)
    {
        double sum = 0;
        foreach (ref readonly var p in pieces)
        {
            if (p.L >= x) continue;
            sum += p.R <= x ? p.Area : p.Area * (x - p.L) / (p.R - p.L);
        }
        return sum;
    }

    /// <summary>
    /// Walks the piecewise linear cumulative sum within [<paramref name="lo"/>, <paramref name="hi"/>), starting from
    /// <paramref name="below"/> (the mass below lo), to where it reaches <paramref name="y"/>.
    /// </summary>
    private static bool InvertInBucket(ReadOnlySpan<Piece> pieces, double lo, double hi, double below, double y, out double x)
    {
        // Edges inside the bucket: (position, slope change, point mass); slopes of pieces crossing lo start the rate.
        var edges = new List<(double X, double Delta, double Dirac)>();
        double rate = 0, rateC = 0;
        foreach (ref readonly var p in pieces)
        {
            if (p.L == p.R)
            {
                if (p.L >= lo && p.L < hi) edges.Add((p.L, 0, p.Area));
                continue;
            }
            if (p.R <= lo || p.L >= hi) continue;
            double d = p.Area / (p.R - p.L);
            if (p.L < lo) Add(ref rate, ref rateC, d);
            else edges.Add((p.L, d, 0));
            if (p.R < hi) edges.Add((p.R, -d, 0));
        }
        edges.Sort((a, c) => a.X.CompareTo(c.X));

        double csum = below, prevX = lo;
        foreach (var e in edges)
        {
            double next = csum + (e.X - prevX) * rate;
            if (next >= y)
            {
                x = rate == 0 ? e.X : (y - csum) / rate + prevX;
                return true;
            }
            next += e.Dirac;
            if (next >= y)
            {
                x = e.X;
                return true;
            }
            csum = next;
            prevX = e.X;
            Add(ref rate, ref rateC, e.Delta);
        }
        if (rate > 0)
        {
            x = Math.Min((y - csum) / rate + prevX, hi);
            return true;
        }
        x = prevX;
        return false;
    }

    /// <summary>Compensated (Neumaier) running sum: slopes are added and removed again, the total must not drift.</summary>
    private static void Add(ref double sum, ref double c, double v)
    {
        double t = sum + v;
        c += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t + c;
        c -= sum - t;
    }
}
