using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Disbursements;

/// <summary>A programme's disbursements by status (waiting for approval first), paged; filters in the URL.</summary>
public sealed class DisbursementsModel : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public string? Status { get; private set; }
    public IReadOnlyList<DisbursementView> Items { get; private set; } = [];
    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? status, string? cursor)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return NotFound();
        Status = status is "requested" or "approved" or "paid" or "rejected" or "reversed" ? status : null;
        try
        {
            var page = await Sender.Send(new ListDisbursements(programmeId, null, Status, 50, cursor), HttpContext.RequestAborted);
            (Items, NextCursor) = (page.Items, page.NextCursor);
        }
        catch (InputException) // a cursor that is not one of ours
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            var page = await Sender.Send(new ListDisbursements(programmeId, null, Status, 50, null), HttpContext.RequestAborted);
            (Items, NextCursor) = (page.Items, page.NextCursor);
        }
        return Page();
    }
}
