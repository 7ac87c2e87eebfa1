using Aid.Api.Infrastructure;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Account;

/// <summary>Changing the password ends the person's other sessions (new stamp) and renews this one.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Aid.Api.Pages.SignIn.SignInPages.RateLimitPolicy)]
public sealed class PasswordModel : AidPageModel
{
    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (NewPassword != ConfirmPassword)
            ModelState.AddModelError(nameof(ConfirmPassword), PageText.T("两次输入的密码不一致。", "The two passwords differ."));
        if (!ModelState.IsValid || !await ConfirmPasswordAsync(CurrentPassword, nameof(CurrentPassword))) return Page();
        var user = await TrySendAsync(new ChangePassword(Actor!.UserId, NewPassword ?? ""), ("newPassword", nameof(NewPassword)));
        if (user is null) return Page();
        await PageSessions.RenewAsync(HttpContext, user);
        Flash = PageText.T("密码已修改。", "Your password is changed.");
        return RedirectToPage("/Account/Index");
    }
}
