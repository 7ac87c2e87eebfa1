using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Disbursements;

/// <summary>
/// One disbursement and what can happen to it next: approve (not by the requester), reject with a reason, record the payment
/// (not by the approver), reverse a payment after a confirmation. The four-eyes refusals come from the application as messages.
/// </summary>
public sealed class DisbursementDetailsModel(BusinessClock clock) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public DisbursementView? Disbursement { get; private set; }
    [BindProperty] public Guid FormId { get; set; } = Guid.NewGuid();
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? PayoutReference { get; set; }
    [BindProperty] public string? EvidenceReference { get; set; }
    [BindProperty] public string? PaidOn { get; set; }
    [BindProperty] public bool Confirmed { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid disbursementId)
    {
        if (!await LoadAsync(programmeId, disbursementId)) return NotFound();
        PaidOn = clock.Today().ToString("yyyy-MM-dd");
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(Guid programmeId, Guid disbursementId) =>
        ActAsync(programmeId, disbursementId, () => new ApproveDisbursement(disbursementId), PageText.T("已批准。", "Approved."));

    public Task<IActionResult> OnPostRejectAsync(Guid programmeId, Guid disbursementId)
    {
        if (string.IsNullOrWhiteSpace(Reason)) ModelState.AddModelError(nameof(Reason), PageText.T("请填写驳回原因。", "Give the reason."));
        return ActAsync(programmeId, disbursementId, () => new RejectDisbursement(disbursementId, Reason!.Trim()), PageText.T("已驳回。", "Rejected."));
    }

    public Task<IActionResult> OnPostPayAsync(Guid programmeId, Guid disbursementId)
    {
        if (string.IsNullOrWhiteSpace(PayoutReference)) ModelState.AddModelError(nameof(PayoutReference), PageText.T("请填写银行流水号。", "Enter the bank reference."));
        if (string.IsNullOrWhiteSpace(EvidenceReference)) ModelState.AddModelError(nameof(EvidenceReference), PageText.T("请填写签收凭证编号。", "Enter the signed receipt's reference."));
        if (!DateOnly.TryParseExact(PaidOn, "yyyy-MM-dd", out var paidOn)) ModelState.AddModelError(nameof(PaidOn), PageText.T("请按 年-月-日 填写日期。", "Enter the date as year-month-day."));
        return ActAsync(programmeId, disbursementId, () => new PayDisbursement(disbursementId, PayoutReference!.Trim(), EvidenceReference!.Trim(), paidOn),
            PageText.T("已登记支付。", "The payment is recorded."));
    }

    public Task<IActionResult> OnPostReverseAsync(Guid programmeId, Guid disbursementId)
    {
        if (string.IsNullOrWhiteSpace(Reason)) ModelState.AddModelError(nameof(Reason), PageText.T("请填写冲销原因。", "Give the reason."));
        if (!Confirmed) ModelState.AddModelError(nameof(Confirmed), PageText.T("请勾选确认。", "Tick the confirmation."));
        return ActAsync(programmeId, disbursementId, () => new ReverseDisbursement(disbursementId, Reason!.Trim()), PageText.T("已冲销。", "Reversed."));
    }

    private async Task<IActionResult> ActAsync(Guid programmeId, Guid disbursementId, Func<Mediator.ICommand<DisbursementView>> command, string done)
    {
        if (!await LoadAsync(programmeId, disbursementId)) return NotFound();
        if (!ModelState.IsValid) return Page();
        HttpContext.RequestServices.GetRequiredService<IdempotencyKey>().Set("page-form:" + FormId);
        var result = await TrySendAsync(command(), ("reason", nameof(Reason)), ("payoutReference", nameof(PayoutReference)),
            ("evidenceReference", nameof(EvidenceReference)), ("paidOn", nameof(PaidOn)));
        if (result is null)
        {
            await LoadAsync(programmeId, disbursementId); // as it is now (another person may have acted)
            return Page();
        }
        Flash = done;
        return Redirect($"/console/{programmeId}/disbursements/{disbursementId}");
    }

    private async Task<bool> LoadAsync(Guid programmeId, Guid disbursementId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        Disbursement = Programme is null ? null : await Sender.Send(new GetDisbursement(disbursementId), HttpContext.RequestAborted);
        return Disbursement is not null && Disbursement.ProgrammeId == programmeId;
    }
}
