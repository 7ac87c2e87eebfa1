using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// The console's start and a programme's dashboard in Chromium: the programmes in the manager's scope, the balance figures,
/// the month chart with its text alternative and table, what waits for approval; other people's programmes and roles kept out.
/// </summary>
public sealed class ConsolePageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_manager_sees_their_programmes_and_a_dashboard_with_this_months_money(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd"); // the business date in Asia/Shanghai
        await admin.Give(MoneyScenario.Cash(programme, donor, "1234.50", receivedOn: today));
        var requester = app.Client(await admin.CreateKey("manager", [programme]));
        var student = await requester.Register(programme);
        await requester.PostJson("/api/v1/disbursements", new
        {
            programmeId = programme, studentId = student.Id(), academicYear = "2026-2027", term = "秋季学期", purpose = "助学金", amount = "500.00",
            channel = "bank_card", requestedOn = today,
        }).Expect(HttpStatusCode.Created);
        var person = await app.PersonAsync("manager", [programme]);

        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);
        await page.GetByRole(AriaRole.Link, new() { Name = "工作台" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "青系镇坪，雏鹰伴翔" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "别的项目" })).ToHaveCountAsync(0);
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "青系镇坪，雏鹰伴翔" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("青系镇坪，雏鹰伴翔");
        await Expect(page.Locator("dl.figures")).ToContainTextAsync("累计收到现金¥1,234.50");
        await Expect(page.Locator("dl.figures")).ToContainTextAsync("限定用途余额¥1,234.50");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "每月收到的捐款与支付的资助" })).ToBeVisibleAsync();
        await Expect(page.Locator("#flows-summary")).ToContainTextAsync("最近 12 个月共收到 ¥1,234.50，支付资助 ¥0.00");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = $"{today[..7]} ¥1,234.50 ¥0.00" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = student.Str("code") })).ToContainTextAsync("¥500.00");
        await page.Locator("main").AssertGlyphsRenderAsync();
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();

        // Another programme's dashboard reads as not found; an auditor has no console.
        var response = await page.GotoAsync($"/console/{other}");
        Assert.Equal(404, response!.Status);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_console_is_for_admins_and_managers_only(Engine engine)
    {
        var app = await apps.For(engine);
        var programme = (await app.Admin().CreateProgramme()).Id();
        var auditor = await app.PersonAsync("auditor", [programme]);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        // Anonymous: to sign-in.
        var anonymous = await client.GetAsync("/console", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/signin", anonymous.Headers.Location!.PathAndQuery);

        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(auditor.Login!);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "工作台" })).ToHaveCountAsync(0);
        await page.GotoAsync("/console");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "您没有权限查看此页面" })).ToBeVisibleAsync();
    }
}
