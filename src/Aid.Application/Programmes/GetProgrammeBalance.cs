using Aid.Application.Common;
using Aid.Application.Ledger;
using Mediator;

namespace Aid.Application.Programmes;

public sealed record GetProgrammeBalance(Guid ProgrammeId) : IQuery<ProgrammeBalance?>;

/// <summary>
/// Everything here is a sum of ledger postings, except pledgedOutstanding (pledges are promises, not money) and
/// committed (approved disbursements not yet paid). restrictedBalance = cashBalance + goodsInStock.
/// </summary>
public sealed record ProgrammeBalance(
    Guid ProgrammeId, string Currency, string CashReceived, string GoodsReceived, string Reversed, string Disbursed, string GoodsDistributed,
    string Committed, string CashBalance, string GoodsInStock, string RestrictedBalance, string PledgedOutstanding);

internal sealed class GetProgrammeBalanceHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetProgrammeBalance, ProgrammeBalance?>
{
    public async ValueTask<ProgrammeBalance?> Handle(GetProgrammeBalance query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var programme = await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct);
        if (programme is null) return null;

        var sums = await db.QueryAsync<AccountSum>(SumsSql, new { programmeId = programme.Id }, ct);
        long Sum(string account, string? kind = null) => sums.Where(s => s.Account == account && (kind is null || s.Kind == kind)).Sum(s => s.Amount);

        var pledged = await db.QuerySingleAsync<long>(PledgedOutstandingSql, new { programmeId = programme.Id }, ct);
        var committed = await db.QuerySingleAsync<long>(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM disbursements WHERE programme_id = @programmeId AND status = 'approved'",
            new { programmeId = programme.Id }, ct);
        return new ProgrammeBalance(
            programme.Id, programme.Currency,
            CashReceived: Money.Format(Sum(Accounts.CashAtBank, EntryKinds.CashGift)),
            GoodsReceived: Money.Format(Sum(Accounts.GoodsInStock, EntryKinds.InKindGift)),
            Reversed: Money.Format(Sum(Accounts.RestrictedFund, EntryKinds.GiftReversal)),
            Disbursed: Money.Format(Sum(Accounts.AidPaid)),
            GoodsDistributed: Money.Format(Sum(Accounts.GoodsDistributed)),
            Committed: Money.Format(committed),
            CashBalance: Money.Format(Sum(Accounts.CashAtBank)),
            GoodsInStock: Money.Format(Sum(Accounts.GoodsInStock)),
            // What is still held for the programme's purpose: the fund less the aid paid and goods handed out.
            RestrictedBalance: Money.Format(-(Sum(Accounts.RestrictedFund) + Sum(Accounts.AidPaid) + Sum(Accounts.GoodsDistributed))),
            PledgedOutstanding: Money.Format(pledged));
    }

    private const string SumsSql = """
        SELECT p.account AS Account, e.kind AS Kind, CAST(SUM(p.amount) AS BIGINT) AS Amount
        FROM postings p JOIN journal_entries e ON e.id = p.journal_entry_id
        WHERE p.programme_id = @programmeId
        GROUP BY p.account, e.kind
        """;

    private const string PledgedOutstandingSql = """
        SELECT CAST(COALESCE(SUM(p.total - COALESCE((
                   SELECT SUM(a.amount) FROM pledge_allocations a
                   WHERE a.pledge_id = p.id AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id)), 0)), 0) AS BIGINT)
        FROM pledges p
        WHERE p.programme_id = @programmeId AND p.closed_status IS NULL
        """;

    private sealed class AccountSum
    {
        public required string Account { get; init; }
        public required string Kind { get; init; }
        public required long Amount { get; init; }
    }
}
