namespace GoTrace.Analysis.Mmu;

/// <summary>A window of the worst-windows list: its left edge (absolute trace time, ns) and its mean utilization.</summary>
public readonly record struct UtilWindow(long Time, double MutatorUtil);

/// <summary>
/// The minimum mutator utilization curve of a set of utilization functions (Go's <c>MMUCurve</c>,
/// trace-analyses.md §6.4): a band summary per series, from which <see cref="Mmu"/>, <see cref="WorstWindows"/> and
/// <see cref="Percentiles"/> answer any window size without scanning every window. Immutable after construction;
/// each query allocates its own state, so queries may run concurrently.
/// </summary>
public sealed class MmuCurve
{
    private const int BandsPerSeries = 1000;

    private readonly Series[] _series;
    private readonly bool _go;

    /// <summary>Builds the band summaries of <paramref name="utilization"/>.</summary>
    public MmuCurve(MutatorUtilization utilization, MmuOptions? options = null, long traceStart = 0)
    {
        Utilization = utilization;
        Options = options ?? MmuOptions.Correct;
        _go = Options.GoCompatible;
        TraceStart = traceStart;
        var list = new List<Series>(utilization.Series.Count);
        bool crash = utilization.GoWouldCrash;
        foreach (var u in utilization.Series)
        {
            // A series without duration (it began and ended at the same instant) makes Go index out of range;
            // it holds no window, so it is left out.
            if (u.Length == 0 || u[^1].Time == u[0].Time)
            {
                crash = true;
                continue;
            }
            list.Add(new Series(u));
        }
        _series = list.ToArray();
        GoWouldCrash = crash;
        if (utilization.Series.Count > 0)
        {
            MinTime = long.MaxValue;
            MaxTime = long.MinValue;
            foreach (var u in utilization.Series)
            {
                if (u.Length == 0) continue;
                MinTime = Math.Min(MinTime, u[0].Time);
                MaxTime = Math.Max(MaxTime, u[^1].Time);
            }
        }
    }

    /// <summary>The utilization functions.</summary>
    public MutatorUtilization Utilization { get; }

    /// <summary>The options in effect.</summary>
    public MmuOptions Options { get; }

    /// <summary>Time of the trace's first event (the timeline viewer's origin), for links.</summary>
    public long TraceStart { get; }

    /// <summary>Earliest start of any series (0 if there is none).</summary>
    public long MinTime { get; }

    /// <summary>Latest end of any series (0 if there is none).</summary>
    public long MaxTime { get; }

    /// <summary>Whether there is anything to measure (Go's MMU page fails without series).</summary>
    public bool IsEmpty => _series.Length == 0;

    /// <summary>Go's <c>/mmu</c> endpoints would fail (panic) on this trace and flags; see <see cref="MutatorUtilization.GoWouldCrash"/>.</summary>
    public bool GoWouldCrash { get; }

    /// <summary>
    /// The minimum, over every window of <paramref name="window"/> ns inside the trace, of the mean utilization
    /// (windows longer than a series are shortened to the series). 0 for a window &lt;= 0; 1 without series.
    /// </summary>
    public double Mmu(long window)
    {
        var acc = new Accumulator(_go);
        Run(window, acc);
        return acc.Mmu;
    }

    /// <summary>
    /// Up to <paramref name="n"/> of the worst disjoint windows of <paramref name="window"/> ns, by mean utilization
    /// then time (Go's <c>Examples</c>; Go's page asks for 10). Like Go, a heuristic: the very worst window is always
    /// first, the others are bad windows found on the way, and there may be fewer than n. Go's list can contain
    /// overlapping windows; ours cannot (the better of two overlapping ones is dropped).
    /// </summary>
    public UtilWindow[] WorstWindows(long window, int n = 10)
    {
        var acc = new Accumulator(_go) { NWorst = n };
        Run(window, acc);
        var result = acc.Worst.ToArray();
        Array.Sort(result, (a, b) => a.MutatorUtil != b.MutatorUtil ? a.MutatorUtil.CompareTo(b.MutatorUtil) : a.Time.CompareTo(b.Time));
        if (_go) return result;
        // Go can return overlapping windows (see Accumulator.AddMU): keep the worse of each overlapping pair.
        long size = Math.Min(window, MaxTime - MinTime);
        var disjoint = new List<UtilWindow>(result.Length);
        foreach (var w in result)
            if (!disjoint.Exists(d => w.Time + size > d.Time && d.Time + size > w.Time)) disjoint.Add(w);
        return disjoint.ToArray();
    }

    /// <summary>
    /// Quantiles of the mutator utilization distribution of <paramref name="window"/>-ns windows (quantile 0 = the
    /// MMU, 0.01 = the utilization 99% of windows exceed). With <see cref="MmuOptions.GoCompatible"/> every value
    /// equals <see cref="Mmu"/> (Go's distribution stays empty).
    /// </summary>
    public double[] Percentiles(long window, ReadOnlySpan<double> quantiles)
    {
        if (quantiles.Length == 0) return [];
        double maxQ = quantiles[0];
        foreach (var q in quantiles) if (q > maxQ) maxQ = q;
        long duration = 0;
        foreach (var s in _series)
        {
            long d = s.U[^1].Time - s.U[0].Time;
            if (d >= window) duration += d - window;
        }
        double qMass = duration * maxQ;
        var acc = new Accumulator(_go) { Mud = new Mud() };
        acc.Mud.SetTrackMass(qMass);
        Run(window, acc);
        var result = new double[quantiles.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double mu = acc.Mud.InvCumulativeSum(duration * quantiles[i], out _);
            if (double.IsNaN(mu)) mu = acc.Mmu;   // no mass at all (window = whole trace, or no events)
            result[i] = mu;
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------------------------

    private struct Band
    {
        public double MinUtil;   // lowest instantaneous utilization in the band
        public double CumUtil;   // integral of utilization from the series start to the band's left edge
        public int Pos;          // integrator position at the band's left edge
    }

    private struct BandBound
    {
        public int Series;
        public int Band;
        public double UtilBound;  // lower bound of the mean utilization of every window starting in the band
    }

    private struct ByBound : IGoLess<BandBound>
    {
        public static bool Less(in BandBound a, in BandBound b) => a.UtilBound < b.UtilBound;
    }

    /// <summary>Worst-window heap order: the top is the least bad window kept.</summary>
    private struct ByBadness : IGoLess<UtilWindow>
    {
        public static bool Less(in UtilWindow a, in UtilWindow b) =>
            a.MutatorUtil != b.MutatorUtil ? a.MutatorUtil > b.MutatorUtil : a.Time > b.Time;
    }

    private sealed class Series
    {
        public readonly UtilPoint[] U;
        public readonly double[] Sums;    // Sums[j] = integral of U up to U[j].Time
        public readonly Band[] Bands;
        public readonly long BandDur;

        public Series(UtilPoint[] u)
        {
            U = u;
            Sums = new double[u.Length];
            var prev = new UtilPoint(0, 0);
            double sum = 0;
            for (int j = 0; j < u.Length; j++)
            {
                sum += prev.Util * (double)(u[j].Time - prev.Time);
                Sums[j] = sum;
                prev = u[j];
            }

            int numBands = Math.Min(BandsPerSeries, u.Length);
            long dur = u[^1].Time - u[0].Time;
            BandDur = Math.Max(1, (dur + numBands - 1) / numBands);
            Bands = new Band[numBands + 1];
            int pos = 0;
            for (int i = 0; i < Bands.Length; i++)
            {
                long start = BandStart(i), end = start + BandDur;
                double cum = Advance(ref pos, start);
                double minUtil = 1.0;
                for (int k = pos; k < u.Length && u[k].Time < end; k++) minUtil = Math.Min(minUtil, u[k].Util);
                Bands[i] = new Band { MinUtil = minUtil, CumUtil = cum, Pos = pos };
            }
        }

        public long BandStart(int i) => i * BandDur + U[0].Time;

        /// <summary>
        /// The integral of the utilization up to <paramref name="t"/>, moving <paramref name="pos"/> to the last point
        /// at or before t. Like Go's integrator: a short scan when t is near, else a binary search from pos (which
        /// steps back when U[pos] is after t).
        /// </summary>
        public double Advance(ref int pos, long t)
        {
            var u = U;
            const int maxSeq = 8;
            if (pos + maxSeq < u.Length && u[pos + maxSeq].Time > t)
            {
                while (pos + 1 < u.Length && u[pos + 1].Time <= t) pos++;
            }
            else
            {
                int l = pos, r = u.Length;
                while (l < r)
                {
                    int h = (int)((uint)(l + r) >> 1);
                    if (u[h].Time <= t) l = h + 1;
                    else r = h;
                }
                pos = l - 1;
            }
            double partial = 0;
            if (t != u[pos].Time) partial = u[pos].Util * (double)(t - u[pos].Time);
            return Sums[pos] + partial;
        }

        /// <summary>The first change of utilization after <paramref name="t"/>, looking from <paramref name="pos"/>.</summary>
        public long Next(int pos, long t)
        {
            var u = U;
            for (int k = pos; k < u.Length; k++)
                if (u[k].Time > t) return u[k].Time;
            return long.MaxValue;
        }

        /// <summary>
        /// Appends a lower bound of the mean utilization of the windows whose left edge lies in each band.
        /// With <paramref name="closed"/> a band's bound also covers the first left edge of the next band: the
        /// distribution gives each band the time up to and including that edge, and the windowed utilization is
        /// linear between whole nanoseconds, so between two edges it stays within their values.
        /// </summary>
        public void AddBounds(int series, long window, List<BandBound> output, bool closed)
        {
            int first = output.Count;
            long minBands = (window + BandDur - 1) / BandDur;
            long maxBands = (window + 2 * (BandDur - 1)) / BandDur;
            if (window > 1 && maxBands < 2) throw new InvalidOperationException("maxBands < 2");
            long tailDur = window % BandDur;
            long nUtil = Math.Max(0, Bands.Length - maxBands + 1);
            for (int i = 0; i < nUtil; i++)
            {
                double util = 0;
                double l = Bands[i].MinUtil;
                double r1 = Bands[i + minBands - 1].MinUtil;
                double r2 = Bands[i + maxBands - 1].MinUtil;
                double minBand = Math.Min(l, Math.Min(r1, r2));
                if (minBands == 1)
                {
                    util += minBand * (double)window;
                }
                else
                {
                    util += minBand * (double)BandDur;
                    double midBand = 0;
                    if (minBand == l) midBand = Math.Min(r1, r2);
                    else if (minBand == r1) midBand = Math.Min(l, r2);
                    else if (minBand == r2) midBand = Math.Min(l, r1);
                    util += midBand * (double)tailDur;
                }
                if (minBands > 2) util += Bands[i + minBands - 1].CumUtil - Bands[i + 1].CumUtil;
                output.Add(new BandBound { Series = series, Band = i, UtilBound = util / (double)window });
            }
            if (closed)
                for (int i = first; i + 1 < output.Count; i++)
                    if (output[i + 1].UtilBound < output[i].UtilBound) output[i] = output[i] with { UtilBound = output[i + 1].UtilBound };
        }

        /// <summary>Evaluates the exact windows whose left edge lies in band <paramref name="band"/>.</summary>
        public void Refine(int band, long window, Accumulator acc, bool go)
        {
            var u = U;
            int left = Bands[band].Pos, right = left;
            long time = BandStart(band), endTime = time + BandDur;
            long utilEnd = u[^1].Time - window;
            if (utilEnd < endTime) endTime = utilEnd;
            // Go starts at the band's left edge even when that is past the last window that fits in the trace, and
            // so measures a window reaching past the trace end (where the utilization is 0), then one at endTime
            // with a left integrator that cannot step back that far. No window starts in such a band: skip it
            // (the last window, at endTime, belongs to an earlier band).
            if (!go && time > endTime) return;
            acc.ResetTime();
            while (true)
            {
                double mu = (Advance(ref right, time + window) - Advance(ref left, time)) / (double)window;
                if (acc.AddMU(time, mu, window)) break;
                if (time == endTime) break;

                // The windowed utilization changes by at most 1/window per ns: nothing lower than the bound
                // can come before minTime.
                long minTime = time + (long)((mu - acc.Bound) * (double)window);
                long t1 = Next(left, time), t2 = Next(right, time + window) - window;
                time = t1 < t2 ? t1 : t2;
                if (time < minTime) time = minTime;
                if (time >= endTime) time = endTime;
            }
        }
    }

    private void Run(long window, Accumulator acc)
    {
        if (window <= 0)
        {
            acc.Mmu = 0;
            return;
        }
        var bounds = new List<BandBound>();
        var windows = new long[_series.Length];
        for (int i = 0; i < _series.Length; i++)
        {
            var s = _series[i];
            windows[i] = Math.Min(window, s.U[^1].Time - s.U[0].Time);
            s.AddBounds(i, windows[i], bounds, closed: !_go && acc.Mud is not null);
        }
        GoHeap.Init<BandBound, ByBound>(bounds);
        while (bounds.Count > 0 && bounds[0].UtilBound < acc.Bound)
        {
            int si = bounds[0].Series;
            _series[si].Refine(bounds[0].Band, windows[si], acc, _go);
            GoHeap.Pop<BandBound, ByBound>(bounds);
        }
    }

    /// <summary>Collects the windowed utilization function: its minimum, the worst windows, the distribution.</summary>
    private sealed class Accumulator(bool go)
    {
        public double Mmu = 1.0;
        /// <summary>Utilization above which a window cannot change the result.</summary>
        public double Bound = 1.0;
        public int NWorst;
        public readonly List<UtilWindow> Worst = new();
        public Mud? Mud;
        private long _lastTime;
        private double _lastMU;

        public void ResetTime() => _lastTime = long.MaxValue;

        /// <summary>Adds the window at <paramref name="time"/>; true when further windows cannot matter.</summary>
        public bool AddMU(long time, double mu, long window)
        {
            if (mu < Mmu) Mmu = mu;
            Bound = Mmu;

            // Go returns here whenever no worst windows are asked for, also when a distribution is: its
            // distribution then stays empty and every percentile falls back to the MMU.
            if (NWorst == 0 && (go || Mud is null)) return mu == 0;

            if (NWorst > 0)
            {
                if (Worst.Count < NWorst || mu < Worst[0].MutatorUtil)
                {
                    // Keep windows disjoint: of two overlapping windows keep the worse (the older on a tie). Only the
                    // first overlapping window found is looked at, so a window overlapping two kept ones (one on
                    // each side) can leave two overlapping windows; WorstWindows removes those at the end.
                    bool keep = false;
                    for (int i = 0; i < Worst.Count; i++)
                    {
                        var w = Worst[i];
                        if (time + window > w.Time && w.Time + window > time)
                        {
                            if (w.MutatorUtil <= mu) keep = true;
                            else GoHeap.Remove<UtilWindow, ByBadness>(Worst, i);
                            break;
                        }
                    }
                    if (!keep)
                    {
                        GoHeap.Push<UtilWindow, ByBadness>(Worst, new UtilWindow(time, mu));
                        if (Worst.Count > NWorst) GoHeap.Pop<UtilWindow, ByBadness>(Worst);
                    }
                }
                Bound = Worst.Count < NWorst ? 1.0 : Math.Max(Bound, Worst[0].MutatorUtil);
            }

            if (Mud is not null)
            {
                if (_lastTime != long.MaxValue) Mud.Add(_lastMU, mu, time - _lastTime);
                _lastTime = time;
                _lastMU = mu;
                Bound = Mud.ApproxInvCumulativeSum(out _, out double upper) ? Math.Max(Bound, upper) : 1;
                return false;
            }

            return Worst.Count == NWorst && Worst[0].MutatorUtil == 0;
        }
    }
}
