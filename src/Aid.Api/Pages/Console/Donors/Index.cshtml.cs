using Aid.Application.Common;
using Aid.Application.Donors;

namespace Aid.Api.Pages.Console.Donors;

/// <summary>
/// Every donor of the organisation (donor records are organisation-wide), oldest first, a page at a time; the search
/// (a part of the name: 晟晖 finds 蒋晟晖) and the kind live in the address, so a search can be bookmarked or sent on.
/// </summary>
public sealed class IndexModel : AidPageModel
{
    public const int PageSize = 25;
    public const int MaxQuery = 100;

    public string? Q { get; private set; }
    public string? Kind { get; private set; }
    public string? Cursor { get; private set; }
    public IReadOnlyList<DonorView> Donors { get; private set; } = [];
    public string? NextCursor { get; private set; }

    public bool Filtered => Q is not null || Kind is not null;

    public async Task OnGetAsync(string? q, string? kind, string? cursor)
    {
        Q = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        Kind = DonorKinds.All.Contains(kind) ? kind : null; // an unknown kind is no filter
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        if (Q is { Length: > MaxQuery })
        {
            ModelState.AddModelError("q", PageText.T($"搜索内容最多 {MaxQuery} 个字符。", $"Search for at most {MaxQuery} characters."));
            return;
        }
        try
        {
            await LoadAsync();
        }
        catch (InputException) when (Cursor is not null) // a cursor that is not one of ours: the first page
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            await LoadAsync();
        }
    }

    /// <summary>This list's address with the search kept and the given cursor (null: the first page).</summary>
    public string Link(string? cursor)
    {
        var query = new List<string>();
        if (Q is not null) query.Add("q=" + Uri.EscapeDataString(Q));
        if (Kind is not null) query.Add("kind=" + Kind);
        if (cursor is not null) query.Add("cursor=" + Uri.EscapeDataString(cursor));
        return "/console/donors" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }

    private async Task LoadAsync()
    {
        var page = await Sender.Send(new ListDonors(Q, Kind, PageSize, Cursor), HttpContext.RequestAborted);
        (Donors, NextCursor) = (page.Items, page.NextCursor);
    }
}
