using Aid.Api.Endpoints;
using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Imports;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Aid.Api.Pages.Console.Imports;

/// <summary>
/// The upload: the form is read by the API's own reader (<see cref="ImportUpload"/>: the same fields, the same temporary copy
/// and SHA-256), so the page and <c>POST /api/v1/imports</c> accept and refuse the same files. A refused file is shown again
/// with the reason beside the file field, nothing stored; an accepted one goes on to its preview. The form's key makes a double
/// press one import. This address is the one <see cref="RequestBodyLimit.IsUpload"/> lets carry a large body.
/// </summary>
public sealed class NewImportModel(IdempotencyKey idempotency) : AidPageModel
{
    private long MaxBytes => HttpContext.RequestServices.GetRequiredService<IOptions<ImportSettings>>().Value.MaxBytes;

    public ProgrammeView? Programme { get; private set; }
    public UploadForm Form { get; private set; } = UploadForm.Empty;

    [BindProperty] public string? FormKey { get; set; }

    public IActionResult OnGet() => Redirect("/console/imports");

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            await using var upload = await ImportUpload.ReadAsync(Request, MaxBytes, ct);
            if (Guid.TryParse(FormKey, out _)) idempotency.Set($"page-import-{FormKey}");
            var import = await Sender.Send(upload.ToCommand(), ct);
            Flash = PageText.T(
                $"已读取 {import.File.Name}：共 {import.TotalRows} 行，新捐赠 {import.Rows[ImportOutcomes.New]} 行（其中 {import.Rows[ImportOutcomes.NeedsDonor]} 行待指定捐赠人），重复 {import.Duplicates} 行，有错误 {import.Errors} 行。尚未入账：请检查后确认入账。",
                $"{import.File.Name} is read: {import.TotalRows} rows, {import.Rows[ImportOutcomes.New]} new ({import.Rows[ImportOutcomes.NeedsDonor]} need a donor), {import.Duplicates} already recorded, {import.Errors} with errors. Nothing is booked yet: check them, then commit.");
            return Redirect($"/console/imports/{import.Id}");
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            foreach (var message in messages)
                ModelState.AddModelError(Input(field), PageText.Message(message));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var max = ImportText.Size(MaxBytes);
            ModelState.AddModelError("file", PageText.T($"文件超过 {max}：请拆分为较小的文件（例如每月一个）后逐个上传。",
                $"The file is larger than {max}: split it into smaller files (e.g. one month each) and upload them one by one."));
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T("这张表单已经上传过一个文件。请在导入列表中查看，或重新选择文件上传。",
                "This form has already uploaded a file. See the list of imports, or choose the file again."));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }

        var programmes = (await Sender.Send(new ListProgrammes(null, null, 200, null), ct)).Items;
        var chosen = Request.HasFormContentType && Guid.TryParse(Request.Form["programmeId"], out var id) ? id : (Guid?)null;
        Programme = programmes.FirstOrDefault(p => p.Id == chosen) ?? programmes.FirstOrDefault();
        if (Programme is null) return Redirect("/console/imports");
        var (format, mapping) = Request.HasFormContentType ? (Blank(Request.Form["format"]), Blank(Request.Form["mappingName"])) : (null, null);
        Form = await UploadForm.LoadAsync(Sender, programmes, Programme, ct, format, mapping);
        return Page();
    }

    /// <summary>The form's input for one of the application's field names.</summary>
    private static string Input(string field) => field.ToLowerInvariant() switch
    {
        "file" or "filename" or "filesha256" => "file",
        "programmeid" => "programmeId",
        "format" => "format",
        "mapping" or "mappingname" => "mappingName",
        _ => "",
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
