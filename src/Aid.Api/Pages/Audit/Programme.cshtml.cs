using Aid.Api.Endpoints;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Statements;
using Aid.Infrastructure.Statements;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Audit;

/// <summary>
/// A programme in the auditor area: for each year from its first activity to this one, the annual statement (PDF, CSV ZIP, XLSX)
/// and the audit pack, made exactly as the API makes them (the same queries and writers as StatementEndpoints), and links to
/// the year's trail, receipt numbers and exceptions. The page and each download are written to the audit trail.
/// </summary>
public sealed class AuditProgrammeModel : AuditAreaPage
{
    public async Task<IActionResult> OnGetAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId, null)) return NotFound();
        await RecordAsync(AuditorAccess.Programme, null);
        return Page();
    }

    public Task<IActionResult> OnGetPdfAsync(Guid programmeId, int year) => DownloadAsync(programmeId, year, AuditorAccess.StatementPdf, async statement =>
    {
        var pdf = HttpContext.RequestServices.GetRequiredService<StatementPdf>();
        return File(await pdf.RenderAsync(statement, HttpContext.RequestAborted), "application/pdf", StatementDownloads.PdfName(year));
    });

    public Task<IActionResult> OnGetCsvAsync(Guid programmeId, int year) => DownloadAsync(programmeId, year, AuditorAccess.StatementCsv, async statement =>
        File(await StatementDownloads.CsvZipAsync(statement, HttpContext.RequestAborted), "application/zip", StatementDownloads.CsvZipName(statement)));

    public Task<IActionResult> OnGetXlsxAsync(Guid programmeId, int year) => DownloadAsync(programmeId, year, AuditorAccess.StatementXlsx, async statement =>
        File(await StatementDownloads.XlsxAsync(statement, HttpContext.RequestAborted), StatementDownloads.XlsxType, StatementDownloads.XlsxName(statement)));

    public Task<IActionResult> OnGetPackAsync(Guid programmeId, int year) => DownloadAsync(programmeId, year, AuditorAccess.AuditPack, async statement =>
    {
        var pack = HttpContext.RequestServices.GetRequiredService<AuditPack>();
        return await StatementDownloads.AuditPackAsync(Sender, pack, statement, HttpContext.RequestAborted) is { } file
            ? File(file, "application/zip", StatementDownloads.AuditPackName(statement))
            : NotFound();
    });

    /// <summary>
    /// The statement of the year, then the file; the access is recorded once the file is made. A trail that does not verify refuses
    /// the statement (409 in the API): the page says so, with a link to the trail that names the broken record.
    /// </summary>
    private async Task<IActionResult> DownloadAsync(Guid programmeId, int year, AuditorAccess what, Func<ProgrammeStatement, Task<IActionResult>> file)
    {
        if (!await LoadAsync(programmeId, year)) return NotFound();
        IActionResult result;
        try
        {
            using var statement = await Sender.Send(new GetProgrammeStatement(programmeId, year), HttpContext.RequestAborted);
            if (statement is null) return NotFound();
            result = await file(statement);
        }
        catch (ConflictException e)
        {
            Refusal = PageText.Message(e.Message);
            RefusedYear = year;
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        if (result is not FileResult) return result;
        try
        {
            await RecordAsync(what, year);
        }
        catch
        {
            if (result is FileStreamResult { FileStream: var stream }) await stream.DisposeAsync(); // the temporary file goes with it
            throw;
        }
        return result;
    }

    /// <summary>Why a download was refused (the trail does not verify), and for which year.</summary>
    public string? Refusal { get; private set; }
    public int? RefusedYear { get; private set; }

    public string Download(string handler, int year) => $"{Base}?handler={handler}&year={year}";
}
