using System.Globalization;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Goods;

/// <summary>
/// One hand-out of goods, as <see cref="DistributeGoods"/> answered it: <c>remainingQuantity</c> and <c>remainingValue</c>
/// are what was left of the gift right after this distribution (a fact of the record that later hand-outs do not change).
/// Staff see the distributions of their programmes; a donor key those of its own gifts ("how my gift was used").
/// </summary>
public sealed record GetGoodsDistribution(Guid Id) : IQuery<GoodsDistributionView?>;

internal sealed class GetGoodsDistributionHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetGoodsDistribution, GoodsDistributionView?>
{
    public async ValueTask<GoodsDistributionView?> Handle(GetGoodsDistribution query, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<Row>("""
            SELECT d.id AS Id, d.programme_id AS ProgrammeId, d.gift_id AS GiftId, g.donor_id AS DonorId, g.description AS Description,
                   g.quantity AS Received, g.unit AS Unit, g.amount AS GiftValue, d.quantity AS Quantity, d.recipient AS Recipient,
                   d.distributed_on AS DistributedOn, d.reference AS Reference, d.value AS Value
            FROM goods_distributions d JOIN gifts g ON g.id = d.gift_id
            WHERE d.id = @id
            """, new { id = query.Id }, ct);
        if (row is null) return null;
        var visible = scope.Actor is { Role: Roles.Donor } donor ? donor.DonorId == row.DonorId : scope.CanSeeProgramme(row.ProgrammeId);
        if (!visible) return null;

        // The gift's distributions in the order they were made (they are serialised per programme), up to this one.
        var made = (await db.QueryAsync<Made>("SELECT id AS Id, quantity AS Quantity, value AS Value, created_at AS CreatedAt FROM goods_distributions WHERE gift_id = @giftId",
                new { giftId = row.GiftId }, ct))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id.ToString(), StringComparer.Ordinal).ToList();
        var upToThis = made.Take(made.FindIndex(m => m.Id == row.Id) + 1).ToList();
        var quantity = Parse(row.Quantity);
        return new GoodsDistributionView(row.Id, row.ProgrammeId, row.GiftId, row.Description ?? "", quantity, row.Unit, row.Recipient, row.DistributedOn,
            row.Reference, Money.Format(row.Value), Parse(row.Received) - upToThis.Sum(m => Parse(m.Quantity)), Money.Format(row.GiftValue - upToThis.Sum(m => m.Value)));
    }

    private static decimal Parse(string? quantity) => decimal.Parse(quantity ?? "0", CultureInfo.InvariantCulture);

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required Guid ProgrammeId { get; init; }
        public required Guid GiftId { get; init; }
        public required Guid DonorId { get; init; }
        public string? Description { get; init; }
        public string? Received { get; init; }
        public string? Unit { get; init; }
        public required long GiftValue { get; init; }
        public required string Quantity { get; init; }
        public required string Recipient { get; init; }
        public required DateOnly DistributedOn { get; init; }
        public string? Reference { get; init; }
        public required long Value { get; init; }
    }

    private sealed class Made
    {
        public required Guid Id { get; init; }
        public required string Quantity { get; init; }
        public required long Value { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
    }
}
