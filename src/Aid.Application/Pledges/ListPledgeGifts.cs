using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Pledges;

/// <summary>
/// The gifts recorded against a pledge, oldest first, with what each counted towards which instalment (a reversed gift counts
/// for nothing any more but is listed, marked). Null when the pledge is not found or not the caller's to see (as <see cref="GetPledge"/>).
/// </summary>
public sealed record ListPledgeGifts(Guid PledgeId) : IQuery<IReadOnlyList<PledgeGift>?>;

/// <summary>A gift against a pledge: its whole amount, the part counted against the pledge, per instalment.</summary>
public sealed record PledgeGift(
    Guid GiftId, DateOnly ReceivedOn, string Amount, string Counted, bool Reversed, IReadOnlyList<PledgeGift.Part> Parts)
{
    /// <summary>What the gift paid on one instalment.</summary>
    public sealed record Part(int Instalment, string Amount);
}

internal sealed class ListPledgeGiftsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListPledgeGifts, IReadOnlyList<PledgeGift>?>
{
    public async ValueTask<IReadOnlyList<PledgeGift>?> Handle(ListPledgeGifts query, CancellationToken ct)
    {
        var pledge = await db.QuerySingleOrDefaultAsync<PledgeRow>($"SELECT {PledgeRow.Columns} FROM pledges WHERE id = @id", new { id = query.PledgeId }, ct);
        if (pledge is null) return null;
        var own = scope.Actor is { Role: Roles.Donor, DonorId: { } donorId } && donorId == pledge.DonorId;
        if (!scope.CanSeeProgramme(pledge.ProgrammeId) && !own) return null;

        var gifts = await db.QueryAsync<GiftRow>("""
            SELECT g.id AS Id, g.received_on AS ReceivedOn, g.amount AS Amount,
                   CASE WHEN EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = g.id) THEN 1 ELSE 0 END AS Reversed
            FROM gifts g
            WHERE g.pledge_id = @id
            ORDER BY g.received_on, g.id
            """, new { id = pledge.Id }, ct);
        var parts = await db.QueryAsync<PartRow>("""
            SELECT a.gift_id AS GiftId, a.instalment_number AS Number, a.amount AS Amount
            FROM pledge_allocations a
            WHERE a.pledge_id = @id
            ORDER BY a.instalment_number
            """, new { id = pledge.Id }, ct);
        return gifts.Select(g =>
        {
            var mine = parts.Where(p => p.GiftId == g.Id).ToList();
            return new PledgeGift(g.Id, g.ReceivedOn, Money.Format(g.Amount), Money.Format(g.Reversed != 0 ? 0 : mine.Sum(p => p.Amount)),
                g.Reversed != 0, mine.Select(p => new PledgeGift.Part((int)p.Number, Money.Format(p.Amount))).ToList());
        }).ToList();
    }

    private sealed class GiftRow
    {
        public required Guid Id { get; init; }
        public required DateOnly ReceivedOn { get; init; }
        public required long Amount { get; init; }
        public required long Reversed { get; init; }
    }

    private sealed class PartRow
    {
        public required Guid GiftId { get; init; }
        public required long Number { get; init; }
        public required long Amount { get; init; }
    }
}
