using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Pledges;

public sealed record ListPledges(Guid? ProgrammeId, Guid? DonorId, int? Limit, string? Cursor) : IQuery<Page<PledgeSummary>>, IPagedQuery;

public sealed record PledgeSummary(Guid Id, Guid ProgrammeId, Guid DonorId, string Status, string Currency, string Total, string Paid, string Outstanding, DateTimeOffset CreatedAt);

public sealed class ListPledgesValidator : AbstractValidator<ListPledges>
{
    public ListPledgesValidator() => this.AddPagingRules();
}

internal sealed class ListPledgesHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListPledges, Page<PledgeSummary>>
{
    public async ValueTask<Page<PledgeSummary>> Handle(ListPledges query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        const string select = """
            SELECT p.id AS Id, p.programme_id AS ProgrammeId, p.donor_id AS DonorId, p.currency AS Currency, p.total AS Total,
                   p.closed_status AS ClosedStatus, p.created_at AS CreatedAt,
                   CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a
                                  WHERE a.pledge_id = p.id AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id)), 0) AS BIGINT) AS Paid
            FROM pledges p
            """;
        var rows = await new KeysetQuery(select, "p.id")
            .WhereIf(query.ProgrammeId is not null, "p.programme_id = @programmeId")
            .WhereIf(query.DonorId is not null, "p.donor_id = @donorId")
            .InScope(scope, db.Dialect, programmeColumn: "p.programme_id", ownRows: "p.donor_id = @ownDonorId")
            .Parameters(new { programmeId = query.ProgrammeId, donorId = query.DonorId })
            .ReadAsync<Row>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<PledgeSummary>(page.Items.Select(r =>
        {
            var status = r.ClosedStatus ?? (r.Paid >= r.Total ? PledgeStatus.Fulfilled : PledgeStatus.Open);
            var outstanding = r.ClosedStatus is null ? r.Total - r.Paid : 0;
            return new PledgeSummary(r.Id, r.ProgrammeId, r.DonorId, status, r.Currency, Money.Format(r.Total), Money.Format(r.Paid),
                Money.Format(outstanding), r.CreatedAt);
        }).ToList(), page.NextCursor);
    }

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required Guid ProgrammeId { get; init; }
        public required Guid DonorId { get; init; }
        public required string Currency { get; init; }
        public required long Total { get; init; }
        public string? ClosedStatus { get; init; }
        public required long Paid { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
    }
}
