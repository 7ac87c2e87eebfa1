using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Application.ReceiptRuns;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Receipts.Runs;

/// <summary>
/// Starting a receipt run: a year and one receipt per gift or one annual receipt per donor. The run works in the background
/// (<see cref="ReceiptRunWorker"/>); the page goes on to the run's progress. One run at a time per programme: a second start
/// links to the run at work. The form's own key makes a double press start one run.
/// </summary>
public sealed class NewReceiptRunModel(BusinessClock clock, IdempotencyKey idempotency) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public ReceiptRunView? ActiveRun { get; private set; }

    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public string? Year { get; set; }
    [BindProperty] public string? Kind { get; set; }

    public static IReadOnlyList<string> Kinds { get; } = [ReceiptRunKinds.PerGift, ReceiptRunKinds.Annual];

    public async Task<IActionResult> OnGetAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        (Year, Kind, FormKey) = ((clock.Today().Year - 1).ToString(), ReceiptRunKinds.PerGift, Guid.NewGuid().ToString());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString();
        if (!int.TryParse(Year?.Trim(), System.Globalization.NumberStyles.None, null, out var year) || year is < 2000 or > 2100)
            ModelState.AddModelError(nameof(Year), PageText.T("请输入四位数的年份，例如 2025。", "Enter a four-digit year, e.g. 2025."));
        else if (year > clock.Today().Year)
            ModelState.AddModelError(nameof(Year), PageText.T("年份不能晚于今年。", "The year cannot be after this year."));
        if (Kind is null || !Kinds.Contains(Kind))
            ModelState.AddModelError(nameof(Kind), PageText.T("请选择开具方式。", "Choose how receipts are issued."));
        if (!ModelState.IsValid) return Page();

        idempotency.Set($"page-receipt-run-{FormKey}");
        try
        {
            var run = await Sender.Send(new CreateReceiptRun(programmeId, year, Kind!), HttpContext.RequestAborted);
            HttpContext.RequestServices.GetRequiredService<WorkerWake<ReceiptRunWorker>>().Signal();
            Flash = run.Total == 0
                ? PageText.T($"{year} 年没有尚需开具收据的捐赠：这次没有开具任何收据。", $"No gift of {year} still needs a receipt: this run issues none.")
                : PageText.T($"已开始为 {year} 年开具 {run.Total} 张收据。可以离开这个页面，开具会在后台继续。", $"Issuing {run.Total} receipts for {year} has begun. You may leave this page: the run goes on in the background.");
            return Redirect($"/console/{programmeId}/receipts/runs/{run.Id}");
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T("这张表单已经开始过一次批量开具。请在收据页面查看进度。", "This form has already started a run. See its progress on the receipts page."));
            FormKey = Guid.NewGuid().ToString();
        }
        catch (ConflictException e) when (e.Details.ContainsKey("runId"))
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        catch (UnavailableException)
        {
            ModelState.AddModelError("", PageText.T("暂时无法开具收据：服务器上没有中文字体。请联系管理员。", "Receipts cannot be issued now: the server has no Chinese font. Please tell an admin."));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            foreach (var message in messages)
                ModelState.AddModelError(field.Equals("kind", StringComparison.OrdinalIgnoreCase) ? nameof(Kind) : field.Equals("year", StringComparison.OrdinalIgnoreCase) ? nameof(Year) : "",
                    PageText.Message(message));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        ActiveRun = await ReceiptPages.ActiveRunAsync(Sender, programmeId, HttpContext.RequestAborted);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid programmeId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        ActiveRun = await ReceiptPages.ActiveRunAsync(Sender, programmeId, ct);
        return true;
    }
}
