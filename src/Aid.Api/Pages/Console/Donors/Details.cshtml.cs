using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Pledges;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using Aid.Application.Sponsorships;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Donors;

/// <summary>
/// One donor: their details, and their gifts (newest first), pledges, receipts (with the PDF, rendered here since the API
/// takes no page session) and sponsorships, each a table with its own page links. A manager sees the rows of their
/// programmes, as in the API.
/// </summary>
public sealed class DetailsModel : AidPageModel
{
    public const int TableSize = 20;

    public DonorView? Donor { get; private set; }
    public Page<GiftView> Gifts { get; private set; } = new([], null);
    public Page<PledgeSummary> Pledges { get; private set; } = new([], null);
    public Page<ReceiptView> Receipts { get; private set; } = new([], null);
    public Page<SponsorshipView> Sponsorships { get; private set; } = new([], null);
    public IReadOnlyDictionary<Guid, ProgrammeView> Programmes { get; private set; } = new Dictionary<Guid, ProgrammeView>();

    /// <summary>The cursor each table was opened at (the address keeps them all, so paging one table leaves the others where they are).</summary>
    public Dictionary<string, string?> Cursors { get; } = new() { ["gifts"] = null, ["pledges"] = null, ["receipts"] = null, ["sponsorships"] = null };

    /// <summary>A manager: the tables hold their programmes' rows only.</summary>
    public bool Scoped => Actor is { IsAdmin: false };

    public async Task<IActionResult> OnGetAsync(Guid id, string? gifts, string? pledges, string? receipts, string? sponsorships)
    {
        (Cursors["gifts"], Cursors["pledges"], Cursors["receipts"], Cursors["sponsorships"]) = (Blank(gifts), Blank(pledges), Blank(receipts), Blank(sponsorships));
        return await LoadAsync(id) ? Page() : NotFound();
    }

    /// <summary>A receipt's PDF, as the API's download (counted; always 副本 COPY: the original is the donor's). Only this donor's receipts.</summary>
    public async Task<IActionResult> OnGetReceiptAsync(Guid id, string? number)
    {
        var ct = HttpContext.RequestAborted;
        if (string.IsNullOrWhiteSpace(number) || number.Length > 40) return NotFound();
        if (await Sender.Send(new GetReceipt(number), ct) is not { } receipt || receipt.DonorId != id) return NotFound();
        try
        {
            var download = await Sender.Send(new DownloadReceipt(receipt.Number), ct);
            return File(download.Pdf, "application/pdf", $"{receipt.Number}.pdf");
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (UnavailableException)
        {
            ModelState.AddModelError("", PageText.T("收据 PDF 暂时无法生成：服务器上没有中文字体。请联系管理员。",
                "The receipt PDF cannot be made now: the server has no Chinese font. Please tell an admin."));
            return await LoadAsync(id) ? Page() : NotFound();
        }
    }

    /// <summary>
    /// Invites the donor to their donor pages: their account is made if needed and a one-time sign-in link (7 days) is e-mailed
    /// to them through the outbox (InviteDonor).
    /// </summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid id)
    {
        var invited = await TrySendAsync(new InviteDonor(id));
        if (invited is null) return await LoadAsync(id) ? Page() : NotFound();
        Flash = PageText.T($"已向 {invited.SentTo} 发送邀请邮件，其中的登录链接 7 天内有效。", $"An invitation with a sign-in link (valid for 7 days) is on its way to {invited.SentTo}.");
        return Redirect($"/console/donors/{id}");
    }

    /// <summary>This page's address with one table moved to <paramref name="cursor"/> (null: its first page) and the others kept.</summary>
    public string Link(string table, string? cursor)
    {
        var query = Cursors.Select(c => (c.Key, Value: c.Key == table ? cursor : c.Value))
            .Where(c => c.Value is not null)
            .Select(c => $"{c.Key}={Uri.EscapeDataString(c.Value!)}");
        var text = string.Join("&", query);
        return $"/console/donors/{Donor!.Id}" + (text.Length > 0 ? "?" + text : "") + "#" + table;
    }

    public string? ProgrammeName(Guid id) => Programmes.TryGetValue(id, out var p) ? p.Name : null;

    public string Currency(Guid programmeId) => Programmes.TryGetValue(programmeId, out var p) ? p.Currency : "CNY";

    private async Task<bool> LoadAsync(Guid id)
    {
        var ct = HttpContext.RequestAborted;
        Donor = await Sender.Send(new GetDonor(id), ct);
        if (Donor is null) return false;
        Programmes = (await Sender.Send(new ListProgrammes(null, null, Cursor.MaxLimit, null), ct)).Items.ToDictionary(p => p.Id);
        Gifts = await ListAsync("gifts", c => new ListGifts(null, id, null, null, TableSize, c, "-receivedOn"));
        Pledges = await ListAsync("pledges", c => new ListPledges(null, id, TableSize, c));
        Receipts = await ListAsync("receipts", c => new ListReceipts(id, null, null, TableSize, c));
        Sponsorships = await ListAsync("sponsorships", c => new ListSponsorships(null, id, null, TableSize, c));
        return true;
    }

    /// <summary>One table's page; a cursor that is not one of ours gives its first page and a message.</summary>
    private async Task<Page<T>> ListAsync<T>(string table, Func<string?, IQuery<Page<T>>> query)
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            return await Sender.Send(query(Cursors[table]), ct);
        }
        catch (InputException) when (Cursors[table] is not null)
        {
            if (!ModelState.ContainsKey(""))
                ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursors[table] = null;
            return await Sender.Send(query(null), ct);
        }
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
