using GoTrace.Analysis;
using Xunit;

namespace GoTrace.Analysis.Tests;

public class BlockingIntervalsTests
{
    private static BlockingInterval Random(Random r, ref long end, int goroutines)
    {
        // Mostly 64 ns multiples (the modern clock), some ties bumped by 1 ns, a few ends going backwards.
        long step = r.Next(4) == 0 ? r.Next(1, 1 << 20) : 64L * r.Next(0, 300);
        end += r.Next(50) == 0 ? -r.Next(0, 5000) : step;
        long dur = r.Next(3) == 0 ? r.Next(1, 1000) : 64L * r.Next(1, 1 << r.Next(1, 24));
        return new BlockingInterval
        {
            GoroutineIndex = r.Next(goroutines), Kind = (BlockingKind)r.Next(4), Start = end - dur, End = end,
            Stack = r.Next(5) == 0 ? r.Next(1 << 20) : r.Next(8), Reason = (ushort)(r.Next(4) == 0 ? r.Next(ushort.MaxValue) : r.Next(3)),
        };
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(1_000, 7)]
    [InlineData(600_000, 200_000)]   // several pages; more (goroutine, kind) pairs than the cache has slots
    public void Intervals_decode_to_what_was_added(int n, int goroutines)
    {
        var r = new Random(n);
        var store = new BlockingIntervals();
        var want = new List<BlockingInterval>();
        long end = 1_000_000;
        for (int i = 0; i < n; i++)
        {
            var iv = Random(r, ref end, goroutines);
            store.Add(iv);
            want.Add(iv);
        }
        store.Trim();
        Assert.Equal(n, store.Count);
        var got = new List<BlockingInterval>();
        foreach (var iv in store) got.Add(iv);
        Assert.Equal(want, got);
        // Twice: the enumerator keeps no state in the store.
        int again = 0;
        foreach (var iv in store) Assert.Equal(want[again++], iv);
        Assert.Equal(n, again);
    }

    [Fact]
    public void Small_waits_of_the_modern_clock_cost_a_few_bytes()
    {
        // A ping-pong pair: alternating goroutines, the same stack and reason each time, 64 ns ticks.
        var store = new BlockingIntervals();
        long t = 0;
        for (int i = 0; i < 100_000; i++)
        {
            t += 64 * 6;
            store.Add(new BlockingInterval { GoroutineIndex = 3 + (i & 1), Kind = BlockingKind.Sync, Start = t - 64 * 100, End = t, Stack = 17, Reason = 2 });
        }
        store.Trim();
        Assert.InRange(store.Bytes, 400_000, 400_100);   // header, goroutine, end delta, duration: 4 bytes
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(50, 100)]
    [InlineData(100, 100)]
    [InlineData(300_000, 400_000)]   // the checkpoint is on an earlier page than the end
    public void Truncate_drops_what_followed_the_checkpoint_and_later_records_still_decode(int keep, int total)
    {
        var r = new Random(keep);
        var store = new BlockingIntervals();
        var want = new List<BlockingInterval>();
        long end = 0;
        BlockingIntervals.Mark mark = store.Checkpoint();
        for (int i = 0; i < total; i++)
        {
            if (i == keep) mark = store.Checkpoint();
            var iv = Random(r, ref end, 50);
            store.Add(iv);
            if (i < keep) want.Add(iv);
        }
        if (keep == total) mark = store.Checkpoint();
        store.Truncate(mark);
        Assert.Equal(keep, store.Count);
        // Records added after a rollback may repeat stacks the dropped records remembered: they must decode right.
        for (int i = 0; i < 1000; i++)
        {
            var iv = Random(r, ref end, 50);
            store.Add(iv);
            want.Add(iv);
        }
        var got = new List<BlockingInterval>();
        foreach (var iv in store) got.Add(iv);
        Assert.Equal(want, got);
    }
}
