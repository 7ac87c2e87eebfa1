using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// Four eyes in the console: a manager requests a grant in the browser and cannot approve it; a second manager approves it and
/// cannot record its payment; the first records it. Each refusal is a message on the page; the balance moves only once.
/// </summary>
public sealed class DisbursementPageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_request_is_approved_by_a_second_manager_and_paid_by_someone_other_than_the_approver(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        await admin.Give(MoneyScenario.Cash(programme, donor, "3000.00", receivedOn: DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd")));
        var student = await admin.Register(programme);
        var requester = await app.PersonAsync("manager", [programme]);
        var approver = await app.PersonAsync("manager", [programme]);

        await using var first = await browser.NewSessionAsync(app);
        var page = first.Page;
        await page.SignInAsync(requester.Login!);
        await page.GotoAsync($"/console/{programme}/disbursements");
        await Expect(page.GetByText("这里还没有记录。")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "申请资助" }).ClickAsync();
        await page.GetByLabel("学生").SelectOptionAsync(student.Id().ToString());
        await page.GetByLabel("金额（元）").FillAsync("5OO"); // letters O for zeros
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(page.Locator("#Amount-error")).ToContainTextAsync("金额只能填写数字");
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();
        await page.GetByLabel("金额（元）").FillAsync("1,500");
        await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("申请已提交，等待另一位项目经理审批。");
        var detail = page.Url;
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "金额 ¥1,500.00" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync(); // the requester: refused
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("双人复核规则");
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();

        await using var second = await browser.NewSessionAsync(app);
        var other = second.Page;
        await other.SignInAsync(approver.Login!);
        await other.GotoAsync($"/console/{programme}/disbursements?status=requested");
        await other.GetByRole(AriaRole.Link, new() { Name = student.Str("code") }).ClickAsync();
        await other.GetByRole(AriaRole.Button, new() { Name = "批准" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Status)).ToHaveTextAsync("已批准。");
        await other.GetByLabel("银行流水号").FillAsync("BOC-20261203-01");
        await other.GetByLabel("签收凭证编号").FillAsync("签收单-01");
        await other.GetByRole(AriaRole.Button, new() { Name = "登记支付" }).ClickAsync(); // the approver: refused
        await Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync("双人复核规则");

        await page.GotoAsync(detail);
        await page.GetByLabel("银行流水号").FillAsync("BOC-20261203-01");
        await page.GetByLabel("签收凭证编号").FillAsync("签收单-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记支付" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("已登记支付。");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("已支付");

        var balance = await admin.Get($"/api/v1/programmes/{programme}/balance").Expect(HttpStatusCode.OK);
        Assert.Equal("1500.00", balance.Str("disbursed"));
        Assert.Equal("1500.00", balance.Str("cashBalance"));
        await app.AssertBalancedAsync();
    }
}
