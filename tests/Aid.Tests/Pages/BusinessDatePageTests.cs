using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// Issue 17 on the console pages, in Chromium: a back-dated receipt with its 备注, voided on a date of its own (a date before the
/// receipt is refused beside the field), a gift reversed on a past date, and the warning when a donor's name has a character
/// no installed font prints. axe on the forms.
/// </summary>
public sealed class BusinessDatePageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Fact]
    public async Task A_manager_back_dates_a_receipt_its_void_and_a_reversal_and_is_warned_of_an_unprintable_name()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donor = (await admin.CreateDonor("赵雨桐")).Id();
        var gift = (await admin.Give(MoneyScenario.Cash(programme, donor, "600.00", receivedOn: "2022-06-01"))).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        // A receipt dated at the end of 2022, with a note.
        await page.GotoAsync($"/console/{programme}/receipts/new?giftId={gift}");
        await page.GetByLabel("开具日期").FillAsync("2022-12-30");
        await page.GetByLabel("备注").FillAsync("年终补开");
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开具收据" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/console/{programme}/receipts/AID-2022-\\d{{6}}$"));
        var number = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("2022-12-30");

        // Voided on a date of its own.
        await page.GetByLabel("作废原因").FillAsync("金额有误");
        await page.GetByLabel("作废日期").FillAsync("2023-01-04");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认作废" }).ClickAsync();
        await Expect(page.Locator(".gift-confirm")).ToContainTextAsync("作废日期：2023-01-04");
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认作废" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("已作废");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("2023-01-04");
        Assert.Equal("2023-01-04", (await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK)).Str("voidedOn"));

        // A reversal dated before the gift arrived is refused beside the date; on 2022-07-01 it goes through.
        await page.GotoAsync($"/console/{programme}/gifts/{gift}");
        await page.GetByLabel("冲销原因").FillAsync("银行退票");
        await page.GetByLabel("冲销日期").FillAsync("2022-05-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认冲销" }).ClickAsync();
        await Expect(page.Locator("#ReversedOn-error")).ToContainTextAsync("冲销日期 2022-05-01 早于这笔捐赠的到账日期（2022-06-01）");
        await page.AssertAccessibleAsync();
        await page.GetByLabel("冲销日期").FillAsync("2022-07-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认冲销" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已冲销这笔捐赠");
        Assert.Equal("2022-07-01", (await admin.Get($"/api/v1/gifts/{gift}").Expect(HttpStatusCode.OK)).GetProperty("reversal").Str("reversedOn"));

        // A name with a character no font has: added, with a warning that says which.
        await page.GotoAsync("/console/donors/new");
        await page.GetByLabel("姓名或机构名称").FillAsync("王\U0002EBF0明");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加", Exact = true }).ClickAsync();
        await Expect(page.Locator(".alert-warn")).ToContainTextAsync("\U0002EBF0（U+2EBF0） 没有可用的字体");
        await page.AssertAccessibleAsync();
    }
}
