using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>Ends the session (a POST with the antiforgery token, so no other site can sign a person out).</summary>
public sealed class SignOutModel : AidPageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await PageSessions.SignOutAsync(HttpContext);
        Flash = PageText.T("您已安全退出。", "You have signed out.");
        return RedirectToPage("/SignIn/Index");
    }
}
