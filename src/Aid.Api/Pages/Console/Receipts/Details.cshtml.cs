using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Email;
using Aid.Application.Gifts;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Receipts;

/// <summary>
/// One receipt: what it says, the gifts it covers, what replaced it. Voiding takes two steps like reversing a gift: the reason
/// (and whether a new number replaces it) in <c>Review</c>, then a confirmation page (<c>Void</c>, with the confirmation form's own
/// idempotency key, so a second press changes nothing). The PDF comes through <c>?handler=pdf</c> (the API takes no page session):
/// the same download as the API's, counted, always 副本 COPY (the one original is the donor's). The e-mail section shows what
/// became of the messages about this receipt, with a resend for one the server refused.
/// </summary>
public sealed class ReceiptDetailsModel(IdempotencyKey idempotency) : AidPageModel
{
    /// <summary>An annual receipt can cover many gifts: the page lists this many.</summary>
    public const int GiftsShown = 50;

    public ProgrammeView? Programme { get; private set; }
    public ReceiptView? Receipt { get; private set; }
    public DonorView? Donor { get; private set; }
    public IReadOnlyList<GiftView> Gifts { get; private set; } = [];
    public IReadOnlyList<EmailView> Emails { get; private set; } = [];
    public EmailStatus? Mail { get; private set; }
    public bool Confirming { get; private set; }

    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public bool Reissue { get; set; }

    /// <summary>The void's business date (yyyy-MM-dd); empty: today.</summary>
    [BindProperty] public string? VoidedOn { get; set; }
    [BindProperty] public string? FormKey { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string number) =>
        await LoadAsync(programmeId, number) ? Page() : NotFound();

    /// <summary>The receipt's PDF, as the API's download (counted; always 副本 COPY for staff, 作废 on a void one).</summary>
    public async Task<IActionResult> OnGetPdfAsync(Guid programmeId, string number)
    {
        if (!await LoadAsync(programmeId, number)) return NotFound();
        try
        {
            var download = await Sender.Send(new DownloadReceipt(Receipt!.Number), HttpContext.RequestAborted);
            return File(download.Pdf, "application/pdf", $"{Receipt.Number}.pdf");
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (UnavailableException)
        {
            ModelState.AddModelError("", PageText.T("收据 PDF 暂时无法生成：服务器上没有中文字体。请联系管理员。",
                "The receipt PDF cannot be made now: the server has no Chinese font. Please tell an admin."));
            return Page();
        }
        catch (ConflictException e)
        {
            ModelState.AddModelError("", PageText.Message(e.Message)); // e.g. its row no longer matches the audit trail
            return Page();
        }
    }

    /// <summary>Step one: the reason. Fine → the confirmation step (nothing changed yet).</summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid programmeId, string number)
    {
        if (!await LoadAsync(programmeId, number)) return NotFound();
        if (Receipt!.Status == ReceiptStatus.Void || ReadReason() is null | !ReadOptionalDate(VoidedOn, nameof(VoidedOn), out _)) return Page();
        Confirming = true;
        FormKey = Guid.NewGuid().ToString();
        return Page();
    }

    /// <summary>Step two: void (and reissue), then to the receipt that now stands, with a flash (PRG).</summary>
    public async Task<IActionResult> OnPostVoidAsync(Guid programmeId, string number)
    {
        if (!await LoadAsync(programmeId, number)) return NotFound();
        var dated = ReadOptionalDate(VoidedOn, nameof(VoidedOn), out var voidedOn);
        if (ReadReason() is not { } reason || !dated) return Page();
        if (Guid.TryParse(FormKey, out var key)) idempotency.Set($"page-receipt-void-{key}");
        else FormKey = Guid.NewGuid().ToString();
        try
        {
            var voided = await Sender.Send(new VoidReceipt(Receipt!.Number, reason, Reissue, voidedOn), HttpContext.RequestAborted);
            if (voided.ReplacedBy is { } replacement)
            {
                Flash = PageText.T($"已作废收据 {voided.Number}，并开具了新收据 {replacement} 取代它。",
                    $"Receipt {voided.Number} is void; the new receipt {replacement} replaces it.");
                return Redirect($"/console/{programmeId}/receipts/{replacement}");
            }
            Flash = PageText.T($"已作废收据 {voided.Number}。编号保留，不会再用于其他收据。", $"Receipt {voided.Number} is void. Its number is kept and never used again.");
            return Redirect($"/console/{programmeId}/receipts/{voided.Number}");
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T("这张确认表单已经提交过。请刷新页面查看这张收据现在的状态。", "This confirmation was already sent. Reload the page to see the receipt as it is now."));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
                foreach (var message in messages)
                    ModelState.AddModelError(field == "voidedOn" ? nameof(VoidedOn) : nameof(Reason), PageText.Message(message));
        }
        await LoadAsync(programmeId, number); // as it is now (another person may have voided it meanwhile)
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid programmeId, string number, Guid outboxId)
    {
        if (!await LoadAsync(programmeId, number)) return NotFound();
        if (Emails.All(e => e.Id != outboxId)) return NotFound(); // only a message about this receipt, from this page
        if (await TrySendAsync(new ResendEmail(outboxId)) is not null)
        {
            Flash = PageText.T("邮件已重新排队发送，使用相同的邮件编号。", "The message is queued again, with the same Message-ID.");
            return Redirect($"/console/{programmeId}/receipts/{number}");
        }
        return Page();
    }

    public string PdfLink => $"/console/{Programme!.Id}/receipts/{Receipt!.Number}?handler=pdf";

    private string? ReadReason()
    {
        var (reason, problem) = ReceiptPages.ReadReason(Reason);
        if (problem is not null) ModelState.AddModelError(nameof(Reason), problem);
        else Reason = reason;
        return reason;
    }

    private async Task<bool> LoadAsync(Guid programmeId, string number)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        Receipt = await ReceiptPages.FindAsync(Sender, programmeId, number, ct);
        if (Receipt is null) return false;
        Donor = await Sender.Send(new GetDonor(Receipt.DonorId), ct);
        var gifts = new List<GiftView>();
        foreach (var id in Receipt.GiftIds.Take(GiftsShown))
            if (await Sender.Send(new GetGift(id), ct) is { } gift) gifts.Add(gift);
        Gifts = gifts;
        Emails = await Sender.Send(new ListEmails(ReceiptId: Receipt.Id), ct);
        Mail = await Sender.Send(new GetEmailStatus(), ct);
        return true;
    }
}
