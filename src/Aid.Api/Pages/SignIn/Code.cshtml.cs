using Aid.Api.Infrastructure;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Aid.Api.Pages.SignIn;

/// <summary>Step two for a person with TOTP: only reachable with the step cookie the password step set (10 minutes).</summary>
[EnableRateLimiting(SignInPages.RateLimitPolicy)]
public sealed class CodeModel : AidPageModel
{
    [BindProperty] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await PageSessions.ReadStepAsync(HttpContext) is { Step: SignInPages.CodeStep } ? Page() : RedirectToPage("/SignIn/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        if (await PageSessions.ReadStepAsync(HttpContext) is not { Step: SignInPages.CodeStep } step) return RedirectToPage("/SignIn/Index");
        var outcome = await Sender.Send(new SignInWithCode(step.UserId, step.Stamp, Code ?? ""), HttpContext.RequestAborted);
        switch (outcome.Result)
        {
            case SignInStatus.Restart:
                await PageSessions.SignOutAsync(HttpContext);
                Flash = PageText.T("账户信息已变更，请重新登录。", "Your account changed since you began: please sign in again.");
                return RedirectToPage("/SignIn/Index");
            case SignInStatus.Failed:
                ModelState.AddModelError(nameof(Code), PageText.T("验证码不正确或已过期，请输入应用中当前显示的验证码。", "The code is not right or has expired: enter the code your app shows now."));
                return Page();
            case SignInStatus.LockedOut:
                await PageSessions.SignOutAsync(HttpContext);
                ModelState.AddModelError("", PageText.T(
                    $"验证失败次数过多，此账户已暂时锁定。请 {SignInRules.Lockout.TotalMinutes:0} 分钟后再试，或请管理员为您解锁。",
                    $"Too many failed attempts: this account is locked for now. Try again in {SignInRules.Lockout.TotalMinutes:0} minutes, or ask an admin to unlock it."));
                return Page();
        }
        return await SignInPages.ContinueAsync(this, outcome, step.ReturnUrl);
    }
}
