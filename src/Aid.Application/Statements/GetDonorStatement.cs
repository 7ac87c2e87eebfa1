using Aid.Application.Common;
using Aid.Application.Donors;
using FluentValidation;
using Mediator;

namespace Aid.Application.Statements;

/// <summary>
/// A donor's year: gifts with their receipts, pledge progress, and what the gifts paid for (student codes and terms
/// only — never a student's personal data). The donor's own key, or staff for the programmes in their scope.
/// As of the year's end, like the programme statement of the same year: pledge progress counts the gifts received by 31 December
/// (business time zone) that were not reversed by then; a reversal or a pledge's closing after it does not count.
/// </summary>
public sealed record GetDonorStatement(Guid DonorId, int Year) : IQuery<DonorStatement?>;

public sealed record DonorStatement(
    string DonorName, string Language, int Year, ReceiptsIssuer Issuer, IReadOnlyList<DonorGiftLine> Gifts, IReadOnlyList<DonorPledgeLine> Pledges,
    IReadOnlyList<DonorUseLine> PaidFor, long Total, DateTimeOffset GeneratedAt);

public sealed record ReceiptsIssuer(string Name, string Code);

/// <summary>A gift of the year; <paramref name="Detail"/> is what a person reads (the payment method's words, or the goods).</summary>
public sealed record DonorGiftLine(DateOnly ReceivedOn, string Programme, string Kind, string? Detail, long Amount, string? Receipts, bool Reversed);

public sealed record DonorPledgeLine(string Programme, long Total, long Paid, long Outstanding, string Status);

public sealed record DonorUseLine(DateOnly? PaidOn, string StudentCode, string School, string AcademicYear, string Term, long Amount);

public sealed class GetDonorStatementValidator : AbstractValidator<GetDonorStatement>
{
    public GetDonorStatementValidator() => RuleFor(q => q.Year).InclusiveBetween(2000, 2100).OverridePropertyName("year");
}

internal sealed class GetDonorStatementHandler(IDbSession db, AccessScope scope, BusinessClock clock, Receipts.ReceiptSettings settings,
    Auditing.AuditedRows audited)
    : IQueryHandler<GetDonorStatement, DonorStatement?>
{
    public async ValueTask<DonorStatement?> Handle(GetDonorStatement query, CancellationToken ct)
    {
        if (!scope.CanSeeDonor(query.DonorId)) return null;
        var donor = await db.QuerySingleOrDefaultAsync<DonorRow>($"SELECT {DonorRow.Columns} FROM donors WHERE id = @id", new { id = query.DonorId }, ct);
        if (donor is null) return null;
        // Never printed from rows the audit trail does not vouch for: each of the donor's gifts is checked (not the whole database:
        // a donor may ask for their statement, and the cost must follow their gifts).
        foreach (var giftId in await db.QueryAsync<Guid>("SELECT id FROM gifts WHERE donor_id = @donorId", new { donorId = donor.Id }, ct))
            await audited.EnsureIntactAsync("gift", giftId, ct);
        // A donor sees all of its own gifts; staff only those in their programmes.
        var filter = scope.Actor is { Role: Roles.Donor } ? null : scope.ProgrammeFilter;
        var inScope = filter is null ? "" : "AND " + db.Dialect.InList("g.programme_id", "filter");
        var p = new
        {
            donorId = donor.Id, from = new DateOnly(query.Year, 1, 1), to = new DateOnly(query.Year, 12, 31),
            endAt = GetProgrammeStatementHandler.YearEnd(clock, query.Year),
            filter = filter is null ? null : db.Dialect.IdList(filter), voidMark = "(作废)",
        };

        var gifts = await db.QueryAsync<GiftRow>($"""
            SELECT g.received_on AS ReceivedOn, pr.name AS Programme, g.kind AS Kind, g.method AS Method, g.description AS Description, g.amount AS Amount,
                   (SELECT {db.Dialect.StringAgg(db.Dialect.Concat("r.number", "CASE WHEN r.status = 'void' THEN @voidMark ELSE '' END"), "; ")}
                    FROM receipt_gifts rg JOIN receipts r ON r.id = rg.receipt_id WHERE rg.gift_id = g.id) AS Receipts,
                   CASE WHEN EXISTS (SELECT 1 FROM gift_reversals x WHERE x.gift_id = g.id AND x.reversed_on <= @to) THEN 1 ELSE 0 END AS Reversed
            FROM gifts g JOIN programmes pr ON pr.id = g.programme_id
            WHERE g.donor_id = @donorId AND g.received_on >= @from AND g.received_on <= @to {inScope}
            ORDER BY g.received_on, g.id
            """, p, ct);
        var pledges = await db.QueryAsync<PledgeRow>($"""
            SELECT pr.name AS Programme, g.total AS Total, CASE WHEN g.closed_at < @endAt THEN g.closed_status END AS ClosedStatus,
                   CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a JOIN gifts x ON x.id = a.gift_id
                                  WHERE a.pledge_id = g.id AND x.received_on <= @to
                                    AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id AND r.reversed_on <= @to)), 0) AS BIGINT) AS Paid
            FROM pledges g JOIN programmes pr ON pr.id = g.programme_id
            WHERE g.donor_id = @donorId {inScope}
            ORDER BY g.id
            """, p, ct);
        var uses = await db.QueryAsync<UseRow>($"""
            SELECT d.paid_on AS PaidOn, s.code AS StudentCode, s.school AS School, d.academic_year AS AcademicYear, d.term AS Term, a.amount AS Amount
            FROM disbursement_allocations a JOIN disbursements d ON d.id = a.disbursement_id JOIN students s ON s.id = d.student_id
            JOIN gifts g ON g.id = a.gift_id LEFT JOIN journal_entries e ON e.id = d.reversal_entry_id
            WHERE g.donor_id = @donorId AND (d.status = 'paid' OR (d.status = 'reversed' AND e.entry_date > @to))
              AND d.paid_on >= @from AND d.paid_on <= @to {inScope}
            ORDER BY d.paid_on, d.id
            """, p, ct);

        var lines = gifts.Select(g => new DonorGiftLine(g.ReceivedOn, g.Programme, g.Kind,
            g.Kind == "in_kind" ? g.Description : StatementLabels.PaymentMethod(g.Method), g.Amount, g.Receipts, g.Reversed == 1)).ToList();
        return new DonorStatement(DonorView.PublicName(donor.Name, donor.Anonymous, donor.Language), donor.Language, query.Year,
            new ReceiptsIssuer(settings.Issuer.Name, settings.Issuer.Code), lines,
            pledges.Select(x => new DonorPledgeLine(x.Programme, x.Total, x.Paid, x.ClosedStatus is null ? Math.Max(0, x.Total - x.Paid) : 0,
                x.ClosedStatus ?? (x.Paid >= x.Total ? "fulfilled" : "open"))).ToList(),
            uses.Select(u => new DonorUseLine(u.PaidOn, u.StudentCode, u.School, u.AcademicYear, u.Term, u.Amount)).ToList(),
            lines.Where(l => !l.Reversed).Sum(l => l.Amount), clock.UtcNow());
    }

    private sealed class GiftRow
    {
        public required DateOnly ReceivedOn { get; init; }
        public required string Programme { get; init; }
        public required string Kind { get; init; }
        public string? Method { get; init; }
        public string? Description { get; init; }
        public required long Amount { get; init; }
        public string? Receipts { get; init; }
        public required long Reversed { get; init; }
    }

    private sealed class PledgeRow
    {
        public required string Programme { get; init; }
        public required long Total { get; init; }
        public string? ClosedStatus { get; init; }
        public required long Paid { get; init; }
    }

    private sealed class UseRow
    {
        public DateOnly? PaidOn { get; init; }
        public required string StudentCode { get; init; }
        public required string School { get; init; }
        public required string AcademicYear { get; init; }
        public required string Term { get; init; }
        public required long Amount { get; init; }
    }
}
