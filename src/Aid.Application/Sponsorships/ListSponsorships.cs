using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Sponsorships;

public sealed record ListSponsorships(Guid? ProgrammeId, Guid? DonorId, Guid? StudentId, int? Limit, string? Cursor) : IQuery<Page<SponsorshipView>>, IPagedQuery;

public sealed class ListSponsorshipsValidator : AbstractValidator<ListSponsorships>
{
    public ListSponsorshipsValidator() => this.AddPagingRules();
}

internal sealed class ListSponsorshipsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListSponsorships, Page<SponsorshipView>>
{
    public async ValueTask<Page<SponsorshipView>> Handle(ListSponsorships query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var where = new List<string>();
        if (after is not null) where.Add("sp.id > @after");
        if (query.ProgrammeId is not null) where.Add("sp.programme_id = @programmeId");
        if (query.DonorId is not null) where.Add("sp.donor_id = @donorId");
        if (query.StudentId is not null) where.Add("sp.student_id = @studentId");
        if (scope.Actor is { Role: Roles.Donor } donor) where.Add(donor.DonorId is null ? "1 = 0" : "sp.donor_id = @ownDonorId");
        else if (scope.ProgrammeFilter is not null) where.Add(db.Dialect.InList("sp.programme_id", "filter"));
        var sql = $"""
            SELECT sp.id AS Id, sp.programme_id AS ProgrammeId, sp.donor_id AS DonorId, sp.student_id AS StudentId, s.code AS StudentCode,
                   sp.from_year AS FromYear, sp.to_year AS ToYear, sp.annual_amount AS AnnualAmount, sp.created_at AS CreatedAt
            FROM sponsorships sp JOIN students s ON s.id = sp.student_id
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY sp.id LIMIT @take
            """;
        var rows = await db.QueryAsync<Row>(sql, new
        {
            after, programmeId = query.ProgrammeId, donorId = query.DonorId, studentId = query.StudentId, ownDonorId = scope.Actor?.DonorId,
            filter = scope.ProgrammeFilter is { } f ? db.Dialect.IdList(f) : null, take = limit + 1,
        }, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<SponsorshipView>(page.Items.Select(r => new SponsorshipView(r.Id, r.ProgrammeId, r.DonorId, r.StudentId, r.StudentCode,
            (int)r.FromYear, (int)r.ToYear, Money.Format(r.AnnualAmount), r.CreatedAt)).ToList(), page.NextCursor);
    }

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required Guid ProgrammeId { get; init; }
        public required Guid DonorId { get; init; }
        public required Guid StudentId { get; init; }
        public required string StudentCode { get; init; }
        public required long FromYear { get; init; }
        public required long ToYear { get; init; }
        public required long AnnualAmount { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
    }
}
