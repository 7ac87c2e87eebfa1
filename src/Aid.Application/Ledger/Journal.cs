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

/// <summary>One journal entry to post: what caused it and its postings.</summary>
public sealed record JournalEntryDraft(Guid ProgrammeId, DateOnly EntryDate, string Kind, string SourceType, Guid SourceId,
    IReadOnlyList<Posting> Postings, string? Memo = null, Guid? ReversesEntryId = null);

/// <summary>
/// Writes balanced journal entries. An entry whose postings do not sum to zero is a programming error and
/// is refused before anything is written; corrections are reversing entries, never edits.
/// </summary>
public sealed class Journal(IDbSession db, BusinessClock clock, AccessScope scope)
{
    private const string InsertEntry = """
        INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
        VALUES (@id, @programmeId, @entryDate, @kind, @sourceType, @sourceId, @reversesEntryId, @memo, @createdAt, @createdBy)
        """;

    private const string InsertTwoPostings = """
        INSERT INTO postings (journal_entry_id, line, programme_id, account, amount)
        VALUES (@id, 1, @programmeId, @account1, @amount1), (@id, 2, @programmeId, @account2, @amount2)
        """;

    private const string InsertPosting = """
        INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@id, @line, @programmeId, @account, @amount)
        """;

    public async Task<Guid> PostAsync(Guid programmeId, DateOnly entryDate, string kind, string sourceType, Guid sourceId,
        IReadOnlyList<Posting> postings, string? memo, CancellationToken ct, Guid? reversesEntryId = null) =>
        (await PostAllAsync([new JournalEntryDraft(programmeId, entryDate, kind, sourceType, sourceId, postings, memo, reversesEntryId)], ct))[0];

    /// <summary>
    /// Posts the entries (an import chunk's gifts), each checked before anything is written; every statement is sent once
    /// and executed per entry, not built and sent again for each. Answers the new entries' ids in the same order.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> PostAllAsync(IReadOnlyList<JournalEntryDraft> entries, CancellationToken ct)
    {
        foreach (var entry in entries) EnsureBalanced(entry);
        var ids = entries.Select(_ => Guid.CreateVersion7()).ToArray();
        var (createdAt, createdBy) = (clock.UtcNow(), scope.AuditActor);
        await db.ExecuteEachAsync(InsertEntry, entries.Select((e, i) => new
        {
            id = ids[i], programmeId = e.ProgrammeId, entryDate = e.EntryDate, kind = e.Kind, sourceType = e.SourceType, sourceId = e.SourceId,
            reversesEntryId = e.ReversesEntryId, memo = e.Memo, createdAt, createdBy,
        }).ToList(), ct);

        var pairs = entries.Select((e, i) => (Entry: e, Id: ids[i])).Where(x => x.Entry.Postings.Count == 2).ToList();
        // The usual entry, two postings: one statement per entry.
        await db.ExecuteEachAsync(InsertTwoPostings, pairs.Select(x => new
        {
            id = x.Id, programmeId = x.Entry.ProgrammeId, account1 = x.Entry.Postings[0].Account, amount1 = x.Entry.Postings[0].Amount,
            account2 = x.Entry.Postings[1].Account, amount2 = x.Entry.Postings[1].Amount,
        }).ToList(), ct);
        var lines = entries.Select((e, i) => (Entry: e, Id: ids[i])).Where(x => x.Entry.Postings.Count != 2)
            .SelectMany(x => x.Entry.Postings.Select((p, line) => new { id = x.Id, line = line + 1, programmeId = x.Entry.ProgrammeId, account = p.Account, amount = p.Amount }))
            .ToList();
        await db.ExecuteEachAsync(InsertPosting, lines, ct);
        return ids;
    }

    private static void EnsureBalanced(JournalEntryDraft entry)
    {
        if (entry.Postings.Count < 2) throw new InvalidOperationException("A journal entry has at least two postings.");
        if (entry.Postings.Any(p => p.Amount == 0)) throw new InvalidOperationException("A posting moves a non-zero amount.");
        long sum = 0;
        foreach (var posting in entry.Postings) sum = checked(sum + posting.Amount);
        if (sum != 0) throw new InvalidOperationException($"Unbalanced journal entry ({entry.Kind}): postings sum to {sum}.");
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
