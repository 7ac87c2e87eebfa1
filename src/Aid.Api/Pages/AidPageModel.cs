using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Users;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Aid.Api.Pages;

/// <summary>
/// What every page shares: the Mediator (pages send the same commands and queries as the API), the signed-in actor, a flash
/// message that survives the redirect after a POST, and the application's refusals turned into messages beside the fields.
/// </summary>
public abstract class AidPageModel : PageModel
{
    protected ISender Sender => HttpContext.RequestServices.GetRequiredService<ISender>();

    /// <summary>The signed-in person (set by the session check), or null on the public pages.</summary>
    public Actor? Actor => HttpContext.Items[HttpActor.ItemKey] as Actor;

    [TempData] public string? Flash { get; set; }

    /// <summary>A warning for the next page: done, but something needs a look (e.g. a name with a character no font prints).</summary>
    [TempData] public string? FlashWarning { get; set; }

    /// <summary>
    /// The warning for a donor name with characters no installed font prints (receipts would show □ for them). Each character
    /// is named by its code point too: the browser may have no glyph for it either.
    /// </summary>
    protected static string? UnprintableWarning(IReadOnlyList<string>? characters)
    {
        if (characters is not { Count: > 0 }) return null;
        var named = characters.Select(c => $"{c}（U+{char.ConvertToUtf32(c, 0):X4}）").ToList();
        return PageText.T($"注意：名字中的 {string.Join("、", named)} 没有可用的字体，收据和报表上会印成 □。请核对写法（例如换用通用字形），或请管理员安装覆盖该字的字体。",
            $"Note: no installed font has {string.Join(", ", named)} of this name; receipts and statements would print □. Check the writing (a common variant?) or ask an admin to install a font that has it.");
    }

    /// <summary>
    /// Runs a command; on a refusal the message lands beside its field (or at the top) and the page is shown again, nothing changed.
    /// <paramref name="fields"/> maps the application's field names to this form's input names (case is ignored).
    /// </summary>
    protected async Task<T?> TrySendAsync<T>(ICommand<T> command, params (string Field, string Input)[] fields)
    {
        try
        {
            return await Sender.Send(command, HttpContext.RequestAborted);
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                var input = fields.FirstOrDefault(f => string.Equals(f.Field, field, StringComparison.OrdinalIgnoreCase)).Input ?? "";
                foreach (var message in messages) ModelState.AddModelError(input, PageText.Message(message));
            }
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        return default;
    }

    /// <summary>
    /// The signed-in person confirms their password before a change (wrong ones count towards the lockout). On a wrong one the
    /// message lands beside <paramref name="field"/>; when that locks the account, the session ends too.
    /// </summary>
    protected async Task<bool> ConfirmPasswordAsync(string? password, string field)
    {
        if (Actor is null) return false;
        if (string.IsNullOrEmpty(password))
        {
            ModelState.AddModelError(field, PageText.T("请输入密码。", "Enter your password."));
            return false;
        }
        var outcome = await PasswordSignIn.RunAsync(Sender, null, Actor.UserId, password, PasswordUse.Confirm, HttpContext.RequestAborted);
        switch (outcome.Result)
        {
            case SignInStatus.SignedIn:
                return true;
            case SignInStatus.LockedOut:
                await PageSessions.SignOutAsync(HttpContext);
                ModelState.AddModelError("", PageText.T("密码错误次数过多，此账户已暂时锁定，您已退出登录。", "Too many wrong passwords: this account is locked for now and you are signed out."));
                return false;
            default:
                ModelState.AddModelError(field, PageText.T("密码不正确。", "The password is not right."));
                return false;
        }
    }

    /// <summary>A local return address, or the home page (never an open redirect).</summary>
    protected string LocalOrHome(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    /// <summary>An optional business date typed on a page: empty is today (null), anything else must read as yyyy-MM-dd (else the message beside <paramref name="field"/>).</summary>
    protected bool ReadOptionalDate(string? text, string field, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", out var day)) { date = day; return true; }
        ModelState.AddModelError(field, PageText.T("请按 年-月-日 填写日期。", "Enter the date as year-month-day."));
        return false;
    }
}
