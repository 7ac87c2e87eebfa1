using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Gifts;

/// <summary>
/// A programme's gifts, newest received first by default, filtered by received date and donor (a name search or a chosen donor),
/// all in the URL; paged by cursor links. A link that is not one of ours (a cursor from another list) shows the first page.
/// </summary>
public sealed class GiftsIndexModel : AidPageModel
{
    public const int PageSize = 25;
    public const string DefaultSort = "-receivedOn";

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<GiftView> Gifts { get; private set; } = [];
    public IReadOnlyDictionary<Guid, DonorView> Donors { get; private set; } = new Dictionary<Guid, DonorView>();
    public string? NextCursor { get; private set; }

    // The filters as typed (shown again in the form) and as understood.
    public string? From { get; private set; }
    public string? To { get; private set; }
    public string? Donor { get; private set; }
    public string Sort { get; private set; } = DefaultSort;
    public string? Cursor { get; private set; }
    public DonorView? ChosenDonor { get; private set; }

    /// <summary>Several donors match the name typed: the person picks one (the gift list needs one donor).</summary>
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }

    /// <summary>True when a filter narrows the list (the empty state then says so instead of inviting the first gift).</summary>
    public bool Filtered => From is { Length: > 0 } || To is { Length: > 0 } || ChosenDonor is not null || Donor is { Length: > 0 };

    /// <summary>False when the filters could not be read: the person fixes them first.</summary>
    public bool Listed { get; private set; }

    public static IReadOnlyList<string> Sorts => GiftSorts.All;

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? from, string? to, string? donor, string? donorId, string? sort, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound(); // or outside the person's scope: the same answer

        (From, To, Donor, Cursor) = (from?.Trim(), to?.Trim(), donor?.Trim(), cursor);
        Sort = sort is { Length: > 0 } && GiftSorts.All.Contains(sort) ? sort : DefaultSort;
        var fromDate = ReadDate(From, "from");
        var toDate = ReadDate(To, "to");
        if (fromDate is { } f && toDate is { } t && t < f)
            ModelState.AddModelError("to", PageText.T("结束日期不能早于开始日期。", "The end date cannot be before the start date."));
        var filter = await DonorFilter.ReadAsync(Sender, ModelState, donorId, Donor, ct);
        (ChosenDonor, Donor, DonorChoices, MoreDonorChoices) = (filter.Chosen, filter.Name, filter.Choices, filter.MoreChoices);
        if (!ModelState.IsValid || DonorChoices.Count > 0) return Page();

        Page<GiftView> page;
        try
        {
            page = await Sender.Send(new ListGifts(programmeId, ChosenDonor?.Id, fromDate, toDate, PageSize, cursor, Sort), ct);
        }
        catch (InputException) when (cursor is not null) // a cursor that is not one of ours (or of another sort): the first page
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListGifts(programmeId, ChosenDonor?.Id, fromDate, toDate, PageSize, null, Sort), ct);
        }
        (Gifts, NextCursor, Listed) = (page.Items, page.NextCursor, true);

        var donors = new Dictionary<Guid, DonorView>();
        foreach (var id in Gifts.Select(g => g.DonorId).Distinct())
            if (await Sender.Send(new GetDonor(id), ct) is { } view) donors[id] = view;
        Donors = donors;
        return Page();
    }

    /// <summary>This list's address with the current filters (and sort), on the page after <paramref name="cursor"/>.</summary>
    public string Link(string? cursor = null, Guid? donorId = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add(new(name, value)); }
        Add("from", From);
        Add("to", To);
        if ((donorId ?? ChosenDonor?.Id) is { } id) Add("donorId", id.ToString());
        else Add("donor", Donor);
        if (Sort != DefaultSort) Add("sort", Sort);
        Add("cursor", cursor);
        return $"/console/{Programme!.Id}/gifts{QueryString.Create(query)}";
    }

    public string DonorName(Guid id) => Donors.TryGetValue(id, out var donor) ? donor.Name : PageText.T("（未知捐赠人）", "(unknown donor)");

    public static string SortName(string sort) => sort switch
    {
        "-receivedOn" => PageText.T("最新到账在前", "Newest first"),
        "receivedOn" => PageText.T("最早到账在前", "Oldest first"),
        "-amount" => PageText.T("金额从大到小", "Largest first"),
        "amount" => PageText.T("金额从小到大", "Smallest first"),
        _ => sort,
    };

    private DateOnly? ReadDate(string? text, string field)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (GiftDates.TryRead(text, out var date)) return date;
        ModelState.AddModelError(field, GiftDates.FormatMessage());
        return null;
    }

}
