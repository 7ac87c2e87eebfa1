using System.Globalization;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Gifts;
using Aid.Application.Ledger;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Goods;

/// <summary>
/// Goods received in kind are handed out (masks to a school): Dr goods distributed / Cr goods in stock at the
/// distributed share of the gift's value; the last distribution of a gift takes exactly what is left, so the
/// parts always add up to the gift's value. Never more than is still in stock.
/// </summary>
public sealed record DistributeGoods(Guid GiftId, decimal Quantity, string Recipient, DateOnly DistributedOn, string? Reference)
    : ICommand<GoodsDistributionView>, IIdempotentCommand;

public sealed record GoodsDistributionView(Guid Id, Guid ProgrammeId, Guid GiftId, string Description, decimal Quantity, string? Unit, string Recipient,
    DateOnly DistributedOn, string? Reference, string Value, decimal RemainingQuantity, string RemainingValue);

/// <summary>The rule that needs the business clock; the shape of a request is checked at the edge.</summary>
public sealed class DistributeGoodsValidator : AbstractValidator<DistributeGoods>
{
    public DistributeGoodsValidator(BusinessClock clock) =>
        RuleFor(c => c.DistributedOn).Must(d => d <= clock.Today()).WithMessage("distributedOn cannot be in the future.");
}

internal sealed class DistributeGoodsHandler(IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, AuditRecorder audit)
    : ICommandHandler<DistributeGoods, GoodsDistributionView>
{
    public async ValueTask<GoodsDistributionView> Handle(DistributeGoods command, CancellationToken ct)
    {
        var gift = await GiftRow.FindAsync(db, command.GiftId, ct);
        if (gift is null || !scope.CanSeeProgramme(gift.ProgrammeId)) throw new InputException("giftId", "No such gift.");
        if (gift.Kind != GiftKind.InKind.Code()) throw new InputException("giftId", "Only goods received in kind can be distributed.");
        await ProgrammeGuard.LockOpenAsync(db, scope, gift.ProgrammeId, ct); // serialises distributions of the programme's stock
        if ((await GiftRow.FindAsync(db, gift.Id, ct))!.IsReversed) throw new ConflictException("The gift is reversed.");
        if (command.DistributedOn < gift.ReceivedOn) throw new InputException("distributedOn", "Goods cannot be handed out before they arrived.");

        var received = decimal.Parse(gift.Quantity!, CultureInfo.InvariantCulture);
        var done = await db.QueryAsync<Done>("SELECT quantity AS Quantity, value AS Value FROM goods_distributions WHERE gift_id = @id", new { id = gift.Id }, ct);
        var remainingQuantity = received - done.Sum(d => decimal.Parse(d.Quantity, CultureInfo.InvariantCulture));
        var remainingValue = gift.Amount - done.Sum(d => d.Value);
        var quantity = command.Quantity;
        if (quantity > remainingQuantity)
            throw new ConflictException($"Only {remainingQuantity.ToString(CultureInfo.InvariantCulture)} {gift.Unit} of this gift are still in stock.",
                new Dictionary<string, object?> { ["remainingQuantity"] = remainingQuantity });
        var value = quantity == remainingQuantity ? remainingValue : (long)decimal.Floor(gift.Amount * quantity / received);

        var id = Guid.CreateVersion7();
        Guid? entryId = value == 0 ? null : await journal.PostAsync(gift.ProgrammeId, command.DistributedOn, EntryKinds.GoodsDistribution,
            "goods_distribution", id, [new Posting(Accounts.GoodsDistributed, value), new Posting(Accounts.GoodsInStock, -value)], memo: null, ct);
        await db.ExecuteAsync("""
            INSERT INTO goods_distributions (id, programme_id, gift_id, quantity, recipient, distributed_on, reference, value, journal_entry_id, created_at, created_by)
            VALUES (@id, @programmeId, @giftId, @quantity, @recipient, @distributedOn, @reference, @value, @entryId, @now, @by)
            """, new
        {
            id, programmeId = gift.ProgrammeId, giftId = gift.Id, quantity = quantity.ToString(CultureInfo.InvariantCulture), recipient = command.Recipient,
            distributedOn = command.DistributedOn, reference = command.Reference, value, entryId, now = clock.UtcNow(), by = scope.AuditActor,
        }, ct);
        audit.Describe("goods_distribution", id, gift.ProgrammeId, new { giftId = gift.Id, quantity, command.Recipient, value = Money.Format(value) });
        return new GoodsDistributionView(id, gift.ProgrammeId, gift.Id, gift.Description ?? "", quantity, gift.Unit, command.Recipient,
            command.DistributedOn, command.Reference, Money.Format(value), remainingQuantity - quantity, Money.Format(remainingValue - value));
    }

    private sealed class Done
    {
        public required string Quantity { get; init; }
        public required long Value { get; init; }
    }
}
