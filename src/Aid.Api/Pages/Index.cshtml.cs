using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>The home address: the signed-in person's account (the console is one link away for staff), else sign-in.</summary>
public sealed class IndexModel : AidPageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(PageSessions.Scheme);
        if (!session.Succeeded) return RedirectToPage("/SignIn/Index");
        return RedirectToPage("/Account/Index");
    }
}
