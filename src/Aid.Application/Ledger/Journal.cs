using Aid.Application.Common;

namespace Aid.Application.Ledger;

/// <summary>The ledger's accounts, one set per programme. Debits are positive, credits negative.</summary>
public static class Accounts
{
    public const string CashAtBank = "cash_at_bank";
    public const string GoodsInStock = "goods_in_stock";
    public const string RestrictedFund = "restricted_fund";
    public const string AidPaid = "aid_paid";
    public const string GoodsDistributed = "goods_distributed";
}

/// <summary>What caused an entry; balances and reports group by it.</summary>
public static class EntryKinds
{
    public const string CashGift = "cash_gift";
    public const string InKindGift = "in_kind_gift";
    public const string GiftReversal = "gift_reversal";
    public const string Disbursement = "disbursement";
    public const string DisbursementReversal = "disbursement_reversal";
    public const string GoodsDistribution = "goods_distribution";
}

public sealed record Posting(string Account, long Amount);

/// <summary>
/// Writes balanced journal entries. An entry whose postings do not sum to zero is a programming error and
/// is refused before anything is written; corrections are reversing entries, never edits.
/// </summary>
public sealed class Journal(IDbSession db, BusinessClock clock, AccessScope scope)
{
    public async Task<Guid> PostAsync(Guid programmeId, DateOnly entryDate, string kind, string sourceType, Guid sourceId,
        IReadOnlyList<Posting> postings, string? memo, CancellationToken ct, Guid? reversesEntryId = null)
    {
        if (postings.Count < 2) throw new InvalidOperationException("A journal entry has at least two postings.");
        if (postings.Any(p => p.Amount == 0)) throw new InvalidOperationException("A posting moves a non-zero amount.");
        long sum = 0;
        foreach (var posting in postings) sum = checked(sum + posting.Amount);
        if (sum != 0) throw new InvalidOperationException($"Unbalanced journal entry ({kind}): postings sum to {sum}.");

        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
            VALUES (@id, @programmeId, @entryDate, @kind, @sourceType, @sourceId, @reversesEntryId, @memo, @createdAt, @createdBy)
            """, new { id, programmeId, entryDate, kind, sourceType, sourceId, reversesEntryId, memo, createdAt = clock.UtcNow(), createdBy = scope.AuditActor }, ct);
        if (postings.Count == 2) // the usual entry: one statement, one round trip
        {
            await db.ExecuteAsync("""
                INSERT INTO postings (journal_entry_id, line, programme_id, account, amount)
                VALUES (@id, 1, @programmeId, @account1, @amount1), (@id, 2, @programmeId, @account2, @amount2)
                """, new { id, programmeId, account1 = postings[0].Account, amount1 = postings[0].Amount, account2 = postings[1].Account, amount2 = postings[1].Amount }, ct);
            return id;
        }
        for (var line = 0; line < postings.Count; line++)
        {
            await db.ExecuteAsync("""
                INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@id, @line, @programmeId, @account, @amount)
                """, new { id, line = line + 1, programmeId, account = postings[line].Account, amount = postings[line].Amount }, ct);
        }
        return id;
    }

    /// <summary>Posts the mirror image of an entry (every posting negated), linked to it.</summary>
    public async Task<Guid> ReverseAsync(Guid entryId, DateOnly entryDate, string kind, string sourceType, Guid sourceId, string? memo, CancellationToken ct)
    {
        var original = await db.QueryAsync<PostingRow>("""
            SELECT p.programme_id AS ProgrammeId, p.account AS Account, p.amount AS Amount
            FROM postings p WHERE p.journal_entry_id = @entryId ORDER BY p.line
            """, new { entryId }, ct);
        if (original.Count == 0) throw new InvalidOperationException($"Journal entry {entryId} has no postings.");
        return await PostAsync(original[0].ProgrammeId, entryDate, kind, sourceType, sourceId,
            original.Select(p => new Posting(p.Account, -p.Amount)).ToList(), memo, ct, reversesEntryId: entryId);
    }

    private sealed class PostingRow
    {
        public required Guid ProgrammeId { get; init; }
        public required string Account { get; init; }
        public required long Amount { get; init; }
    }
}
