using Aid.Application.Common;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>
/// "What my gifts paid for": the student terms paid from the signed-in donor's gifts — paid disbursements only (a reversed one is
/// no longer paid), the part of each that this donor's money covered. A student appears by their pseudonymous code, school and
/// grade only: never a name, ID number, guardian, address or anything else that identifies a minor (DESIGN.md).
/// </summary>
public sealed record ListWhatMyGiftsPaidFor : IQuery<MyGiftsPaidFor>;

public sealed record MyGiftsPaidFor(IReadOnlyList<MyPaidTerm> Terms, IReadOnlyList<MyPaidYear> Years, string Currency, string Total, int Students);

/// <summary>One student term (one disbursement), with the amount from this donor's gifts.</summary>
public sealed record MyPaidTerm(DateOnly? PaidOn, string StudentCode, string School, string Grade, string AcademicYear, string Term, string Currency, string Amount);

/// <summary>The totals per academic year, for the chart: how much, how many student terms.</summary>
public sealed record MyPaidYear(string AcademicYear, long AmountMinor, string Amount, int Terms);

internal sealed class ListWhatMyGiftsPaidForHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListWhatMyGiftsPaidFor, MyGiftsPaidFor>
{
    public async ValueTask<MyGiftsPaidFor> Handle(ListWhatMyGiftsPaidFor query, CancellationToken ct)
    {
        var donorId = MyDonor.Id(scope);
        var rows = await db.QueryAsync<Row>("""
            SELECT d.id AS DisbursementId, d.paid_on AS PaidOn, s.code AS StudentCode, s.school AS School, s.grade AS Grade,
                   d.academic_year AS AcademicYear, d.term AS Term, g.currency AS Currency, CAST(SUM(a.amount) AS BIGINT) AS Amount
            FROM disbursement_allocations a
            JOIN gifts g ON g.id = a.gift_id
            JOIN disbursements d ON d.id = a.disbursement_id
            JOIN students s ON s.id = d.student_id
            WHERE g.donor_id = @donorId AND d.status = 'paid' AND d.reversed_at IS NULL
            GROUP BY d.id, d.paid_on, s.code, s.school, s.grade, d.academic_year, d.term, g.currency
            ORDER BY d.paid_on, d.id
            """, new { donorId }, ct);
        var terms = rows.Select(r => new MyPaidTerm(r.PaidOn, r.StudentCode, r.School, r.Grade, r.AcademicYear, r.Term, r.Currency, Money.Format(r.Amount)))
            .ToList();
        var years = rows.GroupBy(r => r.AcademicYear).OrderBy(y => y.Key, StringComparer.Ordinal)
            .Select(y => new MyPaidYear(y.Key, y.Sum(r => r.Amount), Money.Format(y.Sum(r => r.Amount)), y.Count())).ToList();
        var currency = rows.Select(r => r.Currency).FirstOrDefault() ?? "CNY";
        return new MyGiftsPaidFor(terms, years, currency, Money.Format(rows.Sum(r => r.Amount)), rows.Select(r => (r.StudentCode, r.School)).Distinct().Count());
    }

    private sealed class Row
    {
        public required Guid DisbursementId { get; init; }
        public DateOnly? PaidOn { get; init; }
        public required string StudentCode { get; init; }
        public required string School { get; init; }
        public required string Grade { get; init; }
        public required string AcademicYear { get; init; }
        public required string Term { get; init; }
        public required string Currency { get; init; }
        public required long Amount { get; init; }
    }
}
