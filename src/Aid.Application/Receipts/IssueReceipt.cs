using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// A receipt for one gift (<paramref name="GiftId"/>), or an <paramref name="Annual"/> receipt for all of a donor's gifts
/// received that year that have no receipt yet; never both. Never for a reversed gift, goods not valued, or zero.
/// </summary>
/// <param name="IssuedOn">The business date (today when null): not in the future, not before the gifts, not before the year's last receipt.</param>
/// <param name="Note">备注 printed on the receipt (at most 200 characters).</param>
public sealed record IssueReceipt(Guid? GiftId, AnnualReceipt? Annual, DateOnly? IssuedOn = null, string? Note = null) : ICommand<ReceiptView>, IIdempotentCommand;

/// <summary>The donor's gifts received in <paramref name="Year"/>, only those of <paramref name="ProgrammeId"/> when given.</summary>
public sealed record AnnualReceipt(Guid DonorId, int Year, Guid? ProgrammeId = null);

/// <summary>The invariant of the typed command; the shape of a request is checked at the edge.</summary>
public sealed class IssueReceiptValidator : AbstractValidator<IssueReceipt>
{
    public IssueReceiptValidator()
    {
        RuleFor(c => c).Must(c => (c.GiftId is null) != (c.Annual is null)).OverridePropertyName("giftId")
            .WithMessage("A receipt is either for one gift or annual.");
        RuleFor(c => c.Note).MaximumLength(200).WithMessage("note: at most 200 characters.");
    }
}

internal sealed class IssueReceiptHandler(IDbSession db, AccessScope scope, ReceiptIssuer issuer, AuditRecorder audit)
    : ICommandHandler<IssueReceipt, ReceiptView>
{
    public async ValueTask<ReceiptView> Handle(IssueReceipt command, CancellationToken ct)
    {
        var receipt = command.GiftId is { } giftId
            ? await ForGift(giftId, new IssueTerms(command.IssuedOn, command.Note), ct)
            : await Annual(command.Annual!, new IssueTerms(command.IssuedOn, command.Note, command.Annual!.Year), ct);
        audit.Describe("receipt", receipt.Id, receipt.ProgrammeId, new { receipt.Number, receipt.Kind, total = Money.Format(receipt.Total), receipt.DonorId });
        return await receipt.ToViewAsync(db, ct);
    }

    private async Task<ReceiptRow> ForGift(Guid giftId, IssueTerms terms, CancellationToken ct)
    {
        var gift = await db.QuerySingleOrDefaultAsync<GiftFacts>("""
            SELECT g.donor_id AS DonorId, g.programme_id AS ProgrammeId, g.amount AS Amount,
                   CASE WHEN EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = g.id) THEN 1 ELSE 0 END AS Reversed
            FROM gifts g WHERE g.id = @giftId
            """, new { giftId }, ct);
        if (gift is null || !scope.CanSeeProgramme(gift.ProgrammeId)) throw new NotFoundException("Gift", giftId);
        if (gift.Reversed == 1) throw new ConflictException("The gift is reversed: it cannot be receipted.");
        if (gift.Amount == 0) throw new ConflictException("Goods not valued are acknowledged, not receipted: a receipt is never issued for zero.");

        await issuer.LockDonorAsync(gift.DonorId, ct);
        var existing = await db.QuerySingleOrDefaultAsync<string>("""
            SELECT r.number FROM current_gift_receipts c JOIN receipts r ON r.id = c.receipt_id WHERE c.gift_id = @giftId
            """, new { giftId }, ct);
        if (existing is not null)
            throw new ConflictException($"The gift already has receipt {existing}.", new Dictionary<string, object?> { ["receiptNumber"] = existing });
        return await issuer.IssueAsync(gift.DonorId, [giftId], "gift", null, null, terms, ct);
    }

    private async Task<ReceiptRow> Annual(AnnualReceipt annual, IssueTerms terms, CancellationToken ct)
    {
        var (donorId, year, programmeId) = annual;
        if (programmeId is { } p) scope.EnsureProgramme(p);
        await issuer.LockDonorAsync(donorId, ct);
        var filter = scope.ProgrammeFilter;
        var gifts = await db.QueryAsync<Guid>($"""
            SELECT g.id FROM gifts g
            WHERE g.donor_id = @donorId AND g.received_on >= @from AND g.received_on <= @to AND {ReceiptIssuer.EligibleGiftsWhere}
              {(programmeId is null ? "" : "AND g.programme_id = @programmeId")}
              {(filter is null ? "" : "AND " + db.Dialect.InList("g.programme_id", "filter"))}
            ORDER BY g.id
            """, new
        {
            donorId, from = new DateOnly(year, 1, 1), to = new DateOnly(year, 12, 31), programmeId,
            filter = filter is null ? null : db.Dialect.IdList(filter),
        }, ct);
        if (gifts.Count == 0)
            throw new ConflictException($"The donor has no gifts in {year} that still need a receipt.");
        return await issuer.IssueAsync(donorId, gifts, "annual", null, null, terms, ct);
    }

    private sealed class GiftFacts
    {
        public required Guid DonorId { get; init; }
        public required Guid ProgrammeId { get; init; }
        public required long Amount { get; init; }
        public required long Reversed { get; init; }
    }
}
