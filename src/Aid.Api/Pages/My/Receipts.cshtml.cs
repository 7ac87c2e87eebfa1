using Aid.Application.Common;
using Aid.Application.DonorPortal;
using Aid.Application.Receipts;
using Aid.Application.Statements;
using Aid.Infrastructure.Statements;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.My;

/// <summary>
/// The donor's receipts with their PDFs (DownloadReceipt: the donor's first download of a receipt that was not e-mailed is the
/// original, every other one a copy), the annual receipt for a year on request, and the annual statement PDF. A receipt number
/// or year in the address reaches only the donor's own: another donor's receipt is not found (404).
/// </summary>
public sealed class ReceiptsModel(DonorStatementPdf statementPdf) : MyPageModel
{
    public const int PageSize = 50;

    public Page<ReceiptView> Receipts { get; private set; } = new([], null);
    public string? Cursor { get; private set; }
    [BindProperty] public int? Year { get; set; }

    public async Task<IActionResult> OnGetAsync(string? cursor)
    {
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        await LoadAsync();
        return Page();
    }

    /// <summary>A receipt's PDF: only the donor's own (anything else reads as not found).</summary>
    public async Task<IActionResult> OnGetPdfAsync(string? number)
    {
        if (string.IsNullOrWhiteSpace(number) || number.Length > 40) return NotFound();
        // Razor answers HEAD with the GET handler: a download manager's HEAD must not use up the donor's original.
        if (HttpMethods.IsHead(Request.Method)) return StatusCode(StatusCodes.Status405MethodNotAllowed);
        try
        {
            var download = await Sender.Send(new DownloadReceipt(number), HttpContext.RequestAborted);
            return File(download.Pdf, "application/pdf", $"{number}.pdf");
        }
        catch (NotFoundException)
        {
            return NotFound();
        }
        catch (UnavailableException)
        {
            return await Unavailable();
        }
    }

    /// <summary>The annual statement of a year (PDF): gifts, receipts, pledges and what the gifts paid for.</summary>
    public async Task<IActionResult> OnGetStatementAsync(int? year)
    {
        if (year is not (>= 2000 and <= 2100)) return NotFound();
        try
        {
            var statement = await Sender.Send(new GetDonorStatement(Me.DonorId, year.Value), HttpContext.RequestAborted);
            if (statement is null) return NotFound();
            return File(statementPdf.Render(statement), "application/pdf", $"donor-statement-{year}.pdf");
        }
        catch (UnavailableException)
        {
            return await Unavailable();
        }
    }

    public async Task<IActionResult> OnPostAnnualAsync()
    {
        if (Year is not { } year)
        {
            ModelState.AddModelError(nameof(Year), PageText.T("请选择年份。", "Choose a year."));
            await LoadAsync();
            return Page();
        }
        try
        {
            var receipt = await TrySendAsync(new RequestAnnualReceipt(year), ("year", nameof(Year)));
            if (receipt is null)
            {
                await LoadAsync();
                return Page();
            }
            Flash = PageText.T($"已开具 {year} 年度收据 {receipt.Number}（{PageText.Money(receipt.Total, receipt.Currency)}）。",
                $"Annual receipt {receipt.Number} for {year} issued ({PageText.Money(receipt.Total, receipt.Currency)}).");
            return RedirectToPage();
        }
        catch (UnavailableException)
        {
            return await Unavailable();
        }
    }

    private async Task<IActionResult> Unavailable()
    {
        ModelState.AddModelError("", PageText.T("PDF 暂时无法生成：服务器上没有中文字体。请联系机构。", "The PDF cannot be made now: the server has no Chinese font. Please tell the organisation."));
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            Receipts = await Sender.Send(new ListReceipts(null, null, null, PageSize, Cursor), ct);
        }
        catch (InputException)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            Receipts = await Sender.Send(new ListReceipts(null, null, null, PageSize, null), ct);
        }
        Year ??= Me.GiftYears.FirstOrDefault(y => y < DateTime.UtcNow.AddHours(8).Year) is > 0 and var last ? last : Me.GiftYears.FirstOrDefault();
    }
}
