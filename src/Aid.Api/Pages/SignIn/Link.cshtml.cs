using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Aid.Api.Pages.SignIn;

/// <summary>
/// A one-time link (invitation, password reset, first admin, donor sign-in). Opening it changes nothing (mail scanners follow
/// links); the form's POST uses it.
/// </summary>
[EnableRateLimiting(SignInPages.RateLimitPolicy)]
public sealed class LinkModel : AidPageModel
{
    [FromRoute] public string Token { get; set; } = "";
    [BindProperty] public string? Login { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }
    public UserLinkView? Link { get; private set; }

    public async Task OnGetAsync() => Link = await DescribeAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        Link = await DescribeAsync();
        if (Link is null) return Page();
        SignInOutcome? outcome;
        if (Link.Purpose == LinkPurpose.Password)
        {
            if (!Aid.Api.Infrastructure.PageSessions.IsSecureEnough(HttpContext))
            {
                ModelState.AddModelError("", PageText.T("为保护您的密码，请通过 HTTPS 地址打开此链接。", "To protect your password, open this link over an https address."));
                return Page();
            }
            if (Link.NeedsLogin && string.IsNullOrWhiteSpace(Login))
                ModelState.AddModelError(nameof(Login), PageText.T("请输入您的电子邮箱。", "Enter your e-mail address."));
            if (NewPassword != ConfirmPassword)
                ModelState.AddModelError(nameof(ConfirmPassword), PageText.T("两次输入的密码不一致。", "The two passwords differ."));
            if (!ModelState.IsValid) return Page();
            outcome = await TrySendAsync(new SetPasswordWithLink(Token, Link.NeedsLogin ? Login : null, NewPassword ?? ""),
                ("login", nameof(Login)), ("newPassword", nameof(NewPassword)));
        }
        else
        {
            outcome = await TrySendAsync(new SignInWithLink(Token));
        }
        if (outcome is null) return Page();
        if (outcome.Result is SignInStatus.Failed or SignInStatus.LockedOut) Link = null;
        return await SignInPages.ContinueAsync(this, outcome, outcome.User?.Role == Aid.Application.Common.Roles.Donor ? "/my" : "/account");
    }

    private async Task<UserLinkView?> DescribeAsync() =>
        Token.Length is > 0 and <= 100 ? await Sender.Send(new DescribeUserLink(Token), HttpContext.RequestAborted) : null;
}
