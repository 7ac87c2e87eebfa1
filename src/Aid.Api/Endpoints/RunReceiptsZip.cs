using System.IO.Compression;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Api.Endpoints;

/// <summary>
/// A run's receipts as PDFs in one ZIP (API and console alike): copies, void ones marked void — the originals are the donors'.
/// The download is written to the audit trail with how many copies it held.
/// </summary>
internal static class RunReceiptsZip
{
    /// <summary>The ZIP in a temporary file, or null when the run is unknown or out of scope.</summary>
    public static async Task<Stream?> WriteAsync(ISender sender, IReceiptRenderer renderer, Guid runId, CancellationToken ct)
    {
        if (await sender.Send(new ListRunReceipts(runId), ct) is not { } receipts) return null;
        var copies = 0;
        var file = await TempFile.WriteAsync(async stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            await foreach (var receipt in receipts().WithCancellation(ct))
            {
                var entry = zip.CreateEntry($"{receipt.Number}.pdf", CompressionLevel.Fastest);
                entry.LastWriteTime = receipt.IssuedAt;
                await using var pdf = entry.Open();
                await pdf.WriteAsync(renderer.Render(receipt.Content, receipt.Mark, receipt.Voided), ct);
                copies++;
            }
        });
        try
        {
            await sender.Send(new RecordRunZipDownload(runId, copies), ct);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return file;
    }
}
