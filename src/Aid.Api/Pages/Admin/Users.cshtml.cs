using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Programmes;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Admin;

/// <summary>
/// Admins: every person, the staff TOTP rule, adding a person (with their one-time password link, shown once), disabling,
/// enabling or unlocking, and a new password link.
/// </summary>
public sealed class UsersModel : AidPageModel
{
    public IReadOnlyList<UserView> Users { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public IReadOnlyList<ProgrammeView> Programmes { get; private set; } = [];
    public SecurityPolicyView Policy { get; private set; } = new(false);
    [BindProperty] public NewUserForm NewUser { get; set; } = new();
    [TempData] public string? NewLink { get; set; }

    public sealed class NewUserForm
    {
        public string? DisplayName { get; set; }
        public string? Login { get; set; }
        public string Role { get; set; } = "manager";
        public List<Guid> ProgrammeIds { get; set; } = [];
        public string? DonorId { get; set; }
        public string Language { get; set; } = "zh-CN";
    }

    public async Task OnGetAsync(string? cursor)
    {
        try
        {
            await LoadAsync(cursor);
        }
        catch (InputException) // a cursor that is not one of ours: the first page
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            await LoadAsync(null);
        }
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (string.IsNullOrWhiteSpace(NewUser.DisplayName)) ModelState.AddModelError("NewUser.DisplayName", PageText.T("请输入姓名。", "Enter the name."));
        else if (TextRule.Problem(NewUser.DisplayName) is { } problem) ModelState.AddModelError("NewUser.DisplayName", PageText.Message(problem));
        Guid? donorId = null;
        if (!string.IsNullOrWhiteSpace(NewUser.DonorId))
        {
            if (Guid.TryParse(NewUser.DonorId.Trim(), out var parsed)) donorId = parsed;
            else ModelState.AddModelError("NewUser.DonorId", PageText.T("捐赠人编号格式不正确。", "This is not a donor id."));
        }
        if (!Codes.TryParse<Role>(NewUser.Role, out var role)) ModelState.AddModelError("NewUser.Role", PageText.T("请选择角色。", "Choose a role."));
        if (ModelState.IsValid)
        {
            var created = await TrySendAsync(new CreateUser(NewUser.Login?.Trim() ?? "", NewUser.DisplayName!.Trim(), role,
                    role is Role.Manager or Role.Auditor ? NewUser.ProgrammeIds : [], role == Role.Donor ? donorId : null, NewUser.Language),
                ("login", "NewUser.Login"), ("programmeIds", "NewUser.ProgrammeIds"), ("donorId", "NewUser.DonorId"), ("displayName", "NewUser.DisplayName"));
            if (created is not null)
            {
                Flash = PageText.T($"已添加 {created.User.DisplayName}。", $"{created.User.DisplayName} is added.");
                NewLink = AbsoluteLink(created.PasswordLink);
                return RedirectToPage();
            }
        }
        await LoadAsync(null);
        return Page();
    }

    public Task<IActionResult> OnPostDisableAsync(Guid id) => ActAsync(new DisableUser(id), PageText.T("已停用，对方的登录和 API 密钥立即失效。", "Disabled: their sessions and API keys stop working now."));

    public Task<IActionResult> OnPostEnableAsync(Guid id) => ActAsync(new EnableUser(id), PageText.T("已启用。", "Enabled."));

    public async Task<IActionResult> OnPostResetAsync(Guid id)
    {
        var link = await TrySendAsync(new IssueUserLink(id, LinkPurpose.Password));
        if (link is null) { await LoadAsync(null); return Page(); }
        Flash = PageText.T("已生成重设密码链接（3 天内有效，只能使用一次）。", "A password link is made (valid 3 days, works once).");
        NewLink = AbsoluteLink(link);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPolicyAsync(bool staffTotpRequired)
    {
        if (await TrySendAsync(new SetSecurityPolicy(staffTotpRequired)) is null) { await LoadAsync(null); return Page(); }
        Flash = staffTotpRequired
            ? PageText.T("已要求工作人员使用两步验证：尚未开启的人会在下次登录时设置。", "Two-step sign-in is now required for staff: those without it set it up at their next sign-in.")
            : PageText.T("已不再强制要求两步验证。", "Two-step sign-in is no longer required.");
        return RedirectToPage();
    }

    private async Task<IActionResult> ActAsync(Mediator.ICommand<UserView> command, string done)
    {
        if (await TrySendAsync(command) is null) { await LoadAsync(null); return Page(); }
        Flash = done;
        return RedirectToPage();
    }

    private string AbsoluteLink(OneTimeLink link) => $"{Request.Scheme}://{Request.Host}{Request.PathBase}{link.Path}";

    private async Task LoadAsync(string? cursor)
    {
        var page = await Sender.Send(new ListUsers(50, cursor), HttpContext.RequestAborted);
        Users = page.Items;
        NextCursor = page.NextCursor;
        Programmes = (await Sender.Send(new ListProgrammes(null, null, 200, null), HttpContext.RequestAborted)).Items;
        Policy = await Sender.Send(new GetSecurityPolicy(), HttpContext.RequestAborted);
    }
}
