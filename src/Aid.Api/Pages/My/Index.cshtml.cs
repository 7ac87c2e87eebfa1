using Aid.Application.Common;
using Aid.Application.DonorPortal;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.My;

/// <summary>The donor's home: their gifts (newest first, with each gift's receipt) and their pledges with every instalment.</summary>
public sealed class IndexModel : MyPageModel
{
    public const int PageSize = 20;

    public Page<MyGift> Gifts { get; private set; } = new([], null);
    public IReadOnlyList<MyPledge> Pledges { get; private set; } = [];
    public string? Cursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        try
        {
            Gifts = await Sender.Send(new ListMyGifts(PageSize, Cursor), ct);
        }
        catch (InputException)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            Gifts = await Sender.Send(new ListMyGifts(PageSize, null), ct);
        }
        if (Cursor is null) Pledges = await Sender.Send(new ListMyPledges(), ct);
        return Page();
    }
}
