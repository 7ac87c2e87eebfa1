using Aid.Api.Infrastructure;
using Aid.Api.Pages.SignIn;
using Aid.Application.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Aid.Api.Pages.My;

/// <summary>
/// Donors sign in without a password: they type their e-mail and get a one-time link (15 minutes, single use). The answer is the
/// same whether or not the address belongs to a donor (no enumeration), and the page is rate-limited like the other sign-in pages.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(SignInPages.RateLimitPolicy)]
public sealed class SignInModel : AidPageModel
{
    [BindProperty] public string? Email { get; set; }

    /// <summary>The address the last request was for, shown in the answer (from the flash, so a reload does not send again).</summary>
    [TempData] public string? SentTo { get; set; }

    public IActionResult OnGet()
    {
        if (PageSessions.UserId(User) is not null && Actor is { Role: Aid.Application.Common.Roles.Donor }) return Redirect("/my");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Logins.IsEmail(Email))
        {
            ModelState.AddModelError(nameof(Email), PageText.T("请输入您的电子邮箱，例如 name@example.com。", "Enter your e-mail address, such as name@example.com."));
            return Page();
        }
        await Sender.Send(new RequestDonorSignInLink(Email!.Trim()), HttpContext.RequestAborted);
        SentTo = Email.Trim();
        return RedirectToPage();
    }
}
