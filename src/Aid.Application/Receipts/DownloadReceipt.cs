using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// Counts a download and returns what to render. A receipt has exactly one original and it is the donor's: the e-mail
/// attachment (marked when the message was queued), or else the donor's own first download. Every other rendering — staff
/// and auditor downloads, later donor downloads — is marked 副本 COPY; a void receipt is marked void. Each rendering is
/// written to the audit trail with its kind. The content is the snapshot taken at issue, never today's data.
/// </summary>
public sealed record DownloadReceipt(string Number) : ICommand<ReceiptDownload>;

/// <summary>The rendered PDF with what it shows: rendered inside the command, so a rendering that fails takes back the download (and an original it claimed).</summary>
public sealed record ReceiptDownload(ReceiptContent Content, ReceiptMark Mark, byte[] Pdf);

internal sealed class DownloadReceiptHandler(
    IDbSession db, AccessScope scope, BusinessClock clock, ReceiptIssuer issuer, AuditRecorder audit, AuditedRows audited)
    : ICommandHandler<DownloadReceipt, ReceiptDownload>
{
    public async ValueTask<ReceiptDownload> Handle(DownloadReceipt command, CancellationToken ct)
    {
        var receipt = await ReceiptRow.FindAsync(db, command.Number, ct);
        if (receipt is null || !await receipt.VisibleToAsync(db, scope, ct)) throw new NotFoundException("Receipt", command.Number);
        if (!issuer.CanRender) throw new UnavailableException("Receipt PDFs cannot be rendered: no CJK font is configured or installed.", "Aid:Pdf:Fonts");

        // The snapshot, its code and its PDF hash are under the receipt's row digest: never printed once they were edited.
        await audited.EnsureIntactAsync("receipt", receipt.Id, ct);
        await db.ExecuteAsync("UPDATE receipts SET downloads = downloads + 1 WHERE id = @id", new { id = receipt.Id }, ct);
        var byDonor = scope.Actor is { Role: Roles.Donor } actor && actor.DonorId == receipt.DonorId;
        var mark = receipt.Status == ReceiptStatus.Void ? ReceiptMark.Void
            : byDonor && await ClaimOriginalAsync(receipt.Id, ct) ? ReceiptMark.Original
            : ReceiptMark.Copy;
        audit.Describe("receipt", receipt.Id, receipt.ProgrammeId, new
        {
            receipt.Number, downloaded = receipt.Downloads + 1, mark = mark.ToString().ToLowerInvariant(), by = byDonor ? "donor" : scope.Actor?.Role ?? "system",
        });
        var content = ReceiptContent.FromJson(receipt.Content);
        return new ReceiptDownload(content, mark, issuer.Render(content, mark, receipt.VoidNote(clock.Zone)));
    }

    /// <summary>
    /// Makes this download the original if nothing was yet (no e-mail, no earlier download). One conditional UPDATE: of
    /// concurrent first downloads exactly one changes the row (PostgreSQL re-checks the condition after the first commits).
    /// </summary>
    private async Task<bool> ClaimOriginalAsync(Guid receiptId, CancellationToken ct) =>
        await db.ExecuteAsync("UPDATE receipts SET original_via = 'download', original_at = @now WHERE id = @receiptId AND original_via IS NULL",
            new { receiptId, now = clock.UtcNow() }, ct) == 1;
}
