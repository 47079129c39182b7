using System.Runtime.CompilerServices;
using GoTrace.Format.Legacy;

namespace GoTrace.Format.Tests;

/// <summary>The legacy passes' goroutine map against a dictionary: rising IDs, IDs first hashed and later moved into
/// the chunks as the count grows, huge IDs, removals and re-additions.</summary>
public class ULongMapTests
{
    [Theory]
    [InlineData(1, 20_000, 1_000_000UL)]
    [InlineData(2, 2_000_000, 40_000_000UL)]  // keys above the first limit hashed early, moved later
    [InlineData(3, 100_000, ulong.MaxValue)]
    public void AgreesWithADictionary(int seed, int ops, ulong spread)
    {
        var rnd = new Random(seed);
        var map = new ULongMap<long>();
        var expect = new Dictionary<ulong, long>();
        var keys = new List<ulong>();
        ulong next = 1;
        for (int i = 0; i < ops; i++)
        {
            ulong key = (i % 6) switch
            {
                0 => (ulong)rnd.NextInt64() % spread,
                1 when keys.Count > 0 => keys[rnd.Next(keys.Count)],
                _ => next += (ulong)rnd.Next(1, 3),
            };
            if (i % 11 == 0)
            {
                Assert.Equal(expect.Remove(key), map.Remove(key));
            }
            else
            {
                ref long v = ref map.GetOrAdd(key);
                Assert.Equal(expect.GetValueOrDefault(key), v);
                v = rnd.NextInt64();
                expect[key] = v;
                keys.Add(key);
            }
            if (i % 1024 == 0)
            {
                for (int k = 0; k < 50; k++)
                {
                    ulong probe = k % 2 == 0 && keys.Count > 0 ? keys[rnd.Next(keys.Count)] : (ulong)rnd.NextInt64();
                    ref long f = ref map.Find(probe);
                    Assert.Equal(expect.TryGetValue(probe, out long e), !Unsafe.IsNullRef(ref f));
                    if (!Unsafe.IsNullRef(ref f)) Assert.Equal(e, f);
                }
            }
        }
        Assert.Equal(expect.Count, map.Count);
        foreach (var (k, v) in expect) Assert.Equal(v, map.Get(k));
    }
}
