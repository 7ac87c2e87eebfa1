namespace Aid.Application.Common;

/// <summary>
/// Splits an integer amount into parts that always add up to the whole (largest-remainder rule).
/// Deterministic: ties go to the earlier part.
/// </summary>
public static class Allocation
{
    /// <summary>Equal parts: 100000 into 3 → 33334, 33333, 33333.</summary>
    public static long[] Split(long total, int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "At least one part.");
        var weights = new long[count];
        Array.Fill(weights, 1L);
        return ByWeights(total, weights);
    }

    /// <summary>Parts proportional to non-negative weights (at least one positive).</summary>
    public static long[] ByWeights(long total, IReadOnlyList<long> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (weights.Count == 0) throw new ArgumentException("At least one weight.", nameof(weights));
        Int128 weightSum = 0;
        foreach (var w in weights)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(w, nameof(weights));
            weightSum += w;
        }
        if (weightSum == 0) throw new ArgumentException("At least one positive weight.", nameof(weights));

        var parts = new long[weights.Count];
        var remainders = new Int128[weights.Count];
        long assigned = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = (Int128)total * weights[i];
            parts[i] = (long)(exact / weightSum);
            remainders[i] = exact % weightSum;
            assigned += parts[i];
        }

        var order = Enumerable.Range(0, weights.Count)
            .OrderByDescending(i => remainders[i])
            .ThenBy(i => i)
            .ToArray();
        for (var k = 0; assigned < total; k++, assigned++)
            parts[order[k]]++;
        return parts;
    }
}
