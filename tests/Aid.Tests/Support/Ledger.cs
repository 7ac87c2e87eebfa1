using Dapper;

namespace Aid.Tests.Support;

public static class Ledger
{
    /// <summary>Every entry sums to zero and so does the whole ledger (the trial balance).</summary>
    public static async Task AssertBalancedAsync(this AidApp app)
    {
        await using var connection = await app.OpenDatabaseAsync();
        var unbalanced = (await connection.QueryAsync<string>(
            "SELECT CAST(journal_entry_id AS TEXT) FROM postings GROUP BY journal_entry_id HAVING SUM(amount) <> 0")).ToList();
        Assert.Empty(unbalanced);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings"));
        var entriesWithoutPostings = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM journal_entries e WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.journal_entry_id = e.id)");
        Assert.Equal(0L, entriesWithoutPostings);
    }

    /// <summary>Row counts of every money table, to show that a refused request wrote nothing.</summary>
    public static async Task<string> MoneyRowCountsAsync(this AidApp app)
    {
        await using var connection = await app.OpenDatabaseAsync();
        var counts = new List<string>();
        foreach (var table in new[] { "gifts", "journal_entries", "postings", "pledges", "pledge_instalments", "pledge_allocations", "gift_reversals", "audit_log" })
            counts.Add($"{table}={await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}")}");
        return string.Join(", ", counts);
    }
}
