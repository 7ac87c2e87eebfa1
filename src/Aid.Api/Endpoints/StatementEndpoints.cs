using Aid.Api.Infrastructure;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Statements;
using Aid.Infrastructure.Statements;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class StatementEndpoints
{
    public static void MapStatements(this IEndpointRouteBuilder app)
    {
        var programmes = app.MapGroup("/api/v1/programmes/{id:guid}").WithTags("Statements").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks();

        // An auditor's download is written to the audit trail (who took which statement or pack) once it is made, before it is
        // served — as in the auditor area, where every opening is.
        programmes.MapGet("/statements/{year:int}.pdf", async (Guid id, int year, HttpContext http, ISender sender, StatementPdf pdf, CancellationToken ct) =>
        {
            using var statement = await Statement(sender, id, year, ct);
            var file = await pdf.RenderAsync(statement, ct);
            if (http.User.IsInRole(Roles.Auditor)) await sender.Send(new RecordAuditorAccess(id, AuditorAccess.StatementPdf, year), ct);
            return TypedResults.File(file, "application/pdf", StatementDownloads.PdfName(year));
        }).WithSummary("Annual programme statement (PDF)");

        async Task<FileStreamHttpResult> CsvZip(Guid id, int year, HttpContext http, ISender sender, CancellationToken ct)
        {
            using var statement = await Statement(sender, id, year, ct);
            var file = await StatementDownloads.CsvZipAsync(statement, ct);
            await Recorded(http, sender, file, id, AuditorAccess.StatementCsv, year, ct);
            return TypedResults.File(file, "application/zip", StatementDownloads.CsvZipName(statement));
        }
        programmes.MapGet("/statements/{year:int}.csv.zip", CsvZip).WithSummary("Annual programme statement: one UTF-8 CSV per register, in a ZIP");
        // The first name of the same file, kept so that existing links and scripts keep working (documented as deprecated).
        programmes.MapGet("/statements/{year:int}.csv", CsvZip).WithSummary("Deprecated name of statements/{year}.csv.zip (the same ZIP)");

        programmes.MapGet("/statements/{year:int}.xlsx", async (Guid id, int year, HttpContext http, ISender sender, CancellationToken ct) =>
        {
            using var statement = await Statement(sender, id, year, ct);
            var file = await StatementDownloads.XlsxAsync(statement, ct);
            await Recorded(http, sender, file, id, AuditorAccess.StatementXlsx, year, ct);
            return TypedResults.File(file, StatementDownloads.XlsxType, StatementDownloads.XlsxName(statement));
        }).WithSummary("Annual programme statement (XLSX: summary plus one sheet per register)");

        programmes.MapGet("/audit-pack/{year:int}.zip", async (Guid id, int year, HttpContext http, ISender sender, AuditPack pack, CancellationToken ct) =>
        {
            using var statement = await Statement(sender, id, year, ct);
            var file = await StatementDownloads.AuditPackAsync(sender, pack, statement, ct) ?? throw new NotFoundException("Programme", id);
            await Recorded(http, sender, file, id, AuditorAccess.AuditPack, year, ct);
            return TypedResults.File(file, "application/zip", StatementDownloads.AuditPackName(statement));
        }).WithSummary("Audit pack: statement in three formats, audit-trail export, receipt PDFs, the chains with their signed checkpoints and how to check them offline, and a SHA-256 manifest");

        app.MapGet("/api/v1/donors/{id:guid}/statements/{year:int}.pdf", async (Guid id, int year, ISender sender, DonorStatementPdf pdf, CancellationToken ct) =>
        {
            var statement = await sender.Send(new GetDonorStatement(id, year), ct) ?? throw new NotFoundException("Donor", id);
            return TypedResults.File(pdf.Render(statement), "application/pdf", $"donor-statement-{year}.pdf");
        }).WithTags("Statements").RequireAuthorization(Policies.AnyKey).WithSummary("A donor's annual statement (PDF)");
    }

    /// <summary>Writes an auditor's download to the audit trail; the file is closed (and so deleted) when that fails, and nothing is served.</summary>
    private static async Task Recorded(HttpContext http, ISender sender, Stream file, Guid id, AuditorAccess what, int year, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Auditor)) return;
        try
        {
            await sender.Send(new RecordAuditorAccess(id, what, year), ct);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static async Task<ProgrammeStatement> Statement(ISender sender, Guid id, int year, CancellationToken ct) =>
        await sender.Send(new GetProgrammeStatement(id, year), ct) ?? throw new NotFoundException("Programme", id);
}

/// <summary>Builds a file in a temporary file that deletes itself when the response stream is closed.</summary>
internal static class TempFile
{
    public static async Task<Stream> WriteAsync(Func<Stream, Task> write)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            await write(file);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
