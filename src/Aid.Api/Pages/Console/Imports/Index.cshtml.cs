using Aid.Application.Common;
using Aid.Application.Imports;
using Aid.Application.Programmes;
using Aid.Infrastructure.Imports;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Imports;

/// <summary>
/// A programme's imports, newest first, and the upload form (it posts to <c>/console/imports/new</c>, the one page address
/// whose body may be as large as <c>Aid:Imports:MaxBytes</c>). The programme is in the URL (<c>?programme=</c>); without one,
/// the first the person may see. The templates are served here too: the JSON API's copies take a key, not a page session.
/// </summary>
public sealed class ImportsIndexModel : AidPageModel
{
    public const int PageSize = 25;

    public IReadOnlyList<ProgrammeView> Programmes { get; private set; } = [];
    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<ImportView> Imports { get; private set; } = [];
    public UploadForm Form { get; private set; } = UploadForm.Empty;
    public string? Cursor { get; private set; }
    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? programme, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programmes = (await Sender.Send(new ListProgrammes(null, null, 200, null), ct)).Items;
        if (programme is { } asked)
        {
            Programme = Programmes.FirstOrDefault(p => p.Id == asked) ?? await Sender.Send(new GetProgramme(asked), ct);
            if (Programme is null) return NotFound();
        }
        else Programme = Programmes.FirstOrDefault();
        if (Programme is null) return Page();

        Cursor = cursor;
        Page<ImportView> page;
        try
        {
            page = await Sender.Send(new ListImports(Programme.Id, PageSize, cursor), ct);
        }
        catch (InputException) when (cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListImports(Programme.Id, PageSize, null), ct);
        }
        (Imports, NextCursor) = (page.Items, page.NextCursor);
        Form = await UploadForm.LoadAsync(Sender, Programmes, Programme, ct);
        return Page();
    }

    public IActionResult OnGetTemplateCsv() => File(ImportTemplate.Csv(), "text/csv; charset=utf-8", "aid-import-template.csv");

    public IActionResult OnGetTemplateXlsx() =>
        File(ImportTemplate.Xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aid-import-template.xlsx");

    public string Link(string? cursor = null) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/console/imports",
        new Dictionary<string, string?> { ["programme"] = Programme?.Id.ToString(), ["cursor"] = cursor }.Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value));
}

/// <summary>What the upload form shows: the programmes, the chosen one's saved mappings, and what was sent last (after a refusal).</summary>
public sealed record UploadForm(
    IReadOnlyList<ProgrammeView> Programmes, Guid? ProgrammeId, IReadOnlyList<ImportMappingView> Mappings, string? Format, string? MappingName,
    string FormKey)
{
    public static UploadForm Empty { get; } = new([], null, [], null, null, "");

    public static async Task<UploadForm> LoadAsync(Mediator.ISender sender, IReadOnlyList<ProgrammeView> programmes, ProgrammeView programme,
        CancellationToken ct, string? format = null, string? mappingName = null)
    {
        var mappings = await sender.Send(new ListImportMappings(programme.Id), ct);
        return new UploadForm(programmes, programme.Id, mappings, format, mappingName, Guid.NewGuid().ToString());
    }
}
