using Aid.Application.DonorPortal;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Aid.Api.Pages.My;

/// <summary>
/// What every donor-portal page shares: the signed-in donor's details (every query is scoped to their own donor record by the
/// application, never by an id in the address), and their language. A donor who has not chosen a page language with the switch
/// gets theirs (donors.language): the culture cookie is set and the page asked for again, once.
/// </summary>
public abstract class MyPageModel : AidPageModel
{
    public MyDetails Me { get; private set; } = null!;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (await Sender.Send(new GetMyDetails(), HttpContext.RequestAborted) is not { } me)
        {
            context.Result = NotFound();
            return;
        }
        Me = me;
        if (!Request.Cookies.ContainsKey(CookieRequestCultureProvider.DefaultCookieName))
        {
            RememberLanguage(me.Language);
            if (HttpMethods.IsGet(Request.Method) && PageText.IsEnglish != (me.Language == "en"))
            {
                context.Result = LocalRedirect(Request.Path + Request.QueryString);
                return;
            }
        }
        await next();
    }

    /// <summary>Sets the culture cookie as the language switch does (a year).</summary>
    protected void RememberLanguage(string language) =>
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language == "en" ? "en" : "zh-CN")),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = Request.IsHttps });
}
