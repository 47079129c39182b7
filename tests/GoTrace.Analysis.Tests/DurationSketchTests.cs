namespace GoTrace.Analysis.Tests;

public class DurationSketchTests
{
    [Fact]
    public void Power_of_two_histogram_counts_each_duration_in_its_bucket()
    {
        var r = new Random(7);
        var sketch = new DurationSketch();
        var want = new SortedDictionary<long, long>();
        var edges = new List<long> { 0, 1, 2, 3, 63, 64, 65, 127, 128, 129, 1L << 20, (1L << 20) - 1, (1L << 40) - 1, 1L << 40 };
        for (int i = 0; i < 100_000; i++) edges.Add((long)Math.Pow(2, r.NextDouble() * 42));
        foreach (long d in edges)
        {
            sketch.Add(d);
            long lo = d == 0 ? 0 : 1L << System.Numerics.BitOperations.Log2((ulong)d);
            want[lo] = want.GetValueOrDefault(lo) + 1;
        }
        var got = sketch.PowerOfTwoHistogram();
        Assert.Equal(want.Select(kv => (kv.Key, kv.Key == 0 ? 1L : kv.Key * 2, kv.Value)), got);
        Assert.Equal(sketch.Count, got.Sum(h => h.Count));
    }
}
