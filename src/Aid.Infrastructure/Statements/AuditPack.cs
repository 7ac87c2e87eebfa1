using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Auditing;
using Aid.Application.Receipts;
using Aid.Application.Statements;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// The audit pack of a programme's year: the statement as PDF, CSV (ZIP) and XLSX, the year's audit-trail export,
/// every receipt PDF of the year, and MANIFEST.txt with the SHA-256 of each file and the chain verification result.
/// </summary>
public sealed class AuditPack(StatementPdf statementPdf, IReceiptRenderer receipts)
{
    public async Task WriteAsync(ProgrammeStatement statement, StatementRegister auditTrail, Func<IAsyncEnumerable<ReceiptContent>> receiptContents,
        AuditVerification verification, Stream output, CancellationToken ct)
    {
        var manifest = new StringBuilder();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            async Task Add(string name, byte[] bytes)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                await using (var stream = entry.Open()) await stream.WriteAsync(bytes, ct);
                manifest.Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append("  ").Append(name).Append('\n');
            }

            var stem = statement.FileStem;
            await Add($"{stem}.pdf", await statementPdf.RenderAsync(statement, ct));
            using (var csv = new MemoryStream())
            {
                await StatementFiles.WriteCsvZipAsync(statement, csv, ct);
                await Add($"{stem}-csv.zip", csv.ToArray());
            }
            using (var xlsx = new MemoryStream())
            {
                await Task.Run(() => StatementFiles.WriteXlsx(statement, xlsx), ct);
                await Add($"{stem}.xlsx", xlsx.ToArray());
            }
            using (var trail = new MemoryStream())
            {
                await CsvText.WriteAsync(auditTrail, trail, ct);
                await Add($"audit-trail-{statement.Year}.csv", trail.ToArray());
            }
            await foreach (var receipt in receiptContents().WithCancellation(ct))
                await Add($"receipts/{receipt.Number}.pdf", receipts.Render(receipt, ReceiptMark.Original));

            manifest.Append('\n')
                .Append($"audit-trail verification: {(verification.Valid ? "valid" : "BROKEN")}; records {verification.Records}; head {verification.HeadHash}")
                .Append(verification.Valid ? "" : $"; {verification.Problem}").Append('\n')
                .Append($"generated at {statement.GeneratedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} by Aid\n");
            var entry = zip.CreateEntry("MANIFEST.txt", CompressionLevel.Fastest);
            await using var manifestStream = entry.Open();
            await manifestStream.WriteAsync(Encoding.UTF8.GetBytes(manifest.ToString()), ct);
        }
    }
}
