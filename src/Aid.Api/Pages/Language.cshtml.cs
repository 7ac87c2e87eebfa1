using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>The language switch: remembers the choice in the culture cookie (a year) and goes back to the page (local only).</summary>
public sealed class LanguageModel : AidPageModel
{
    public IActionResult OnGet(string? to, string? back)
    {
        var culture = to is "en" ? "en" : "zh-CN";
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = Request.IsHttps });
        return LocalRedirect(LocalOrHome(back));
    }
}
