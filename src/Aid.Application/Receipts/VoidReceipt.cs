using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>Voids a receipt (its number stays, marked void with who, when and why); with reissue, a new number replaces it.</summary>
/// <param name="VoidedOn">The business date (today when null): not before the receipt's date, not in the future. A reissue is dated the same day.</param>
public sealed record VoidReceipt(string Number, string Reason, bool Reissue, DateOnly? VoidedOn = null) : ICommand<ReceiptView>, IIdempotentCommand;

internal sealed class VoidReceiptHandler(IDbSession db, AccessScope scope, ReceiptIssuer issuer, AuditRecorder audit)
    : ICommandHandler<VoidReceipt, ReceiptView>
{
    public async ValueTask<ReceiptView> Handle(VoidReceipt command, CancellationToken ct)
    {
        var receipt = await ReceiptRow.FindAsync(db, command.Number, ct);
        if (receipt is null || !await receipt.VisibleToAsync(db, scope, ct)) throw new NotFoundException("Receipt", command.Number);
        await issuer.LockDonorAsync(receipt.DonorId, ct);
        receipt = (await ReceiptRow.FindAsync(db, receipt.Id, ct))!; // re-read under the lock
        var voidedOn = await issuer.VoidAsync(receipt, command.Reason, command.VoidedOn, ct);

        string? reissued = null;
        if (command.Reissue)
        {
            var gifts = await issuer.ReissuableGiftsAsync(receipt.Id, ct);
            if (gifts.Count == 0) throw new ConflictException("None of the receipt's gifts can be receipted again (all reversed).");
            var covered = ReceiptContent.FromJson(receipt.Content).CoversYear;
            reissued = (await issuer.IssueAsync(receipt.DonorId, gifts, receipt.Kind, receipt.Id, null,
                new IssueTerms(voidedOn, CoversYear: covered, FollowSeries: true), ct)).Number;
        }
        else
        {
            await issuer.NotifyVoidedAsync(receipt, command.Reason, ct);
        }
        audit.Describe("receipt", receipt.Id, receipt.ProgrammeId, new { receipt.Number, voided = true, voidedOn, reason = command.Reason, reissuedAs = reissued });
        return await (await ReceiptRow.FindAsync(db, receipt.Id, ct))!.ToViewAsync(db, ct);
    }
}
