using System.Diagnostics;
using GoTrace.Analysis;
using GoTrace.Analysis.Timeline;

// timeline-bench TRACE [--pixels N] [--queries N] [--goroutines N] [--all] [--by-exec]
// Builds the timeline index of TRACE, then replays a scripted session of pans and zooms and prints latencies.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: timeline-bench TRACE [--pixels 1600] [--queries 200] [--goroutines 40] [--all] [--by-exec]");
    return 2;
}
string path = args[0];
int pixels = Arg("--pixels", 1600), queries = Arg("--queries", 200), visibleG = Arg("--goroutines", 40);
bool all = args.Contains("--all");

long fileBytes = new FileInfo(path).Length;
GC.Collect();
long before = GC.GetTotalMemory(true);
var sw = Stopwatch.StartNew();
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var b = new TimelineBuilder();
var pass = TracePass.Run(path, b);
var index = b.Result;
double indexSec = sw.Elapsed.TotalSeconds;
double indexCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
long peak = Process.GetCurrentProcess().PeakWorkingSet64;
b = null;
// What a server does once an index is built: a full, compacting collection that also gives free memory back to the OS.
GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
GC.WaitForPendingFinalizers();
GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
long managed = GC.GetTotalMemory(true) - before;
long rss = Rss();
var mem = index.Memory();

Console.WriteLine($"trace            {path}");
Console.WriteLine($"file             {fileBytes / 1048576.0:F1} MiB, {pass.Events:N0} events, {(pass.EndTime - pass.StartTime) / 1e9:F3} s of trace");
Console.WriteLine($"index time       {indexSec:F2} s wall, {indexCpu:F2} s CPU (reading + indexing, {Environment.ProcessorCount} cores)");
Console.WriteLine($"managed heap     {managed / 1048576.0:F1} MiB ({(double)managed / fileBytes:F2}x the file)");
Console.WriteLine($"process RSS      {rss / 1048576.0:F1} MiB ({(double)rss / fileBytes:F2}x the file); peak while indexing {peak / 1048576.0:F1} MiB ({(double)peak / fileBytes:F2}x)");
Console.WriteLine($"  arena          {mem.ArenaBytes / 1048576.0:F1} MiB; block index {mem.BlockIndexBytes / 1048576.0:F1} MiB; tables {mem.TableBytes / 1048576.0:F1} MiB");
Console.WriteLine($"  raw spans      {mem.RawSpans:N0}; pyramid items {mem.PyramidItems:N0}; counter changes {mem.CounterPoints:N0}");
foreach (var (k, v) in mem.Parts) Console.WriteLine($"    {k,-28} {v / 1048576.0,8:F1} MiB");
Console.WriteLine($"  tracks         {index.TrackList.Count:N0} ({index.GoroutineCount:N0} goroutines)");

// The scripted session: the visible tracks are the counters, GC, procs, threads and a window of goroutines that
// scrolls; the time window zooms from the full view down to 1 µs around moving centres, with pans in between.
var fixedTracks = index.TrackList.Where(t => t.Id.Kind is TrackKind.Counter or TrackKind.Gc or TrackKind.Stw or TrackKind.Proc
    or TrackKind.Thread or TrackKind.CpuSamples or TrackKind.Logs or TrackKind.Tasks).Select(t => t.Id).ToList();
// --by-exec: the goroutines in the extension's default order (most execution time first) instead of by ID.
var goroutines = args.Contains("--by-exec")
    ? index.Goroutines(GoroutineOrder.ExecTime, limit: int.MaxValue).Select(g => TrackId.Goroutine(g.Id)).ToList()
    : index.TrackList.Where(t => t.Id.Kind == TrackKind.Goroutine).Select(t => t.Id).ToList();
long t0 = index.Start, t1 = index.End, dur = Math.Max(1, t1 - t0);
var rng = new Random(1);
var lat = new List<double>();
var cpu = new List<double>();
var script = new List<(long S, long E, int G)>();
long width = dur;
long centre = t0 + dur / 2;
int gOff = 0;
for (int q = 0; q < queries; q++)
{
    int phase = q % 20;
    if (phase == 0)
    {
        width = dur; // back to the full view
        centre = t0 + (long)(rng.NextDouble() * dur);
    }
    else if (phase < 14)
    {
        width = Math.Max(1000, width / 3); // zoom in (full view / 3^13 < 1 µs on a 3 s trace)
    }
    else
    {
        centre += (long)((rng.NextDouble() - 0.5) * width); // pan by up to half a screen
        if (phase == 17) gOff = (gOff + visibleG) % Math.Max(1, goroutines.Count); // scroll the goroutine list
    }
    long s = Math.Clamp(centre - width / 2, t0, Math.Max(t0, t1 - width));
    script.Add((s, s + width, gOff));
}
long maxItems = 0, totalItems = 0, scanned = 0;
foreach (var pass2 in new[] { "warm-up", "measured" })
{
    lat.Clear();
    cpu.Clear();
    foreach (var (s, e, g) in script)
    {
        var sel = all ? null : new TrackSelection { Tracks = [.. fixedTracks, .. goroutines.Skip(g).Take(visibleG)] };
        long ns = Math.Max(1, (e - s) / pixels);
        var q0 = Stopwatch.GetTimestamp();
        long c0 = ThreadCpu.Ns();
        var r = index.Query(s, e, ns, sel);
        cpu.Add((ThreadCpu.Ns() - c0) / 1e6);
        lat.Add(Stopwatch.GetElapsedTime(q0).TotalMilliseconds);
        if (pass2 == "measured")
        {
            foreach (var tr in r.Tracks)
            {
                long items = tr.Spans.Length + tr.Instants.Length + tr.Samples.Length;
                maxItems = Math.Max(maxItems, items);
                totalItems += items;
                scanned += tr.Scanned;
            }
        }
    }
}
lat.Sort();
cpu.Sort();
double P(double p) => lat[Math.Min(lat.Count - 1, (int)Math.Ceiling(p * lat.Count) - 1)];
double C(double p) => cpu[Math.Min(cpu.Count - 1, (int)Math.Ceiling(p * cpu.Count) - 1)];
int nTracks = all ? index.TrackList.Count : fixedTracks.Count + Math.Min(visibleG, goroutines.Count);
Console.WriteLine($"session          {queries} queries, {pixels} px, {nTracks} tracks per query{(all ? " (all)" : "")}, windows {dur / 1e6:F1} ms .. 1 µs");
Console.WriteLine($"query latency    p50 {P(0.50):F2} ms, p90 {P(0.90):F2} ms, p99 {P(0.99):F2} ms, max {lat[^1]:F2} ms (wall clock)");
Console.WriteLine($"query CPU time   p50 {C(0.50):F2} ms, p90 {C(0.90):F2} ms, p99 {C(0.99):F2} ms, max {cpu[^1]:F2} ms (thread CPU time; equals wall time on an idle machine)");
Console.WriteLine($"load average     {LoadAverage()}");
Console.WriteLine($"output           {totalItems / (double)queries:F0} items per query, at most {maxItems} per track (pixels {pixels}); decoded {scanned / (double)queries:F0} per query");
GC.KeepAlive(index);
return 0;

int Arg(string name, int def)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : def;
}

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Trim();
    }
    catch (IOException)
    {
        return "?";
    }
}

static long Rss()
{
    try
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
    }
    catch (IOException)
    {
    }
    return Environment.WorkingSet;
}

/// <summary>CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)); 0 elsewhere.</summary>
internal static partial class ThreadCpu
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec, Nsec;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec ts);

    public static long Ns()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGettime(3, out var ts) == 0 ? ts.Sec * 1_000_000_000 + ts.Nsec : 0;
    }
}
