using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>The home address: the signed-in person's account (the consoles will start here), else sign-in.</summary>
public sealed class IndexModel : AidPageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(PageSessions.Scheme);
        return session.Succeeded ? RedirectToPage("/Account/Index") : RedirectToPage("/SignIn/Index");
    }
}
