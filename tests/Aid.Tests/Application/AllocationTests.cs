using Aid.Application.Common;

namespace Aid.Tests.Application;

public sealed class AllocationTests
{
    [Fact]
    public void Splits_1000_yuan_into_three_as_333_34_then_333_33_twice() =>
        Assert.Equal([33334L, 33333L, 33333L], Allocation.Split(100000, 3));

    [Fact]
    public void Random_splits_add_up_differ_by_at_most_one_fen_and_are_deterministic()
    {
        var random = new Random(42);
        for (var i = 0; i < 5_000; i++)
        {
            var total = random.NextInt64(0, 10_000_000_000);
            var count = random.Next(1, 60);
            var parts = Allocation.Split(total, count);
            Assert.Equal(total, parts.Sum());
            Assert.True(parts.Max() - parts.Min() <= 1, $"{total}/{count}: {string.Join(",", parts)}");
            Assert.Equal(parts, Allocation.Split(total, count));
            Assert.True(parts.SequenceEqual(parts.OrderByDescending(p => p)), "larger parts come first");
        }
    }

    [Fact]
    public void Weighted_splits_add_up_and_follow_the_largest_remainder()
    {
        Assert.Equal([50L, 25L, 25L], Allocation.ByWeights(100, [2, 1, 1]));
        // 10 by 1:1:1 → remainders equal, earliest parts get the extra units.
        Assert.Equal([4L, 3L, 3L], Allocation.ByWeights(10, [1, 1, 1]));
        // 100 by 3:3:1 → 42.857.., 42.857.., 14.285..: floors 42, 42, 14 (98); remainders .857 twice → both +1.
        Assert.Equal([43L, 43L, 14L], Allocation.ByWeights(100, [3, 3, 1]));
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var weights = Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.NextInt64(0, 1_000_000)).ToArray();
            if (weights.All(w => w == 0)) weights[0] = 1;
            var total = random.NextInt64(0, 1_000_000_000_000);
            var parts = Allocation.ByWeights(total, weights);
            Assert.Equal(total, parts.Sum());
            Assert.All(parts.Zip(weights), p => Assert.True(p.First >= 0 && (p.Second > 0 || p.First == 0)));
        }
    }
}
