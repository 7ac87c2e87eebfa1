using Aid.Api.Infrastructure;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Account;

/// <summary>Enrol (after the password, a new secret confirmed by a code) or turn off (with the password) two-step sign-in.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Aid.Api.Pages.SignIn.SignInPages.RateLimitPolicy)]
public sealed class TotpModel : AidPageModel
{
    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? Password { get; set; }
    public bool Enabled { get; private set; }
    public TotpEnrolment? Enrolment { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostBeginAsync()
    {
        if (await ConfirmPasswordAsync(Password, nameof(Password))) Enrolment = await TrySendAsync(new BeginTotpEnrolment(Actor!.UserId));
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync([FromForm] string? secret)
    {
        var user = await TrySendAsync(new ConfirmTotpEnrolment(Actor!.UserId, Code ?? ""), ("code", nameof(Code)));
        if (user is null)
        {
            Enrolment = secret is null ? null : TotpPages.Again(secret, User.Identity?.Name);
            await LoadAsync();
            return Page();
        }
        await PageSessions.RenewAsync(HttpContext, user);
        Flash = PageText.T("两步验证已开启。下次登录时请输入应用中的验证码。", "Two-step sign-in is on. Your next sign-in asks for the code from the app.");
        return RedirectToPage("/Account/Index");
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        var user = await ConfirmPasswordAsync(Password, nameof(Password)) ? await TrySendAsync(new DisableTotp(Actor!.UserId)) : null;
        if (user is null)
        {
            await LoadAsync();
            return Page();
        }
        await PageSessions.RenewAsync(HttpContext, user);
        Flash = PageText.T("两步验证已关闭。", "Two-step sign-in is off.");
        return RedirectToPage("/Account/Index");
    }

    private async Task LoadAsync()
    {
        if (Actor is not null) Enabled = (await Sender.Send(new GetUser(Actor.UserId), HttpContext.RequestAborted))?.TotpEnabled == true;
    }
}
