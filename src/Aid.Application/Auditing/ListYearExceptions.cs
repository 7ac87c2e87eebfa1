using Aid.Application.Common;
using Aid.Application.Donors;
using FluentValidation;
using Mediator;

namespace Aid.Application.Auditing;

/// <summary>
/// The exceptions of a programme's year, what an auditor looks at first: gifts reversed, receipts voided (and what replaced them),
/// pledges cancelled or written off (with what was still outstanding), disbursements reversed, students who withdrew. Dates are
/// business dates (the organisation's time zone); donors by their public name (anonymous donors stay anonymous); students by
/// code only. Null when the programme is not in the caller's scope.
/// </summary>
public sealed record ListYearExceptions(Guid ProgrammeId, int Year) : IQuery<IReadOnlyList<YearException>?>;

public static class YearExceptionKinds
{
    public const string GiftReversed = "gift_reversed";
    public const string ReceiptVoided = "receipt_voided";
    public const string PledgeCancelled = "pledge_cancelled";
    public const string PledgeWrittenOff = "pledge_written_off";
    public const string DisbursementReversed = "disbursement_reversed";
    public const string StudentWithdrawn = "student_withdrawn";
}

/// <param name="Subject">What it concerns: a gift's reference, a receipt number, a donor's public name, a student code.</param>
/// <param name="Amount">The amount concerned ("1000.00"; for a closed pledge what was still outstanding); null when none.</param>
/// <param name="Related">A replacement receipt's number, or the school of a student who withdrew.</param>
public sealed record YearException(string Kind, DateOnly On, string Subject, string? Amount, string? Reason, string? Related);

public sealed class ListYearExceptionsValidator : AbstractValidator<ListYearExceptions>
{
    public ListYearExceptionsValidator() => RuleFor(q => q.Year).InclusiveBetween(2000, 2100).OverridePropertyName("year");
}

internal sealed class ListYearExceptionsHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<ListYearExceptions, IReadOnlyList<YearException>?>
{
    public async ValueTask<IReadOnlyList<YearException>?> Handle(ListYearExceptions query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        if (await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM programmes WHERE id = @id", new { id = query.ProgrammeId }, ct) is null) return null;
        DateTimeOffset Start(int year) => new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), clock.Zone), TimeSpan.Zero);
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, clock.Zone).DateTime);
        var p = new
        {
            programmeId = query.ProgrammeId,
            from = new DateOnly(query.Year, 1, 1), to = new DateOnly(query.Year, 12, 31),
            fromAt = Start(query.Year), toAt = Start(query.Year + 1),
        };
        var list = new List<YearException>();

        foreach (var g in await db.QueryAsync<GiftRow>($"""
            SELECT r.reversed_on AS "On", g.reference AS Reference, {db.Dialect.AsText("g.id")} AS Id, g.amount AS Amount, r.reason AS Reason
            FROM gift_reversals r JOIN gifts g ON g.id = r.gift_id
            WHERE g.programme_id = @programmeId AND r.reversed_on >= @from AND r.reversed_on <= @to
            """, p, ct))
            list.Add(new YearException(YearExceptionKinds.GiftReversed, g.On, g.Reference ?? g.Id, Money.Format(g.Amount), g.Reason, null));

        foreach (var r in await db.QueryAsync<ReceiptRow>("""
            SELECT r.voided_at AS VoidedAt, r.voided_on AS VoidedOn, r.number AS Number, r.total AS Total, r.void_reason AS Reason, n.number AS ReplacedBy
            FROM receipts r LEFT JOIN receipts n ON n.id = r.replaced_by_id
            WHERE r.programme_id = @programmeId AND r.status = 'void'
              AND (r.voided_on >= @from AND r.voided_on <= @to OR r.voided_on IS NULL AND r.voided_at >= @fromAt AND r.voided_at < @toAt)
            """, p, ct))
            list.Add(new YearException(YearExceptionKinds.ReceiptVoided, r.VoidedOn ?? Day(r.VoidedAt), r.Number, Money.Format(r.Total), r.Reason, r.ReplacedBy));

        foreach (var c in await db.QueryAsync<PledgeRow>("""
            SELECT p.closed_at AS ClosedAt, p.closed_status AS Status, p.closed_reason AS Reason, p.total AS Total, d.name AS Name, d.anonymous AS Anonymous,
                   CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a
                                  WHERE a.pledge_id = p.id AND NOT EXISTS (SELECT 1 FROM gift_reversals x WHERE x.gift_id = a.gift_id)), 0) AS BIGINT) AS Received
            FROM pledges p JOIN donors d ON d.id = p.donor_id
            WHERE p.programme_id = @programmeId AND p.closed_status IS NOT NULL AND p.closed_at >= @fromAt AND p.closed_at < @toAt
            """, p, ct))
            list.Add(new YearException(c.Status == "written_off" ? YearExceptionKinds.PledgeWrittenOff : YearExceptionKinds.PledgeCancelled,
                Day(c.ClosedAt), DonorView.PublicName(c.Name, c.Anonymous), Money.Format(Math.Max(0, c.Total - c.Received)), c.Reason, null));

        foreach (var d in await db.QueryAsync<DisbursementRow>("""
            SELECT e.entry_date AS "On", s.code AS Code, d.amount AS Amount, d.reversal_reason AS Reason
            FROM disbursements d JOIN students s ON s.id = d.student_id JOIN journal_entries e ON e.id = d.reversal_entry_id
            WHERE d.programme_id = @programmeId AND e.entry_date >= @from AND e.entry_date <= @to
            """, p, ct))
            list.Add(new YearException(YearExceptionKinds.DisbursementReversed, d.On, d.Code, Money.Format(d.Amount), d.Reason, null));

        foreach (var s in await db.QueryAsync<StudentRow>("""
            SELECT status_date AS "On", code AS Code, school AS School FROM students
            WHERE programme_id = @programmeId AND status = 'withdrawn' AND status_date >= @from AND status_date <= @to
            """, p, ct))
            list.Add(new YearException(YearExceptionKinds.StudentWithdrawn, s.On, s.Code, null, null, s.School));

        return list.OrderBy(e => e.On).ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Subject, StringComparer.Ordinal).ToList();
    }

    private sealed class GiftRow
    {
        public required DateOnly On { get; init; }
        public string? Reference { get; init; }
        public required string Id { get; init; }
        public required long Amount { get; init; }
        public string? Reason { get; init; }
    }

    private sealed class ReceiptRow
    {
        public required DateTimeOffset VoidedAt { get; init; }
        public DateOnly? VoidedOn { get; init; }
        public required string Number { get; init; }
        public required long Total { get; init; }
        public string? Reason { get; init; }
        public string? ReplacedBy { get; init; }
    }

    private sealed class PledgeRow
    {
        public required DateTimeOffset ClosedAt { get; init; }
        public required string Status { get; init; }
        public string? Reason { get; init; }
        public required long Total { get; init; }
        public required string Name { get; init; }
        public required bool Anonymous { get; init; }
        public required long Received { get; init; }
    }

    private sealed class DisbursementRow
    {
        public required DateOnly On { get; init; }
        public required string Code { get; init; }
        public required long Amount { get; init; }
        public string? Reason { get; init; }
    }

    private sealed class StudentRow
    {
        public required DateOnly On { get; init; }
        public required string Code { get; init; }
        public string? School { get; init; }
    }
}
