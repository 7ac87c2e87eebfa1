using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Gifts;

public sealed record GetGift(Guid Id) : IQuery<GiftView?>;

internal sealed class GetGiftHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetGift, GiftView?>
{
    public async ValueTask<GiftView?> Handle(GetGift query, CancellationToken ct)
    {
        var gift = await GiftRow.FindAsync(db, query.Id, ct);
        if (gift is null) return null;
        var visible = scope.Actor is { Role: Roles.Donor } donor ? donor.DonorId == gift.DonorId : scope.CanSeeProgramme(gift.ProgrammeId);
        if (!visible) return null;
        return gift.ToView(await GiftRow.AllocationsAsync(db, gift.Id, ct)) with { PaidFor = await GiftRow.PaidForAsync(db, gift.Id, ct) };
    }
}
