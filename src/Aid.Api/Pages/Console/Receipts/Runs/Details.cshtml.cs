using System.IO.Compression;
using Aid.Api.Endpoints;
using Aid.Application.Common;
using Aid.Application.Programmes;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Receipts.Runs;

/// <summary>
/// A receipt run's progress. The state is the server's: every load shows the run as it is now, so a reload in the middle shows
/// it still going. /js/receipt-run.js asks <c>?handler=Progress</c> (JSON, through the page session: the JSON API takes keys
/// only) every second and moves the bar; without script the "刷新" link does the same. When done: the counts and the ZIP of
/// every receipt the run issued (<c>?handler=Zip</c>, the originals, as the API's ZIP).
/// </summary>
public sealed class ReceiptRunDetailsModel(IReceiptRenderer renderer) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public ReceiptRunView? Run { get; private set; }

    public bool Finished => Run is { } run && ReceiptPages.Finished(run);

    /// <summary>The bar's maximum and value (a run of nothing, done, is a full bar).</summary>
    public (long Max, long Value) Bar => Run is not { } run ? (1, 0) : run.Total > 0 ? (run.Total, Math.Min(run.Done, run.Total)) : (1, Finished ? 1 : 0);

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid runId) =>
        await LoadAsync(programmeId, runId) ? Page() : NotFound();

    /// <summary>The progress for the script: what the page would show now.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid programmeId, Guid runId)
    {
        if (!await LoadAsync(programmeId, runId)) return NotFound();
        var run = Run!;
        var (max, value) = Bar;
        return new JsonResult(new RunProgress(run.Status, ReceiptPages.RunStatus(run.Status), run.Done, run.Total, run.Errors, max, value,
            ReceiptPages.Progress(run.Done, run.Total), Finished));
    }

    /// <summary>Every receipt the run issued, as PDFs in one ZIP (copies, as the API's ZIP; audited).</summary>
    public async Task<IActionResult> OnGetZipAsync(Guid programmeId, Guid runId)
    {
        if (!await LoadAsync(programmeId, runId)) return NotFound();
        var ct = HttpContext.RequestAborted;
        if (!renderer.Available)
        {
            ModelState.AddModelError("", PageText.T("收据 PDF 暂时无法生成：服务器上没有中文字体。请联系管理员。",
                "The receipt PDFs cannot be made now: the server has no Chinese font. Please tell an admin."));
            return Page();
        }
        if (await RunReceiptsZip.WriteAsync(Sender, renderer, runId, ct) is not { } file) return NotFound();
        return File(file, "application/zip", $"receipt-run-{Run!.Year}-{runId}.zip");
    }

    public string Link => $"/console/{Programme!.Id}/receipts/runs/{Run!.Id}";

    private async Task<bool> LoadAsync(Guid programmeId, Guid runId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        Run = await Sender.Send(new GetReceiptRun(runId), ct);
        return Run is not null && Run.ProgrammeId == programmeId;
    }

    /// <summary>What ?handler=Progress answers.</summary>
    public sealed record RunProgress(string Status, string StatusText, long Done, long Total, long Errors, long Max, long Value, string Text, bool Finished);
}
