using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>
/// The home address: the signed-in person's home — the account page for staff (the console is one link away), the auditor area for
/// auditors, the donor portal for donors — else sign-in.
/// </summary>
public sealed class IndexModel : AidPageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(PageSessions.Scheme);
        if (!session.Succeeded) return RedirectToPage("/SignIn/Index");
        return Actor?.Role switch
        {
            Aid.Application.Common.Roles.Donor => Redirect("/my"),
            Aid.Application.Common.Roles.Auditor => Redirect("/audit"),
            _ => RedirectToPage("/Account/Index"),
        };
    }
}
