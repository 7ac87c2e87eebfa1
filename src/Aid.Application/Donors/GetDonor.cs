using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Donors;

public sealed record GetDonor(Guid Id) : IQuery<DonorView?>;

internal sealed class GetDonorHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetDonor, DonorView?>
{
    public async ValueTask<DonorView?> Handle(GetDonor query, CancellationToken ct)
    {
        if (!scope.CanSeeDonor(query.Id)) return null;
        var row = await db.QuerySingleOrDefaultAsync<DonorRow>($"SELECT {DonorRow.Columns} FROM donors WHERE id = @id", new { id = query.Id }, ct);
        return row?.ToView();
    }
}
