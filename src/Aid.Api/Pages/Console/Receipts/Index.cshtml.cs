using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Programmes;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Receipts;

/// <summary>
/// A programme's receipts in the order they were issued, filtered by the year of issue and the donor (a name search or a chosen
/// donor), all in the URL; paged by cursor links. A run still at work for the programme is linked at the top.
/// </summary>
public sealed class ReceiptsIndexModel : AidPageModel
{
    public const int PageSize = 25;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<ReceiptView> Receipts { get; private set; } = [];
    public IReadOnlyDictionary<Guid, DonorView> Donors { get; private set; } = new Dictionary<Guid, DonorView>();
    public string? NextCursor { get; private set; }
    public ReceiptRunView? ActiveRun { get; private set; }

    public string? Year { get; private set; }
    public string? Donor { get; private set; }
    public string? Cursor { get; private set; }
    public DonorView? ChosenDonor { get; private set; }
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }

    public bool Filtered => Year is { Length: > 0 } || ChosenDonor is not null || Donor is { Length: > 0 };
    public bool Listed { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? year, string? donor, string? donorId, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound();
        ActiveRun = await ReceiptPages.ActiveRunAsync(Sender, programmeId, ct);

        (Year, Donor, Cursor) = (year?.Trim(), donor?.Trim(), string.IsNullOrEmpty(cursor) ? null : cursor);
        int? yearNumber = null;
        if (!string.IsNullOrEmpty(Year))
        {
            if (int.TryParse(Year, System.Globalization.NumberStyles.None, null, out var y) && y is >= 2000 and <= 2100) yearNumber = y;
            else ModelState.AddModelError("year", PageText.T("请输入四位数的年份，例如 2025。", "Enter a four-digit year, e.g. 2025."));
        }
        var filter = await DonorFilter.ReadAsync(Sender, ModelState, donorId, Donor, ct);
        (ChosenDonor, Donor, DonorChoices, MoreDonorChoices) = (filter.Chosen, filter.Name, filter.Choices, filter.MoreChoices);
        if (!ModelState.IsValid || DonorChoices.Count > 0) return Page();

        Page<ReceiptView> page;
        try
        {
            page = await Sender.Send(new ListReceipts(ChosenDonor?.Id, yearNumber, programmeId, PageSize, Cursor), ct);
        }
        catch (InputException) when (Cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListReceipts(ChosenDonor?.Id, yearNumber, programmeId, PageSize, null), ct);
        }
        (Receipts, NextCursor, Listed) = (page.Items, page.NextCursor, true);

        var donors = new Dictionary<Guid, DonorView>();
        foreach (var id in Receipts.Select(r => r.DonorId).Distinct())
            if (await Sender.Send(new GetDonor(id), ct) is { } view) donors[id] = view;
        Donors = donors;
        return Page();
    }

    /// <summary>This list's address with the current filters, on the page after <paramref name="cursor"/>.</summary>
    public string Link(string? cursor = null, Guid? donorId = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add(new(name, value)); }
        Add("year", Year);
        if ((donorId ?? ChosenDonor?.Id) is { } id) Add("donorId", id.ToString());
        else Add("donor", Donor);
        Add("cursor", cursor);
        return $"/console/{Programme!.Id}/receipts{QueryString.Create(query)}";
    }

    public string DonorName(Guid id) => Donors.TryGetValue(id, out var donor) ? donor.Name : PageText.T("（未知捐赠人）", "(unknown donor)");

}
