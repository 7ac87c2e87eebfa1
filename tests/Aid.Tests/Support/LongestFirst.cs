using Aid.Tests.Support;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LongestFirst))]

namespace Aid.Tests.Support;

/// <summary>
/// Starts the test classes that take longest first (the full demo on SQLite takes about 30 s alone), so that on 2 cores they
/// overlap the many short classes instead of running alone at the end of the suite. Only the start order changes.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest =
        ["DemoTests", "StatementTests", "KeyFileTests", "ReceiptApiTests", "SignInPageTests", "TamperTests", "ReceiptRunTests", "ConfigurationTests"];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        testCollections.OrderBy(c => Rank(c.TestCollectionDisplayName)).ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal).ToList();

    private static int Rank(string name)
    {
        var index = Array.FindIndex(Longest, slow => name.EndsWith("." + slow, StringComparison.Ordinal));
        return index < 0 ? Longest.Length : index;
    }
}
