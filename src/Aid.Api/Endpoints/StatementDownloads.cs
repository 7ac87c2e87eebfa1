using Aid.Application.Statements;
using Aid.Infrastructure.Statements;
using Mediator;

namespace Aid.Api.Endpoints;

/// <summary>
/// The annual statement's files and the audit pack, made once for the API (StatementEndpoints) and the auditor area's pages, so
/// both hand out the same bytes under the same names. Each file is a temporary file that deletes itself when closed.
/// </summary>
internal static class StatementDownloads
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string PdfName(int year) => $"statement-{year}.pdf";
    public static string CsvZipName(ProgrammeStatement statement) => $"{statement.FileStem}-csv.zip";
    public static string XlsxName(ProgrammeStatement statement) => $"{statement.FileStem}.xlsx";
    public static string AuditPackName(ProgrammeStatement statement) => $"audit-pack-{statement.Programme.Code}-{statement.Year}.zip";

    public static Task<Stream> CsvZipAsync(ProgrammeStatement statement, CancellationToken ct) =>
        TempFile.WriteAsync(s => StatementFiles.WriteCsvZipAsync(statement, s, ct));

    public static Task<Stream> XlsxAsync(ProgrammeStatement statement, CancellationToken ct) =>
        TempFile.WriteAsync(s => Task.Run(() => StatementFiles.WriteXlsx(statement, s), ct));

    /// <summary>
    /// The audit pack of the statement's year, or null when the programme is out of the caller's scope. The trail, records, seals
    /// and receipts are Mediator stream queries, each read once while the pack is written.
    /// </summary>
    public static async Task<Stream?> AuditPackAsync(ISender sender, AuditPack pack, ProgrammeStatement statement, CancellationToken ct)
    {
        var (id, year) = (statement.Programme.Id, statement.Year);
        var chain = await sender.Send(new GetAuditPackChain(id, year), ct);
        var imports = await sender.Send(new Aid.Application.Imports.ListYearImportFiles(id, year), ct);
        if (chain is null || imports is null) return null;
        var trail = new StatementRegister("audit-trail", "审计记录 Audit trail", GetAuditTrailExport.Columns, [],
            () => sender.CreateStream(new GetAuditTrailExport(id, year), ct));
        // The statement stands on a full verification (made for it, or reused while only Aid has written since): the pack
        // reports that one rather than verifying twice.
        return await TempFile.WriteAsync(s => pack.WriteAsync(statement, trail, sender.CreateStream(new GetProgrammeReceiptContents(id, year), ct),
            sender.CreateStream(new GetAuditPackRecords(id, year), ct), sender.CreateStream(new GetAuditPackSeals(id), ct), chain,
            statement.Verification, s, ct, imports));
    }
}
