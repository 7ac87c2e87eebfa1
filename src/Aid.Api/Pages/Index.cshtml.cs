using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>The home address: the console for admins and managers, the account page for others (their areas come later), else sign-in.</summary>
public sealed class IndexModel : AidPageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(PageSessions.Scheme);
        if (!session.Succeeded) return RedirectToPage("/SignIn/Index");
        return Actor?.Role is "admin" or "manager" ? RedirectToPage("/Console/Index") : RedirectToPage("/Account/Index");
    }
}
