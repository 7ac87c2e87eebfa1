using Aid.Application.Common;
using Aid.Application.Ledger;
using Mediator;

namespace Aid.Application.Programmes;

/// <summary>Money received (cash gifts, net of reversals) and aid paid (net of reversed payments) per month, for the console's chart.</summary>
public sealed record GetMonthlyFlows(Guid ProgrammeId, int Months = 12) : IQuery<IReadOnlyList<MonthlyFlow>?>;

/// <summary>One month (its first day) with amounts in minor units.</summary>
public sealed record MonthlyFlow(DateOnly Month, long Received, long Paid);

internal sealed class GetMonthlyFlowsHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<GetMonthlyFlows, IReadOnlyList<MonthlyFlow>?>
{
    public async ValueTask<IReadOnlyList<MonthlyFlow>?> Handle(GetMonthlyFlows query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId) || await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct) is null) return null;
        var today = clock.Today();
        var last = new DateOnly(today.Year, today.Month, 1);
        var first = last.AddMonths(-(Math.Clamp(query.Months, 1, 60) - 1));
        // Postings on cash at bank by entry kind: gifts and their reversals (received), disbursements and their reversals (paid).
        var rows = await db.QueryAsync<Row>("""
            SELECT e.entry_date AS EntryDate, e.kind AS Kind, CAST(SUM(p.amount) AS BIGINT) AS Amount
            FROM postings p JOIN journal_entries e ON e.id = p.journal_entry_id
            WHERE p.programme_id = @programmeId AND p.account = @cash AND e.entry_date >= @first
            GROUP BY e.entry_date, e.kind
            """, new { programmeId = query.ProgrammeId, cash = Accounts.CashAtBank, first }, ct);
        var months = Enumerable.Range(0, (last.Year - first.Year) * 12 + last.Month - first.Month + 1).Select(i => first.AddMonths(i)).ToList();
        return months.Select(m =>
        {
            var inMonth = rows.Where(r => r.EntryDate.Year == m.Year && r.EntryDate.Month == m.Month).ToList();
            var received = inMonth.Where(r => r.Kind is EntryKinds.CashGift or EntryKinds.GiftReversal).Sum(r => r.Amount);
            var paid = -inMonth.Where(r => r.Kind is not (EntryKinds.CashGift or EntryKinds.GiftReversal)).Sum(r => r.Amount);
            return new MonthlyFlow(m, received, paid);
        }).ToList();
    }

    private sealed class Row
    {
        public required DateOnly EntryDate { get; init; }
        public required string Kind { get; init; }
        public required long Amount { get; init; }
    }
}
