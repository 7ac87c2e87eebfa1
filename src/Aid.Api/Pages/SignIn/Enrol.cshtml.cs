using Aid.Api.Infrastructure;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Aid.Api.Pages.SignIn;

/// <summary>Enrolment forced by the organisation's policy, between the password and the session.</summary>
[EnableRateLimiting(SignInPages.RateLimitPolicy)]
public sealed class EnrolModel : AidPageModel
{
    [BindProperty] public string? Code { get; set; }
    public TotpEnrolment? Enrolment { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await PageSessions.ReadStepAsync(HttpContext) is not { Step: SignInPages.EnrolStep } step) return RedirectToPage("/SignIn/Index");
        Enrolment = await TrySendAsync(new BeginTotpEnrolment(step.UserId, step.Stamp));
        return Enrolment is null ? await RestartAsync() : Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? secret)
    {
        if (await PageSessions.ReadStepAsync(HttpContext) is not { Step: SignInPages.EnrolStep } step) return RedirectToPage("/SignIn/Index");
        var user = await TrySendAsync(new ConfirmTotpEnrolment(step.UserId, Code ?? "", step.Stamp), ("code", nameof(Code)));
        if (user is null && ModelState.ContainsKey("")) return await RestartAsync(); // the account changed since the password step
        if (user is null)
        {
            // The same pending secret again (it is still the one stored), so the person can retry with their app as it is.
            Enrolment = secret is null ? null : TotpPages.Again(secret, User.Identity?.Name);
            return Page();
        }
        await PageSessions.SignInAsync(HttpContext, user);
        return LocalRedirect(LocalOrHome(step.ReturnUrl));
    }

    private async Task<IActionResult> RestartAsync()
    {
        await PageSessions.SignOutAsync(HttpContext);
        Flash = PageText.T("账户信息已变更，请重新登录。", "Your account changed since you began: please sign in again.");
        return RedirectToPage("/SignIn/Index");
    }
}
