using System.Globalization;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Gifts;

/// <summary>
/// One gift: what was recorded, the pledge instalments it paid, the student aid it funded, its reversal. Reversing takes two steps:
/// the reason (<c>Review</c>), then a confirmation page that says what will happen (<c>Reverse</c>, with the confirmation form's
/// own idempotency key, so a second press changes nothing); a reversal that would leave approved aid unfunded asks once more.
/// A gift of another programme (or outside the person's scope) is not found here.
/// </summary>
public sealed class GiftDetailsModel(IdempotencyKey idempotency) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public GiftView? Gift { get; private set; }
    public DonorView? Donor { get; private set; }

    /// <summary>The confirmation step is shown (the reason was given and is fine).</summary>
    public bool Confirming { get; private set; }

    /// <summary>The reversal would leave approved disbursements without cash: the person confirms that too.</summary>
    public string? Shortfall { get; private set; }
    public int UnfundedCount { get; private set; }

    [BindProperty] public string? Reason { get; set; }

    /// <summary>The reversal's business date (yyyy-MM-dd); empty: today.</summary>
    [BindProperty] public string? ReversedOn { get; set; }
    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public bool ConfirmShortfall { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid giftId) =>
        await LoadAsync(programmeId, giftId) ? Page() : NotFound();

    /// <summary>Step one: the reason. Fine → the confirmation step (nothing changed yet).</summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid programmeId, Guid giftId)
    {
        if (!await LoadAsync(programmeId, giftId)) return NotFound();
        if (Gift!.Status == "reversed") return Page();
        if (ReadReason() is null | !ReadOptionalDate(ReversedOn, nameof(ReversedOn), out _)) return Page();
        Confirming = true;
        FormKey = Guid.NewGuid().ToString();
        return Page();
    }

    /// <summary>Step two: reverse, then back to the gift with a flash (PRG).</summary>
    public async Task<IActionResult> OnPostReverseAsync(Guid programmeId, Guid giftId)
    {
        if (!await LoadAsync(programmeId, giftId)) return NotFound();
        var dated = ReadOptionalDate(ReversedOn, nameof(ReversedOn), out var reversedOn);
        if (ReadReason() is not { } reason || !dated) return Page();
        if (Guid.TryParse(FormKey, out var key)) idempotency.Set($"page-gift-reversal-{key}");
        else FormKey = Guid.NewGuid().ToString();
        try
        {
            var reversed = await Sender.Send(new ReverseGift(giftId, reason, ConfirmShortfall, reversedOn), HttpContext.RequestAborted);
            Flash = reversed.UnfundedDisbursements is { Count: > 0 } unfunded
                ? PageText.T($"已冲销这笔捐赠。有 {unfunded.Count} 笔已批准的资助现在没有资金来源，请在资助页面处理。",
                    $"The gift is reversed. {unfunded.Count} approved disbursement(s) now have no money behind them: see the disbursements.")
                : PageText.T("已冲销这笔捐赠：已记入冲销分录，项目余额已相应减少。", "The gift is reversed: a reversing entry is booked and the programme's balance is reduced.");
            return Redirect($"/console/{programmeId}/gifts/{giftId}");
        }
        catch (ConflictException e) when (e.Details.TryGetValue("shortfall", out var shortfall))
        {
            Confirming = true;
            Shortfall = (shortfall as string ?? "").TrimStart('-');
            UnfundedCount = e.Details.TryGetValue("unfundedDisbursementIds", out var ids) && ids is Array array ? array.Length : 0;
            if (Shortfall.Length == 0 || !Money.TryParse(Shortfall, out _, out _)) Shortfall = null;
            return Page();
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T("这张确认表单已经提交过。请刷新页面查看这笔捐赠现在的状态。", "This confirmation was already sent. Reload the page to see the gift as it is now."));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
                foreach (var message in messages)
                    ModelState.AddModelError(field == "reversedOn" ? nameof(ReversedOn) : nameof(Reason), PageText.Message(message));
        }
        await LoadAsync(programmeId, giftId); // as it is now (another person may have reversed it meanwhile)
        return Page();
    }

    public string Quantity => Gift?.Quantity?.ToString("0.###", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>The reason, or null with the message beside the field.</summary>
    private string? ReadReason()
    {
        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            ModelState.AddModelError(nameof(Reason), PageText.T("请写明冲销的原因，例如“银行退汇”或“误登记到本项目”。", "Say why, e.g. 'returned by the bank' or 'recorded in the wrong programme'."));
        else if (reason.Length > 500 || TextRule.Problem(reason) is not null)
            ModelState.AddModelError(nameof(Reason), PageText.T("原因最多 500 个字符，且不能含控制字符。", "A reason has at most 500 characters and no control characters."));
        else
        {
            Reason = reason;
            return reason;
        }
        return null;
    }

    private async Task<bool> LoadAsync(Guid programmeId, Guid giftId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        Gift = await Sender.Send(new GetGift(giftId), ct);
        if (Gift is null || Gift.ProgrammeId != programmeId) return false; // another programme's gift: not found here either
        Donor = await Sender.Send(new GetDonor(Gift.DonorId), ct);
        return true;
    }
}
