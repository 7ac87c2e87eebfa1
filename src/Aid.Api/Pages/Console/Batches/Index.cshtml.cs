using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Batches;

/// <summary>A programme's batches (one per school, academic year and term), newest first, filtered in the URL and paged by cursor.</summary>
public sealed class BatchesIndexModel : AidPageModel
{
    public const int PageSize = 25;

    public ProgrammeView? Programme { get; private set; }
    public ProgrammeTermsView? Terms { get; private set; }
    public IReadOnlyList<BatchSummaryView> Batches { get; private set; } = [];
    public IReadOnlyList<string> Schools { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? AcademicYear { get; private set; }
    public string? Term { get; private set; }
    public string? School { get; private set; }
    public string? Cursor { get; private set; }
    public bool Filtered => AcademicYear is { Length: > 0 } || Term is { Length: > 0 } || School is { Length: > 0 };

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? academicYear, string? term, string? school, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound();
        Terms = await Sender.Send(new GetProgrammeTerms(programmeId), ct);
        Schools = await Sender.Send(new ListSchools(programmeId), ct) ?? [];
        (AcademicYear, Term, School, Cursor) = (Blank(academicYear), Blank(term), Blank(school), cursor);

        Page<BatchSummaryView> page;
        try
        {
            page = await Sender.Send(new ListBatches(programmeId, AcademicYear, Term, School, PageSize, cursor), ct);
        }
        catch (InputException) when (cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListBatches(programmeId, AcademicYear, Term, School, PageSize, null), ct);
        }
        catch (InputException e)
        {
            foreach (var message in e.Errors.SelectMany(f => f.Value)) ModelState.AddModelError("", PageText.Message(message));
            return Page();
        }
        (Batches, NextCursor) = (page.Items, page.NextCursor);
        return Page();
    }

    /// <summary>This list's address with the current filters, on the page after <paramref name="cursor"/>.</summary>
    public string Link(string? cursor = null)
    {
        var query = new Dictionary<string, string?> { ["academicYear"] = AcademicYear, ["term"] = Term, ["school"] = School, ["cursor"] = cursor }
            .Where(p => p.Value is { Length: > 0 }).ToDictionary(p => p.Key, p => p.Value);
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"/console/{Programme!.Id}/batches", query);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
