using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>Voids a receipt (its number stays, marked void with who, when and why); with reissue, a new number replaces it.</summary>
public sealed record VoidReceipt(string Number, string Reason, bool Reissue) : ICommand<ReceiptView>, IIdempotentCommand;

internal sealed class VoidReceiptHandler(IDbSession db, AccessScope scope, ReceiptIssuer issuer, AuditRecorder audit)
    : ICommandHandler<VoidReceipt, ReceiptView>
{
    public async ValueTask<ReceiptView> Handle(VoidReceipt command, CancellationToken ct)
    {
        var receipt = await ReceiptRow.FindAsync(db, command.Number, ct);
        if (receipt is null || !await receipt.VisibleToAsync(db, scope, ct)) throw new NotFoundException("Receipt", command.Number);
        await issuer.LockDonorAsync(receipt.DonorId, ct);
        receipt = (await ReceiptRow.FindAsync(db, receipt.Id, ct))!; // re-read under the lock
        await issuer.VoidAsync(receipt, command.Reason, ct);

        string? reissued = null;
        if (command.Reissue)
        {
            var gifts = await issuer.ReissuableGiftsAsync(receipt.Id, ct);
            if (gifts.Count == 0) throw new ConflictException("None of the receipt's gifts can be receipted again (all reversed).");
            reissued = (await issuer.IssueAsync(receipt.DonorId, gifts, receipt.Kind, receipt.Id, null, ct)).Number;
        }
        else
        {
            await issuer.NotifyVoidedAsync(receipt, command.Reason, ct);
        }
        audit.Describe("receipt", receipt.Id, receipt.ProgrammeId, new { receipt.Number, voided = true, reason = command.Reason, reissuedAs = reissued });
        return await (await ReceiptRow.FindAsync(db, receipt.Id, ct))!.ToViewAsync(db, ct);
    }
}
