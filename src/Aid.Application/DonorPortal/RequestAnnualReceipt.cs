using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Receipts;
using FluentValidation;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>
/// The signed-in donor asks for the annual receipt of <paramref name="Year"/>: all their own gifts received that year that still
/// need a receipt, in every programme, issued through the same path as staff's annual receipts (<see cref="ReceiptIssuer"/>).
/// A donor can only ever receipt their own gifts: the donor id comes from the session, never from the request.
/// </summary>
public sealed record RequestAnnualReceipt(int Year) : ICommand<ReceiptView>;

public sealed class RequestAnnualReceiptValidator : AbstractValidator<RequestAnnualReceipt>
{
    public RequestAnnualReceiptValidator() =>
        RuleFor(c => c.Year).InclusiveBetween(2000, 2100).OverridePropertyName("year").WithMessage("year must be between 2000 and 2100.");
}

internal sealed class RequestAnnualReceiptHandler(IDbSession db, AccessScope scope, ReceiptIssuer issuer, AuditRecorder audit)
    : ICommandHandler<RequestAnnualReceipt, ReceiptView>
{
    public async ValueTask<ReceiptView> Handle(RequestAnnualReceipt command, CancellationToken ct)
    {
        var donorId = MyDonor.Id(scope);
        await issuer.LockDonorAsync(donorId, ct);
        var gifts = await db.QueryAsync<Guid>($"""
            SELECT g.id FROM gifts g
            WHERE g.donor_id = @donorId AND g.received_on >= @from AND g.received_on <= @to AND {ReceiptIssuer.EligibleGiftsWhere}
            ORDER BY g.id
            """, new { donorId, from = new DateOnly(command.Year, 1, 1), to = new DateOnly(command.Year, 12, 31) }, ct);
        if (gifts.Count == 0)
            throw new ConflictException($"You have no gifts in {command.Year} that still need a receipt.");
        var receipt = await issuer.IssueAsync(donorId, gifts, "annual", null, null, new IssueTerms(CoversYear: command.Year), ct);
        audit.Describe("receipt", receipt.Id, receipt.ProgrammeId,
            new { receipt.Number, receipt.Kind, total = Money.Format(receipt.Total), receipt.DonorId, requestedByDonor = true });
        return await receipt.ToViewAsync(db, ct);
    }
}
