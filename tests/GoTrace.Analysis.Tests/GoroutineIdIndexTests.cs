namespace GoTrace.Analysis.Tests;

/// <summary>The goroutine-ID index against a dictionary: dense IDs, IDs first kept aside and later covered by the
/// growing array, huge and negative IDs, re-mapped IDs, and lookups after sealing.</summary>
public class GoroutineIdIndexTests
{
    [Theory]
    [InlineData(1, 10_000, 1_000)]          // small dense IDs
    [InlineData(2, 3_000_000, 3_000_000)]   // millions of goroutines: the array grows past 2^20 and takes over
    [InlineData(3, 50_000, 1L << 40)]        // sparse huge IDs
    public void AgreesWithADictionary(int seed, int count, long spread)
    {
        var rnd = new Random(seed);
        var index = new GoroutineIdIndex();
        var expect = new Dictionary<long, int>();
        var ids = new List<long>();
        long next = 1;
        for (int i = 0; i < count; i++)
        {
            long id = (i % 7) switch
            {
                0 => rnd.NextInt64(0, Math.Max(2, spread)),       // anywhere in the range
                1 => -rnd.NextInt64(1, 1000),                     // negative (never in the array)
                2 when ids.Count > 0 => ids[rnd.Next(ids.Count)], // an ID seen before, mapped anew
                3 => long.MaxValue - rnd.Next(1000),
                _ => next += rnd.Next(1, 4),                      // Go's rising IDs
            };
            int value = rnd.Next(int.MaxValue);
            index.Set(id, value);
            if (!expect.ContainsKey(id)) ids.Add(id);
            expect[id] = value;
            if (i % 4096 == 0) CheckSome();
        }
        Check();
        Assert.Equal(expect.Count, index.Count);
        index.Seal();
        Check();
        Assert.Throws<InvalidOperationException>(() => index.Set(1, 1));

        // Between additions: a sample (the whole map each time would be quadratic).
        void CheckSome()
        {
            for (int k = 0; k < 200; k++)
            {
                long id = ids[rnd.Next(ids.Count)];
                Assert.Equal(expect[id], index.Find(id));
            }
        }

        void Check()
        {
            foreach (var (id, v) in expect) Assert.Equal(v, index.Find(id));
            for (int k = 0; k < 200; k++)
            {
                long probe = rnd.NextInt64(long.MinValue, long.MaxValue);
                Assert.Equal(expect.GetValueOrDefault(probe, -1), index.Find(probe));
            }
        }
    }
}
