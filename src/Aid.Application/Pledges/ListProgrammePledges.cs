using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Pledges;

/// <summary>
/// A programme's pledges for the console, newest first: optionally only those of one <paramref name="Status"/>
/// (<c>open</c>, <c>fulfilled</c>, <c>cancelled</c>, <c>written_off</c>) and of one donor, each with its donor's name and a
/// summary of its schedule. Rows outside the caller's scope are not listed.
/// </summary>
public sealed record ListProgrammePledges(Guid ProgrammeId, string? Status, Guid? DonorId, int? Limit, string? Cursor)
    : IQuery<Page<PledgeListItem>>, IPagedQuery;

/// <summary>
/// One pledge of the list: amounts as decimal strings; the schedule as its frequency code, the number of instalments, the first
/// and last due dates, and how many instalments are overdue (only an open pledge has overdue instalments).
/// </summary>
public sealed record PledgeListItem(
    Guid Id, Guid DonorId, string DonorName, string Status, string Currency, string Total, string Paid, string Outstanding,
    string Frequency, int InstalmentCount, DateOnly FirstDueDate, DateOnly LastDueDate, int OverdueCount, DateTimeOffset CreatedAt);

public sealed class ListProgrammePledgesValidator : AbstractValidator<ListProgrammePledges>
{
    public static readonly IReadOnlyList<string> Statuses = [PledgeStatus.Open, PledgeStatus.Fulfilled, PledgeStatus.Cancelled, PledgeStatus.WrittenOff];

    public ListProgrammePledgesValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Status).Must(s => s is null || Statuses.Contains(s))
            .WithMessage("status must be one of open, fulfilled, cancelled, written_off.");
    }
}

internal sealed class ListProgrammePledgesHandler(IDbSession db, AccessScope scope, BusinessClock clock)
    : IQueryHandler<ListProgrammePledges, Page<PledgeListItem>>
{
    private const string PaidSql = """
        CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a
                       WHERE a.pledge_id = p.id AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id)), 0) AS BIGINT)
        """;

    private const string InstalmentPaidSql = """
        COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a
                  WHERE a.pledge_id = i.pledge_id AND a.instalment_number = i.number
                    AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id)), 0)
        """;

    public async ValueTask<Page<PledgeListItem>> Handle(ListProgrammePledges query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var select = $"""
            SELECT p.id AS Id, p.donor_id AS DonorId, d.name AS DonorName, p.currency AS Currency, p.total AS Total, p.frequency AS Frequency,
                   p.closed_status AS ClosedStatus, p.created_at AS CreatedAt, {PaidSql} AS Paid,
                   (SELECT COUNT(*) FROM pledge_instalments i WHERE i.pledge_id = p.id) AS InstalmentCount,
                   (SELECT MIN(i.due_date) FROM pledge_instalments i WHERE i.pledge_id = p.id) AS FirstDueDate,
                   (SELECT MAX(i.due_date) FROM pledge_instalments i WHERE i.pledge_id = p.id) AS LastDueDate,
                   (SELECT COUNT(*) FROM pledge_instalments i
                    WHERE i.pledge_id = p.id AND p.closed_status IS NULL AND i.due_date < @today AND i.amount > {InstalmentPaidSql}) AS OverdueCount
            FROM pledges p JOIN donors d ON d.id = p.donor_id
            """;
        var rows = await new KeysetQuery(select, "p.id")
            .Where("p.programme_id = @programmeId")
            .WhereIf(query.DonorId is not null, "p.donor_id = @donorId")
            .WhereIf(query.Status == PledgeStatus.Open, $"p.closed_status IS NULL AND {PaidSql} < p.total")
            .WhereIf(query.Status == PledgeStatus.Fulfilled, $"p.closed_status IS NULL AND {PaidSql} >= p.total")
            .WhereIf(query.Status is PledgeStatus.Cancelled or PledgeStatus.WrittenOff, "p.closed_status = @status")
            .InScope(scope, db.Dialect, programmeColumn: "p.programme_id", ownRows: "p.donor_id = @ownDonorId")
            .Parameters(new { programmeId = query.ProgrammeId, donorId = query.DonorId, status = query.Status, today = clock.Today() })
            .OrderBy("p.id", descending: true)
            .ReadAsync<Row>(db, after is { } id ? new KeysetPosition(id, id) : null, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<PledgeListItem>(page.Items.Select(r =>
        {
            var status = r.ClosedStatus ?? (r.Paid >= r.Total ? PledgeStatus.Fulfilled : PledgeStatus.Open);
            var outstanding = r.ClosedStatus is null ? r.Total - r.Paid : 0;
            return new PledgeListItem(r.Id, r.DonorId, r.DonorName, status, r.Currency, Money.Format(r.Total), Money.Format(r.Paid),
                Money.Format(outstanding), r.Frequency, (int)r.InstalmentCount, r.FirstDueDate, r.LastDueDate, (int)r.OverdueCount, r.CreatedAt);
        }).ToList(), page.NextCursor);
    }

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required Guid DonorId { get; init; }
        public required string DonorName { get; init; }
        public required string Currency { get; init; }
        public required long Total { get; init; }
        public required string Frequency { get; init; }
        public string? ClosedStatus { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public required long Paid { get; init; }
        public required long InstalmentCount { get; init; }
        public required DateOnly FirstDueDate { get; init; }
        public required DateOnly LastDueDate { get; init; }
        public required long OverdueCount { get; init; }
    }
}
