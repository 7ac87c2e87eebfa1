using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Receipts;

/// <summary>
/// Issuing a receipt: for one gift (<c>?giftId=</c>, from the gift's page: the gift is shown and one button issues it), or an
/// annual receipt for a donor's gifts of a year to this programme (the donor found by name with a plain GET search, no script).
/// The form carries its own key, sent as the command's idempotency key: pressing twice issues one receipt.
/// </summary>
public sealed class NewReceiptModel(BusinessClock clock, IdempotencyKey idempotency) : AidPageModel
{
    private const int DonorChoiceLimit = 20;

    public ProgrammeView? Programme { get; private set; }
    public GiftView? Gift { get; private set; }
    public DonorView? GiftDonor { get; private set; }
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }
    public bool Searched { get; private set; }

    /// <summary>The receipt a gift already has (the refusal links to it).</summary>
    public string? ExistingNumber { get; private set; }

    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public string? GiftId { get; set; }
    [BindProperty] public string? Q { get; set; }
    [BindProperty] public string? DonorId { get; set; }
    [BindProperty] public string? Year { get; set; }
    [BindProperty] public string? IssuedOn { get; set; }
    [BindProperty] public string? Note { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? giftId, string? q, string? donorId, string? year)
    {
        if (!await LoadAsync(programmeId, giftId)) return NotFound();
        (Q, DonorId) = (q?.Trim(), donorId?.Trim());
        Year = string.IsNullOrWhiteSpace(year) ? (clock.Today().Year - 1).ToString() : year.Trim();
        FormKey = Guid.NewGuid().ToString();
        if (Gift is null) await LoadDonorsAsync();
        return Page();
    }

    /// <summary>A receipt for the gift shown.</summary>
    public async Task<IActionResult> OnPostGiftAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId, GiftId)) return NotFound();
        if (Gift is null) return NotFound();
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString();
        if (!ReadTerms(out var issuedOn, out var note)) return Page();
        if (await IssueAsync(new IssueReceipt(Gift.Id, null, issuedOn, note)) is { } receipt) return Issued(programmeId, receipt);
        return Page();
    }

    /// <summary>An annual receipt for the donor and year chosen.</summary>
    public async Task<IActionResult> OnPostAnnualAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId, null)) return NotFound();
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString();
        await LoadDonorsAsync();
        Guid donorId = default;
        if (string.IsNullOrWhiteSpace(DonorId) || !Guid.TryParse(DonorId, out donorId))
            ModelState.AddModelError(nameof(DonorId), PageText.T("请选择捐赠人（先在上面按名字查找）。", "Choose the donor (search by name above first)."));
        var year = 0;
        if (!int.TryParse(Year?.Trim(), System.Globalization.NumberStyles.None, null, out year) || year is < 2000 or > 2100)
            ModelState.AddModelError(nameof(Year), PageText.T("请输入四位数的年份，例如 2025。", "Enter a four-digit year, e.g. 2025."));
        else if (year > clock.Today().Year)
            ModelState.AddModelError(nameof(Year), PageText.T("年份不能晚于今年。", "The year cannot be after this year."));
        if (!ReadTerms(out var issuedOn, out var note) || !ModelState.IsValid) return Page();
        if (await IssueAsync(new IssueReceipt(null, new AnnualReceipt(donorId, year, programmeId), issuedOn, note)) is { } receipt)
            return Issued(programmeId, receipt);
        return Page();
    }

    /// <summary>The date (empty: today) and the 备注 (empty: none; at most 200 characters, no control characters).</summary>
    private bool ReadTerms(out DateOnly? issuedOn, out string? note)
    {
        note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim();
        var ok = ReadOptionalDate(IssuedOn, nameof(IssuedOn), out issuedOn);
        if (note is not null && (note.Length > 200 || TextRule.Problem(note) is not null))
        {
            ModelState.AddModelError(nameof(Note), PageText.T("备注最多 200 个字符，且不能含控制字符。", "A note has at most 200 characters and no control characters."));
            ok = false;
        }
        return ok;
    }

    private IActionResult Issued(Guid programmeId, ReceiptView receipt)
    {
        Flash = PageText.T($"已开具收据 {receipt.Number}（{PageText.Money(receipt.Total, receipt.Currency)}）。可以下载 PDF 交给捐赠人。",
            $"Receipt {receipt.Number} ({PageText.Money(receipt.Total, receipt.Currency)}) is issued. Download the PDF for the donor.");
        return Redirect($"/console/{programmeId}/receipts/{receipt.Number}");
    }

    private async Task<ReceiptView?> IssueAsync(IssueReceipt command)
    {
        idempotency.Set($"page-receipt-{FormKey}");
        try
        {
            return await Sender.Send(command, HttpContext.RequestAborted);
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T("这张表单已经开具过一张收据，不能再用它开具另一张。请在收据列表中核对；如确实还需要，请再次点击按钮（表单已更新）。",
                "This form has already issued a receipt and cannot issue another. Check the receipts; if another is really needed, press the button again (the form is renewed)."));
            FormKey = Guid.NewGuid().ToString();
        }
        catch (ConflictException e) when (e.Details.TryGetValue("receiptNumber", out var existing))
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
            ExistingNumber = existing as string;
        }
        catch (UnavailableException)
        {
            ModelState.AddModelError("", PageText.T("暂时无法开具收据：服务器上没有中文字体。请联系管理员。", "Receipts cannot be issued now: the server has no Chinese font. Please tell an admin."));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
                foreach (var message in messages)
                    ModelState.AddModelError(field switch { "issuedOn" => nameof(IssuedOn), "note" => nameof(Note), _ => "" }, PageText.Message(message));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        return null;
    }

    /// <summary>The programme, and the gift when one is named (a gift of another programme is not found here).</summary>
    private async Task<bool> LoadAsync(Guid programmeId, string? giftId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        if (string.IsNullOrWhiteSpace(giftId)) return true;
        if (!Guid.TryParse(giftId, out var id)) return false;
        Gift = await Sender.Send(new GetGift(id), ct);
        if (Gift is null || Gift.ProgrammeId != programmeId) return false;
        GiftId = Gift.Id.ToString();
        GiftDonor = await Sender.Send(new GetDonor(Gift.DonorId), ct);
        return true;
    }

    /// <summary>The donors matching the name searched for (one is chosen at once), and the chosen one when it is not among them.</summary>
    private async Task LoadDonorsAsync()
    {
        var ct = HttpContext.RequestAborted;
        var choices = new List<DonorView>();
        Q = Q?.Trim();
        if (!string.IsNullOrEmpty(Q))
        {
            Searched = true;
            if (Q.Length > 100 || TextRule.Problem(Q) is not null)
                ModelState.AddModelError(nameof(Q), PageText.T("请输入捐赠人名字中的几个字（最多 100 个字符）。", "Type part of the donor's name (at most 100 characters)."));
            else
            {
                var found = await Sender.Send(new ListDonors(Q, null, DonorChoiceLimit, null), ct);
                choices.AddRange(found.Items);
                MoreDonorChoices = found.NextCursor is not null;
            }
        }
        if (Guid.TryParse(DonorId, out var chosen) && choices.All(d => d.Id != chosen))
        {
            if (await Sender.Send(new GetDonor(chosen), ct) is { } donor) choices.Insert(0, donor);
            else DonorId = null;
        }
        if (choices.Count == 1 && string.IsNullOrEmpty(DonorId)) DonorId = choices[0].Id.ToString();
        DonorChoices = choices;
    }
}
