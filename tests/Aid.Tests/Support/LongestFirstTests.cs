namespace Aid.Tests.Support;

/// <summary>The suite's start order reads xunit's collection names as they are ("… (id: …)"), not as they once looked.</summary>
public sealed class LongestFirstTests
{
    [Fact]
    public void A_class_collection_is_ranked_by_its_class_whatever_its_id()
    {
        Assert.Equal(0, LongestFirst.Rank("Test collection for Aid.Tests.Api.DemoTests (id: 1f0c6a8e2b)"));
        Assert.Equal(3, LongestFirst.Rank("Test collection for Aid.Tests.Pages.ReceiptPageTests (id: 0d9e)"));
        Assert.Equal(0, LongestFirst.Rank("Test collection for Aid.Tests.Api.DemoTests"));
    }

    [Fact]
    public void A_class_not_listed_or_only_ending_alike_comes_after_the_listed_ones()
    {
        var unlisted = LongestFirst.Rank("Test collection for Aid.Tests.Api.HealthTests (id: 42)");
        Assert.True(unlisted > LongestFirst.Rank("Test collection for Aid.Tests.Pages.AuditPageTests (id: 42)"));
        Assert.Equal(unlisted, LongestFirst.Rank("Test collection for Aid.Tests.Api.NotDemoTests (id: 42)"));
    }
}
