using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Pledges;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Pledges;

/// <summary>
/// A programme's pledges, newest first, filtered by status and donor (a name search or a chosen donor), all in the URL; paged by
/// cursor links. A link that is not one of ours (a cursor from another list, an unknown status) is answered with the first page.
/// </summary>
public sealed class PledgesIndexModel : AidPageModel
{
    public const int PageSize = 25;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<PledgeListItem> Pledges { get; private set; } = [];
    public string? NextCursor { get; private set; }

    public string? Status { get; private set; }
    public string? Donor { get; private set; }
    public string? Cursor { get; private set; }
    public DonorView? ChosenDonor { get; private set; }

    /// <summary>Several donors match the name typed: the person picks one.</summary>
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }

    public bool Filtered => Status is not null || ChosenDonor is not null || Donor is { Length: > 0 };

    /// <summary>False when the filters could not be read: the person fixes them first.</summary>
    public bool Listed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? status, string? donor, string? donorId, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound(); // or outside the person's scope: the same answer

        (Donor, Cursor) = (donor?.Trim(), cursor);
        Status = status is { Length: > 0 } && PledgeText.Statuses.Contains(status) ? status : null;
        var filter = await DonorFilter.ReadAsync(Sender, ModelState, donorId, Donor, ct);
        (ChosenDonor, Donor, DonorChoices, MoreDonorChoices) = (filter.Chosen, filter.Name, filter.Choices, filter.MoreChoices);
        if (!ModelState.IsValid || DonorChoices.Count > 0) return Page();

        Page<PledgeListItem> page;
        try
        {
            page = await Sender.Send(new ListProgrammePledges(programmeId, Status, ChosenDonor?.Id, PageSize, cursor), ct);
        }
        catch (InputException) when (cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListProgrammePledges(programmeId, Status, ChosenDonor?.Id, PageSize, null), ct);
        }
        (Pledges, NextCursor, Listed) = (page.Items, page.NextCursor, true);
        return Page();
    }

    /// <summary>This list's address with the current filters, on the page after <paramref name="cursor"/>.</summary>
    public string Link(string? cursor = null, Guid? donorId = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add(new(name, value)); }
        Add("status", Status);
        if ((donorId ?? ChosenDonor?.Id) is { } id) Add("donorId", id.ToString());
        else Add("donor", Donor);
        Add("cursor", cursor);
        return $"/console/{Programme!.Id}/pledges{QueryString.Create(query)}";
    }

}
