using Aid.Api.Infrastructure;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Aid.Api.Pages.SignIn;

/// <summary>
/// Step one: e-mail and password. Every failure reads the same ("e-mail or password is not right"), and the lock message
/// appears after the same number of failures for a login that does not exist as for one that does (<see cref="SignInThrottle"/>).
/// The database decides for real accounts (so an admin's unlock takes effect at once); the throttle only speaks for failures.
/// </summary>
[EnableRateLimiting(SignInPages.RateLimitPolicy)]
public sealed class SignInModel(SignInThrottle throttle) : AidPageModel
{
    [BindProperty] public string? Login { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public IActionResult OnGet()
    {
        if (PageSessions.UserId(User) is not null && Actor is not null) return LocalRedirect(LocalOrHome(ReturnUrl));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!PageSessions.IsSecureEnough(HttpContext))
        {
            ModelState.AddModelError("", PageText.T("为保护您的密码，请通过 HTTPS 地址登录。", "To protect your password, sign in over an https address."));
            return Page();
        }
        if (string.IsNullOrWhiteSpace(Login)) ModelState.AddModelError(nameof(Login), PageText.T("请输入电子邮箱。", "Enter your e-mail address."));
        if (string.IsNullOrEmpty(Password)) ModelState.AddModelError(nameof(Password), PageText.T("请输入密码。", "Enter your password."));
        if (!ModelState.IsValid) return Page();

        var outcome = await PasswordSignIn.RunAsync(Sender, Login!.Trim(), null, Password!, PasswordUse.SignIn, HttpContext.RequestAborted);
        Password = null;
        switch (outcome.Result)
        {
            case SignInStatus.Failed:
                return throttle.Fail(Login!) ? Locked() : Wrong();
            case SignInStatus.LockedOut:
                throttle.Fail(Login!);
                return Locked();
        }
        throttle.Succeed(Login!);
        return await SignInPages.ContinueAsync(this, outcome, ReturnUrl);
    }

    private PageResult Wrong()
    {
        ModelState.AddModelError("", PageText.T("电子邮箱或密码不正确。", "The e-mail address or password is not right."));
        return Page();
    }

    private PageResult Locked()
    {
        ModelState.AddModelError("", PageText.T(
            $"登录失败次数过多，此账户已暂时锁定。请 {SignInRules.Lockout.TotalMinutes:0} 分钟后再试，或请管理员为您解锁。",
            $"Too many failed sign-ins: this account is locked for now. Try again in {SignInRules.Lockout.TotalMinutes:0} minutes, or ask an admin to unlock it."));
        return Page();
    }
}

/// <summary>What every sign-in page does once a step succeeded: the next step, or the session.</summary>
internal static class SignInPages
{
    public const string RateLimitPolicy = "signin";
    public const string CodeStep = "code";
    public const string EnrolStep = "enrol";

    /// <summary>Over the limit: the JSON API gets its problem (429), a page a short page in the reader's language.</summary>
    public static async ValueTask TooManyAsync(HttpContext http, CancellationToken ct)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = "60";
        if (http.Request.Path.StartsWithSegments("/api")) return;
        http.Response.ContentType = "text/html; charset=utf-8";
        var english = http.Request.Cookies[Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.DefaultCookieName]?.Contains("c=en") == true;
        await http.Response.WriteAsync(english
            ? "<!DOCTYPE html><html lang=\"en\"><title>Too many attempts</title><h1>Too many attempts</h1><p>Wait a minute, then <a href=\"/signin\">try again</a>.</p></html>"
            : "<!DOCTYPE html><html lang=\"zh-CN\"><title>尝试过于频繁</title><h1>尝试过于频繁</h1><p>请等待一分钟后<a href=\"/signin\">再试</a>。</p></html>", ct);
    }

    public static async Task<IActionResult> ContinueAsync(AidPageModel page, SignInOutcome outcome, string? returnUrl)
    {
        var local = !string.IsNullOrEmpty(returnUrl) && page.Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        switch (outcome.Result)
        {
            case SignInStatus.SignedIn:
                await PageSessions.SignInAsync(page.HttpContext, outcome.User!);
                return page.LocalRedirect(local);
            case SignInStatus.NeedsCode:
                await PageSessions.BeginStepAsync(page.HttpContext, outcome.User!, CodeStep, local);
                return page.RedirectToPage("/SignIn/Code");
            case SignInStatus.MustEnrolTotp:
                await PageSessions.BeginStepAsync(page.HttpContext, outcome.User!, EnrolStep, local);
                return page.RedirectToPage("/SignIn/Enrol");
            default:
                page.ModelState.AddModelError("", outcome.Result == SignInStatus.LockedOut
                    ? PageText.T("此账户已暂时锁定，请稍后再试。", "This account is locked for now; try again later.")
                    : PageText.T("登录未成功，请重新登录。", "The sign-in did not succeed; please sign in again."));
                return page.Page();
        }
    }
}
