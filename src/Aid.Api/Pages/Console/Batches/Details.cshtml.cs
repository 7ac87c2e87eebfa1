using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Batches;

/// <summary>
/// One batch: its lines and what happens next — a second person approves the whole batch (or rejects single lines), someone
/// other than the approver records the payment with one bank reference; the bank file and the signature sheet to download.
/// Four-eyes refusals and a short balance come from the application as messages at the top.
/// </summary>
public sealed class BatchDetailsModel(BusinessClock clock) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public BatchView? Batch { get; private set; }
    /// <summary>Each form on the page carries its own key (made as it is shown): a lost answer resent is one action, another action is another.</summary>
    [BindProperty] public Guid FormId { get; set; } = Guid.NewGuid(); // a post without one acts once, under a key of its own
    [BindProperty] public Guid? LineId { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? PayoutReference { get; set; }
    [BindProperty] public string? PaidOn { get; set; }

    /// <summary>
    /// Made by the signed-in person through this same way in (a page session): the page offers no approval it would refuse. A
    /// person's API key has another name in the records; the application still refuses that person either way.
    /// </summary>
    public bool MadeByMe => Actor is not null && Batch?.Summary.CreatedBy == Actor.AuditName;

    public IEnumerable<BatchLineView> Open => Batch!.Lines.Where(l => l.Status is "requested" or "approved");

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid batchId)
    {
        if (!await LoadAsync(programmeId, batchId)) return NotFound();
        PaidOn = clock.Today().ToString("yyyy-MM-dd");
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(Guid programmeId, Guid batchId) =>
        ActAsync(programmeId, batchId, () => new ApproveBatch(batchId), PageText.T("已批准整个批次。", "The batch is approved."));

    public Task<IActionResult> OnPostPayAsync(Guid programmeId, Guid batchId)
    {
        if (string.IsNullOrWhiteSpace(PayoutReference)) ModelState.AddModelError(nameof(PayoutReference), PageText.T("请填写银行流水号。", "Enter the bank reference."));
        if (!DateOnly.TryParseExact(PaidOn, "yyyy-MM-dd", out var paidOn)) ModelState.AddModelError(nameof(PaidOn), PageText.T("请按 年-月-日 填写日期。", "Enter the date as year-month-day."));
        return ActAsync(programmeId, batchId, () => new PayBatch(batchId, PayoutReference!.Trim(), paidOn), PageText.T("已登记整批支付。", "The batch's payment is recorded."));
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid programmeId, Guid batchId)
    {
        if (!await LoadAsync(programmeId, batchId)) return NotFound();
        var line = Batch!.Lines.FirstOrDefault(l => l.DisbursementId == LineId);
        if (line is null) ModelState.AddModelError(nameof(LineId), PageText.T("请选择要驳回的学生。", "Choose the student to reject."));
        if (string.IsNullOrWhiteSpace(Reason)) ModelState.AddModelError(nameof(Reason), PageText.T("请填写驳回原因。", "Give the reason."));
        if (!ModelState.IsValid) return Page();
        HttpContext.RequestServices.GetRequiredService<IdempotencyKey>().Set("page-form:" + FormId);
        if (await TrySendAsync(new RejectDisbursement(line!.DisbursementId, Reason!.Trim()), ("reason", nameof(Reason))) is null)
        {
            await LoadAsync(programmeId, batchId);
            return Page();
        }
        Flash = PageText.T($"已驳回 {line.StudentCode}。", $"{line.StudentCode} is rejected.");
        return Redirect($"/console/{programmeId}/batches/{batchId}");
    }

    public Task<IActionResult> OnGetCsvAsync(Guid programmeId, Guid batchId) =>
        DownloadAsync(programmeId, batchId, new ExportBatchPaymentCsv(batchId));

    public Task<IActionResult> OnGetSheetAsync(Guid programmeId, Guid batchId) =>
        DownloadAsync(programmeId, batchId, new GetBatchSignatureSheet(batchId));

    private async Task<IActionResult> DownloadAsync(Guid programmeId, Guid batchId, Mediator.IQuery<BatchFile?> query)
    {
        if (!await LoadAsync(programmeId, batchId)) return NotFound();
        try
        {
            return await Sender.Send(query, HttpContext.RequestAborted) is { } file ? File(file.Content, file.ContentType, file.FileName) : NotFound();
        }
        catch (UnavailableException)
        {
            ModelState.AddModelError("", PageText.T("签领表 PDF 暂时无法生成：服务器上没有中文字体。请联系管理员。",
                "The signature sheet cannot be made now: the server has no Chinese font. Please tell an admin."));
            return Page();
        }
    }

    private async Task<IActionResult> ActAsync(Guid programmeId, Guid batchId, Func<Mediator.ICommand<BatchView>> command, string done)
    {
        if (!await LoadAsync(programmeId, batchId)) return NotFound();
        if (!ModelState.IsValid) return Page();
        HttpContext.RequestServices.GetRequiredService<IdempotencyKey>().Set("page-form:" + FormId);
        if (await TrySendAsync(command(), ("payoutReference", nameof(PayoutReference)), ("paidOn", nameof(PaidOn))) is null)
        {
            await LoadAsync(programmeId, batchId); // as it is now (another person may have acted)
            return Page();
        }
        Flash = done;
        return Redirect($"/console/{programmeId}/batches/{batchId}");
    }

    private async Task<bool> LoadAsync(Guid programmeId, Guid batchId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        Batch = Programme is null ? null : await Sender.Send(new GetBatch(batchId), ct);
        return Batch is not null && Batch.Summary.ProgrammeId == programmeId;
    }
}
