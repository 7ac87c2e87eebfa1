using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Sponsorships;

/// <summary>One sponsorship, seen as in <see cref="ListSponsorships"/>: a donor key sees its own, staff those of their programmes.</summary>
public sealed record GetSponsorship(Guid Id) : IQuery<SponsorshipView?>;

internal sealed class GetSponsorshipHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetSponsorship, SponsorshipView?>
{
    public async ValueTask<SponsorshipView?> Handle(GetSponsorship query, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<Row>("""
            SELECT sp.id AS Id, sp.programme_id AS ProgrammeId, sp.donor_id AS DonorId, sp.student_id AS StudentId, s.code AS StudentCode,
                   sp.from_year AS FromYear, sp.to_year AS ToYear, sp.annual_amount AS AnnualAmount, sp.created_at AS CreatedAt
            FROM sponsorships sp JOIN students s ON s.id = sp.student_id
            WHERE sp.id = @id
            """, new { id = query.Id }, ct);
        if (row is null) return null;
        var visible = scope.Actor is { Role: Roles.Donor } donor ? donor.DonorId == row.DonorId : scope.CanSeeProgramme(row.ProgrammeId);
        if (!visible) return null;
        return new SponsorshipView(row.Id, row.ProgrammeId, row.DonorId, row.StudentId, row.StudentCode, (int)row.FromYear, (int)row.ToYear,
            Money.Format(row.AnnualAmount), row.CreatedAt);
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
