using Aid.Application.Users;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// The sign-in pages in Chromium on real Kestrel: password, TOTP enrolment and code, wrong code and lockout with their messages,
/// sign-out, a disabled person's open session, the first admin's one-time link and the admin users page; axe on every page.
/// </summary>
public sealed class SignInPageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_person_signs_in_with_a_password_sees_their_account_and_signs_out(Engine engine)
    {
        var app = await apps.For(engine);
        var person = await app.PersonAsync("manager", [(await app.Admin().CreateProgramme()).Id()]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;

        await page.GotoAsync("/account");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2Faccount"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();

        await page.SignInWithAsync(person.Login!, Accounts.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = person.DisplayName })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "角色 项目经理" })).ToBeVisibleAsync();
        await page.Locator("body").AssertGlyphsRenderAsync();
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("您已安全退出。");
        await page.GotoAsync("/account");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task Enrolling_TOTP_then_signing_in_asks_for_the_code_and_refuses_a_wrong_one(Engine engine)
    {
        var app = await apps.For(engine);
        var person = await app.PersonAsync("auditor", [(await app.Admin().CreateProgramme()).Id()]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInWithAsync(person.Login!, Accounts.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/audit$")); // an auditor lands in the auditor area
        await page.GotoAsync("/account");

        await page.GetByRole(AriaRole.Link, new() { Name = "开启两步验证" }).ClickAsync();
        await page.GetByLabel("输入密码以开始设置").FillAsync("not my password");
        await page.GetByRole(AriaRole.Button, new() { Name = "开始设置" }).ClickAsync();
        await Expect(page.Locator("#Password-error")).ToHaveTextAsync("密码不正确。"); // a stolen session alone cannot enrol a device
        await page.GetByLabel("输入密码以开始设置").FillAsync(Accounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "开始设置" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "两步验证设置二维码（无法扫描时请手动输入下方密钥）" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        var secret = await page.Locator("code.secret").InnerTextAsync();
        await page.GetByLabel("输入应用显示的 6 位验证码").FillAsync(Accounts.TotpCode(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "确认开启" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("两步验证已开启");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "两步验证 已开启" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await page.SignInWithAsync(person.Login!, Accounts.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin/code$"));
        await page.AssertAccessibleAsync();
        await page.GetByLabel("6 位验证码").FillAsync(Accounts.TotpCode(secret, -10)); // five minutes old
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并登录" }).ClickAsync();
        await Expect(page.Locator("#Code-error")).ToHaveTextAsync("验证码不正确或已过期，请输入应用中当前显示的验证码。");
        await Expect(page.GetByLabel("6 位验证码")).ToHaveAttributeAsync("aria-invalid", "true");

        // The code of the next step: the one used for enrolment cannot be used again (no replay).
        await page.GetByLabel("6 位验证码").FillAsync(Accounts.TotpCode(secret, 1));
        await page.GetByRole(AriaRole.Button, new() { Name = "验证并登录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/audit$"));
        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = person.DisplayName })).ToBeVisibleAsync();
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task Five_wrong_passwords_lock_the_account_and_an_unknown_login_reads_the_same(Engine engine)
    {
        var app = await apps.For(engine);
        var person = await app.PersonAsync("manager", [(await app.Admin().CreateProgramme()).Id()]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;

        await page.SignInWithAsync(person.Login!, "wrong password 1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("电子邮箱或密码不正确。");
        await page.AssertAccessibleAsync();
        for (var i = 2; i <= SignInRules.MaxFailures; i++) await page.SignInWithAsync(person.Login!, $"wrong password {i}");
        var locked = "登录失败次数过多，此账户已暂时锁定。请 15 分钟后再试，或请管理员为您解锁。";
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(locked);
        await page.SignInWithAsync(person.Login!, Accounts.Password); // the right password, while locked
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(locked);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin$"));

        // A login nobody has: the same answers after the same number of tries (nothing tells which logins exist).
        for (var i = 1; i < SignInRules.MaxFailures; i++) await page.SignInWithAsync("nobody@example.org", $"guess {i}");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("电子邮箱或密码不正确。");
        await page.SignInWithAsync("nobody@example.org", "guess 5");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(locked);

        // An admin unlocks: the right password works again.
        await app.SendAsync(new EnableUser(person.Id), await app.AdminActorAsync());
        await page.SignInWithAsync(person.Login!, Accounts.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account$"));
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_disabled_persons_open_session_ends_at_their_next_request(Engine engine)
    {
        var app = await apps.For(engine);
        var person = await app.PersonAsync("manager", [(await app.Admin().CreateProgramme()).Id()]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInWithAsync(person.Login!, Accounts.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = person.DisplayName })).ToBeVisibleAsync();

        await app.SendAsync(new DisableUser(person.Id), await app.AdminActorAsync());
        await page.ReloadAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2Faccount"));
        await page.SignInWithAsync(person.Login!, Accounts.Password);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("电子邮箱或密码不正确。");
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task The_first_admin_sets_up_by_the_one_time_link_then_adds_a_person_on_the_users_page(Engine engine)
    {
        var app = await apps.For(engine);
        await app.Admin().CreateProgramme(); // the new person is scoped to a programme (whatever order this class's tests run in)
        var admin = await app.AdminActorAsync();
        var link = await app.SendAsync(new IssueUserLink(admin.UserId, LinkPurpose.Password), admin);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;

        await page.GotoAsync(link.Path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "设置密码" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        var login = $"admin-{Guid.NewGuid():N}@example.org";
        await page.GetByLabel("电子邮箱（今后用它登录）").FillAsync(login);
        await page.GetByLabel("新密码", new() { Exact = false }).First.FillAsync("short");
        await page.GetByLabel("再次输入新密码").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存密码并登录" }).ClickAsync();
        await Expect(page.Locator("#NewPassword-error")).ToContainTextAsync("10");
        await page.GetByLabel("新密码", new() { Exact = false }).First.FillAsync(Accounts.Password);
        await page.GetByLabel("再次输入新密码").FillAsync(Accounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "保存密码并登录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account$"));

        // Used once: the same link now says so.
        await page.GotoAsync(link.Path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "链接无效或已过期" })).ToBeVisibleAsync();

        await page.GotoAsync("/admin/users");
        await page.AssertAccessibleAsync();
        await page.GetByLabel("姓名", new() { Exact = true }).FillAsync("赵新同事");
        await page.GetByLabel("登录邮箱").FillAsync("not an e-mail");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加并生成链接" }).ClickAsync();
        await Expect(page.Locator("[id='NewUser.Login-error']")).ToBeVisibleAsync();
        await page.GetByLabel("登录邮箱").FillAsync($"zhao-{Guid.NewGuid():N}@example.org");
        await page.GetByLabel("角色", new() { Exact = true }).SelectOptionAsync("auditor");
        await page.GetByRole(AriaRole.Group, new() { Name = "可访问的项目（项目经理、审计员）" }).GetByRole(AriaRole.Checkbox).First.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "添加并生成链接" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("已添加 赵新同事");
        var newLink = await page.Locator("code.secret").InnerTextAsync();
        Assert.StartsWith(app.BaseAddress.ToString().TrimEnd('/') + "/signin/link/", newLink);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "赵新同事" })).ToContainTextAsync("审计员");
        await page.AssertAccessibleAsync();
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task The_language_switch_shows_the_pages_in_English(Engine engine)
    {
        var app = await apps.For(engine);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
    }
}
