using Aid.Tests.Support;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LongestFirst))]

namespace Aid.Tests.Support;

/// <summary>
/// Starts the test classes that take longest first (the full demo on SQLite alone takes about two minutes in a full run), so that
/// on 2 cores they overlap the many short classes instead of running alone at the end of the suite. Only the start order changes.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    // By the sum of their tests' durations in a full run on 2 cores (trx, 2026-12-04): DemoTests 183 s … AuditPageTests 25 s.
    // A class missing here only starts after these; re-measure when a class grows past the last of them.
    private static readonly string[] Longest =
    [
        "DemoTests", "TamperTests", "KeyFileTests", "ReceiptPageTests", "SignInPageTests", "PledgePageTests", "EmailOutageTests",
        "AuditorAreaTests", "DonorPortalTests", "StudentPageTests", "EmailCrashTests", "ConsolePageTests", "BatchPageTests",
        "GiftPageTests", "ImportFormatTests", "DonorPageTests", "ConfigurationTests", "BusinessDatePageTests", "StatementDocumentTests",
        "OpenApiConformanceTests", "ReceiptApiTests", "MultiInstanceTests", "StatementTests", "DisbursementPageTests", "ImportPageTests",
        "ImportApiTests", "ReceiptEmailTests", "FirstStartTests", "BenchTests", "AuditPageTests",
    ];

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        testCollections.OrderBy(c => Rank(c.TestCollectionDisplayName)).ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The place of a collection in <see cref="Longest"/> (its length when not there). A class's own collection is named
    /// "Test collection for Aid.Tests.Api.DemoTests (id: …)": the class is matched before the id.
    /// </summary>
    internal static int Rank(string collectionName)
    {
        var idAt = collectionName.LastIndexOf(" (id: ", StringComparison.Ordinal);
        var name = idAt < 0 ? collectionName : collectionName[..idAt];
        var index = Array.FindIndex(Longest, slow => name.EndsWith("." + slow, StringComparison.Ordinal));
        return index < 0 ? Longest.Length : index;
    }
}
