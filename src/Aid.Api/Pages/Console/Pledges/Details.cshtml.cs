using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Pipeline;
using Aid.Application.Pledges;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Pledges;

/// <summary>
/// One pledge: its figures, each instalment with what was paid on it (paid, due, overdue), the gifts counted against it. An open
/// pledge can be cancelled (the donor withdrew) or written off (the rest will not be collected) in two steps: the choice and the
/// reason (<c>Review</c>), then a confirmation that says what will happen (<c>Close</c>, with the confirmation form's own
/// idempotency key). A pledge of another programme (or outside the person's scope) is not found here.
/// </summary>
public sealed class PledgeDetailsModel(IdempotencyKey idempotency) : AidPageModel
{
    public const string Cancel = "cancel";
    public const string WriteOff = "write_off";

    public ProgrammeView? Programme { get; private set; }
    public PledgeView? Pledge { get; private set; }
    public DonorView? Donor { get; private set; }
    public IReadOnlyList<PledgeGift> Gifts { get; private set; } = [];

    /// <summary>The confirmation step is shown (the choice and reason are fine).</summary>
    public bool Confirming { get; private set; }

    [BindProperty] public string? Outcome { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? FormKey { get; set; }

    public string DonorName => Donor?.Name ?? PageText.T("（未知捐赠人）", "(unknown donor)");

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid pledgeId) =>
        await LoadAsync(programmeId, pledgeId) ? Page() : NotFound();

    /// <summary>Step one: cancel or write off, and why. Fine → the confirmation step (nothing changed yet).</summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid programmeId, Guid pledgeId)
    {
        if (!await LoadAsync(programmeId, pledgeId)) return NotFound();
        if (Pledge!.Status != PledgeStatus.Open) return Page();
        var action = ReadAction();
        var reason = ReadReason();
        if (action is null || reason is null) return Page();
        Confirming = true;
        FormKey = Guid.NewGuid().ToString();
        return Page();
    }

    /// <summary>Step two: close the pledge, then back to it with a flash (PRG).</summary>
    public async Task<IActionResult> OnPostCloseAsync(Guid programmeId, Guid pledgeId)
    {
        if (!await LoadAsync(programmeId, pledgeId)) return NotFound();
        var action = ReadAction();
        var reason = ReadReason();
        if (action is null || reason is null) return Page();
        if (Guid.TryParse(FormKey, out var key)) idempotency.Set($"page-pledge-close-{key}");
        else FormKey = Guid.NewGuid().ToString();
        try
        {
            var ct = HttpContext.RequestAborted;
            var closed = action == Cancel
                ? await Sender.Send(new CancelPledge(pledgeId, reason), ct)
                : await Sender.Send(new WriteOffPledge(pledgeId, reason), ct);
            Flash = action == Cancel
                ? PageText.T("已取消这笔认捐：不再期待后续捐款，已到账的款项不受影响。", "The pledge is cancelled: nothing more is expected; what was paid stays paid.")
                : PageText.T($"已核销这笔认捐：未到账的 {PageText.Money(Pledge!.Outstanding, closed.Currency)} 不再计入待到账。",
                    $"The pledge is written off: the {PageText.Money(Pledge!.Outstanding, closed.Currency)} not received is no longer expected.");
            return Redirect($"/console/{programmeId}/pledges/{pledgeId}");
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T("这张确认表单已经提交过。请刷新页面查看这笔认捐现在的状态。", "This confirmation was already sent. Reload the page to see the pledge as it is now."));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        catch (InputException e)
        {
            foreach (var message in e.Errors.SelectMany(f => f.Value)) ModelState.AddModelError(nameof(Reason), PageText.Message(message));
        }
        await LoadAsync(programmeId, pledgeId); // as it is now (another person may have closed it meanwhile)
        return Page();
    }

    private string? ReadAction()
    {
        if (Outcome is Cancel or WriteOff) return Outcome;
        ModelState.AddModelError(nameof(Outcome), PageText.T("请选择“取消认捐”或“核销”。", "Choose cancel or write off."));
        return null;
    }

    /// <summary>The reason, or null with the message beside the field.</summary>
    private string? ReadReason()
    {
        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            ModelState.AddModelError(nameof(Reason), PageText.T("请写明原因，例如“捐赠人来电撤回承诺”或“企业已注销，无法联系”。",
                "Say why, e.g. 'the donor called to withdraw' or 'the company closed and cannot be reached'."));
        else if (reason.Length > 500 || TextRule.Problem(reason) is not null)
            ModelState.AddModelError(nameof(Reason), PageText.T("原因最多 500 个字符，且不能含控制字符。", "A reason has at most 500 characters and no control characters."));
        else
        {
            Reason = reason;
            return reason;
        }
        return null;
    }

    private async Task<bool> LoadAsync(Guid programmeId, Guid pledgeId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        Pledge = await Sender.Send(new GetPledge(pledgeId), ct);
        if (Pledge is null || Pledge.ProgrammeId != programmeId) return false; // another programme's pledge: not found here either
        Donor = await Sender.Send(new GetDonor(Pledge.DonorId), ct);
        Gifts = await Sender.Send(new ListPledgeGifts(pledgeId), ct) ?? [];
        return true;
    }
}
