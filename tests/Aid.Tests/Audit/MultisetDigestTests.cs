using Aid.Application.Auditing;

namespace Aid.Tests.Audit;

/// <summary>The order-independent digest the quick verification pass compares two streams with.</summary>
public sealed class MultisetDigestTests
{
    private static readonly byte[] Key = MultisetDigest.NewKey();

    private static MultisetDigest Of(int blocks, params byte[][] elements)
    {
        var digest = new MultisetDigest(Key, blocks);
        foreach (var element in elements) digest.Add(element);
        return digest;
    }

    private static byte[] Element(int blocks, byte fill, byte last = 0)
    {
        var bytes = Enumerable.Repeat(fill, 16 * blocks).ToArray();
        bytes[^1] = last;
        return bytes;
    }

    [Fact]
    public void The_same_elements_in_any_order_give_the_same_digest()
    {
        // More than one batch (1,024 elements), read in opposite orders.
        var elements = Enumerable.Range(0, 3000).Select(i => Element(1, (byte)(i % 251), (byte)(i / 251))).ToArray();
        using var forward = Of(1, elements);
        using var backward = Of(1, elements.Reverse().ToArray());
        Assert.True(forward.SameAs(backward));
        Assert.Equal(3000, forward.Count);
    }

    [Fact]
    public void A_changed_missing_or_repeated_element_gives_another_digest()
    {
        byte[][] elements = [Element(1, 1), Element(1, 2), Element(1, 3)];
        using var original = Of(1, elements);
        using var changed = Of(1, Element(1, 1), Element(1, 2), Element(1, 3, last: 1));
        using var missing = Of(1, Element(1, 1), Element(1, 2));
        using var repeated = Of(1, Element(1, 1), Element(1, 2), Element(1, 3), Element(1, 3));
        using var swapped = Of(1, Element(1, 1), Element(1, 2), Element(1, 2)); // same count, one element replaced
        Assert.False(original.SameAs(changed));
        Assert.False(original.SameAs(missing));
        Assert.False(original.SameAs(repeated));
        Assert.False(original.SameAs(swapped));
    }

    [Fact]
    public void Two_block_elements_are_digested_whole_so_halves_cannot_be_exchanged()
    {
        var (a1, a2, b1, b2) = (Element(1, 1), Element(1, 2), Element(1, 3), Element(1, 4));
        using var original = Of(2, [.. a1, .. a2], [.. b1, .. b2]);
        using var exchanged = Of(2, [.. a1, .. b2], [.. b1, .. a2]); // each block kept, pairs exchanged
        using var same = Of(2, [.. b1, .. b2], [.. a1, .. a2]);
        Assert.False(original.SameAs(exchanged));
        Assert.True(original.SameAs(same));
    }

    [Fact]
    public void Digests_under_different_keys_differ()
    {
        using var one = new MultisetDigest(MultisetDigest.NewKey(), 1);
        using var other = new MultisetDigest(MultisetDigest.NewKey(), 1);
        one.Add(Element(1, 7));
        other.Add(Element(1, 7));
        Assert.False(one.SameAs(other));
    }

    [Fact]
    public void An_element_of_the_wrong_size_is_refused()
    {
        using var digest = new MultisetDigest(Key, 2);
        Assert.Throws<ArgumentException>(() => digest.Add(new byte[16]));
    }
}
