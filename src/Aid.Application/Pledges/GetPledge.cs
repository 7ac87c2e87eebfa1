using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Pledges;

public sealed record GetPledge(Guid Id) : IQuery<PledgeView?>;

internal sealed class GetPledgeHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<GetPledge, PledgeView?>
{
    public async ValueTask<PledgeView?> Handle(GetPledge query, CancellationToken ct)
    {
        var state = await PledgeState.LoadAsync(db, query.Id, ct);
        if (state is null || !scope.CanSeeProgramme(state.Pledge.ProgrammeId) && !IsOwnPledge(state)) return null;
        return state.ToView(clock.Today());
    }

    private bool IsOwnPledge(PledgeState state) =>
        scope.Actor is { Role: Roles.Donor, DonorId: { } donorId } && donorId == state.Pledge.DonorId;
}
