using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Sponsorships;

/// <summary>One sponsorship, seen as in <see cref="ListSponsorships"/>: a donor key sees its own, staff those of their programmes.</summary>
public sealed record GetSponsorship(Guid Id) : IQuery<SponsorshipView?>;

internal sealed class GetSponsorshipHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetSponsorship, SponsorshipView?>
{
    public async ValueTask<SponsorshipView?> Handle(GetSponsorship query, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<SponsorshipRow>($"{SponsorshipRow.Select} WHERE sp.id = @id", new { id = query.Id }, ct);
        if (row is null) return null;
        var visible = scope.Actor is { Role: Roles.Donor } donor ? donor.DonorId == row.DonorId : scope.CanSeeProgramme(row.ProgrammeId);
        return visible ? row.ToView() : null;
    }
}
