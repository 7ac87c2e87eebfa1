using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// Counts a download and returns what to render: the first download is the original, every later one is marked
/// 副本 COPY, a void receipt is marked void. The content is the snapshot taken at issue, never today's data.
/// </summary>
public sealed record DownloadReceipt(string Number) : ICommand<ReceiptDownload>;

public sealed record ReceiptDownload(ReceiptContent Content, ReceiptMark Mark);

internal sealed class DownloadReceiptHandler(IDbSession db, AccessScope scope, ReceiptIssuer issuer, AuditRecorder audit, AuditedRows audited)
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
        var mark = receipt.Status == ReceiptStatus.Void ? ReceiptMark.Void : receipt.Downloads == 0 ? ReceiptMark.Original : ReceiptMark.Copy;
        audit.Describe("receipt", receipt.Id, receipt.ProgrammeId, new { receipt.Number, downloaded = receipt.Downloads + 1, mark = mark.ToString().ToLowerInvariant() });
        return new ReceiptDownload(ReceiptContent.FromJson(receipt.Content), mark);
    }
}
