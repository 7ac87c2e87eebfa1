using Aid.Application.ApiKeys;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Account;

/// <summary>The signed-in person's account: who they are, their second factor, and their API keys (revocable here).</summary>
public sealed class AccountModel : AidPageModel
{
    public UserView? Me { get; private set; }
    public IReadOnlyList<ApiKeyView> Keys { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Me is null ? RedirectToPage("/SignIn/Index") : Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId)
    {
        await TrySendAsync(new RevokeMyKey(keyId));
        if (ModelState.IsValid)
        {
            Flash = PageText.T("密钥已吊销，使用它的程序将立即无法访问。", "The key is revoked: programs using it are refused from now on.");
            return RedirectToPage();
        }
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        if (Actor is null) return;
        Me = await Sender.Send(new GetUser(Actor.UserId), HttpContext.RequestAborted);
        Keys = await Sender.Send(new ListMyKeys(), HttpContext.RequestAborted);
    }
}
