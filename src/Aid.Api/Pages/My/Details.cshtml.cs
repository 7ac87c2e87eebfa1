using Aid.Application.DonorPortal;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.My;

/// <summary>
/// The donor's own details: e-mail (also their login: it must not be anyone else's), postal address and language; and whether
/// receipts come by e-mail.
/// </summary>
public sealed class DetailsModel : MyPageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public bool EmailReceipts { get; set; }

    public IActionResult OnGet()
    {
        Fill();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        EmailReceipts = Me.EmailReceipts;
        if (string.IsNullOrWhiteSpace(Email))
        {
            ModelState.AddModelError(nameof(Email), PageText.T("请输入电子邮箱：它也是您登录用的地址。", "Enter your e-mail address: you also sign in with it."));
            return Page();
        }
        var language = Language is "en" ? "en" : "zh-CN";
        await TrySendAsync(new UpdateMyDetails(Email.Trim(), Address, language),
            ("email", nameof(Email)), ("address", nameof(Address)), ("language", nameof(Language)));
        if (!ModelState.IsValid) return Page();
        RememberLanguage(language);
        Flash = language == "en" ? "Your details are saved." : "您的资料已保存。";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostReceiptsAsync()
    {
        await Sender.Send(new SetMyEmailReceipts(EmailReceipts), HttpContext.RequestAborted);
        Flash = EmailReceipts
            ? PageText.T("今后开具的收据会通过电子邮件发送给您。", "Receipts issued from now on will be e-mailed to you.")
            : PageText.T("今后开具的收据不再通过电子邮件发送；您可以在“收据与年度报告”中下载。", "Receipts will no longer be e-mailed; download them under Receipts and statements.");
        return RedirectToPage();
    }

    private void Fill()
    {
        Email = Me.Email ?? Me.Login;
        Address = Me.Address;
        Language = Me.Language;
        EmailReceipts = Me.EmailReceipts;
    }
}
