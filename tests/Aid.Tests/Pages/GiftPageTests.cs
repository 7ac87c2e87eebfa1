using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// The gift pages in Chromium: a manager records a gift with a mistake, reads the message beside the amount, corrects it as people
/// type amounts, finds it in the list, reverses it with a reason through the confirmation step, and the balance is back to zero;
/// the same form sent twice records one gift; a bad page link, another programme and an unknown gift; axe on every page.
/// </summary>
public sealed class GiftPageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    private static string UniqueName() => "蒋晟晖-" + Guid.NewGuid().ToString("N")[..6];

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_manager_records_a_gift_with_a_mistake_corrects_it_finds_it_and_reverses_it(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donorName = UniqueName();
        await admin.CreateDonor(donorName);
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite; // the pages do not depend on the engine
        await page.SignInAsync(person.Login!);

        // The empty list says what to do next.
        await page.GotoAsync($"/console/{programme}/gifts");
        await Expect(page.GetByText("这个项目还没有捐赠记录。")).ToBeVisibleAsync();
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "登记第一笔捐赠" }).ClickAsync();

        // Find the donor by part of the name: the one match is chosen.
        await page.GetByLabel("捐赠人名字（输入其中几个字）").FillAsync(donorName[^6..]);
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = donorName })).ToBeCheckedAsync();

        // A mistake: three decimals. The message is beside the amount, the field marked; nothing is recorded.
        var amount = page.GetByLabel("金额（元）");
        await amount.FillAsync("1000.555");
        await page.GetByLabel("收款方式").SelectOptionAsync(new SelectOptionValue { Label = "银行转账" });
        var reference = "BOC-" + Guid.NewGuid().ToString("N")[..10];
        await page.GetByLabel("交易流水号 / 参考号").FillAsync(reference);
        await page.GetByRole(AriaRole.Button, new() { Name = "登记捐赠" }).ClickAsync();
        await Expect(page.Locator("#Amount-error")).ToHaveTextAsync("金额最多两位小数（精确到分），例如 1000.50。");
        await Expect(amount).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(amount).ToHaveAttributeAsync("aria-describedby", new Regex("Amount-error"));
        await Expect(amount).ToHaveValueAsync("1000.555"); // what was typed stays to be corrected
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = donorName })).ToBeCheckedAsync();
        if (axe) await page.AssertAccessibleAsync();

        // Corrected as people write it.
        await amount.FillAsync("1,000.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记捐赠" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"已登记 {donorName} 的捐赠 ¥1,000.50。");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("¥1,000.50");
        await page.Locator("main").AssertGlyphsRenderAsync();
        if (axe) await page.AssertAccessibleAsync();

        // In the list.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回捐赠记录" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = reference });
        await Expect(row).ToContainTextAsync("¥1,000.50");
        await Expect(row).ToContainTextAsync(donorName);
        await Expect(row).ToContainTextAsync("银行转账");
        await Expect(row).ToContainTextAsync("已登记");
        if (axe) await page.AssertAccessibleAsync();

        // Reverse: a reason, then the confirmation, then back to the gift with a flash.
        await row.GetByRole(AriaRole.Link, new() { Name = "查看" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认冲销" }).ClickAsync();
        await Expect(page.Locator("#Reason-error")).ToContainTextAsync("请写明冲销的原因");
        await Expect(page.GetByLabel("冲销原因")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("冲销原因").FillAsync("银行退汇");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认冲销" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "确认冲销这笔捐赠？" })).ToBeVisibleAsync();
        await Expect(page.Locator(".gift-confirm")).ToContainTextAsync($"您将冲销 {donorName}");
        Assert.Equal("0.00", (await admin.Balance(programme)).Str("reversed")); // nothing happened yet
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认冲销" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已冲销这笔捐赠");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("已冲销");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "冲销记录" })).ToContainTextAsync("银行退汇");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认冲销" })).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "返回捐赠记录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = reference })).ToContainTextAsync("已冲销");

        var balance = await admin.Balance(programme);
        Assert.Equal("0.00", balance.Str("cashBalance"));
        Assert.Equal("0.00", balance.Str("restrictedBalance"));
        Assert.Equal("1000.50", balance.Str("reversed"));
        Assert.Empty(session.PageErrors); // nothing refused by the CSP
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task The_same_form_sent_twice_records_one_gift_and_links_nobody_made_are_answered(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        var donor = (await admin.CreateDonor(UniqueName())).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        // From a donor's page: the donor is chosen already.
        await page.GotoAsync($"/console/{programme}/gifts/new?donorId={donor}");
        await Expect(page.GetByRole(AriaRole.Radio)).ToBeCheckedAsync();
        await page.GetByLabel("金额（元）").FillAsync("¥２,０００");
        await page.GetByLabel("收款方式").SelectOptionAsync("wechat_pay");
        await page.GetByLabel("交易流水号 / 参考号").FillAsync("WX-" + Guid.NewGuid().ToString("N")[..12]);

        // The button pressed twice: the same form (its antiforgery token and its key) posted twice.
        var fields = await page.Locator("main form[method=post]").EvaluateAsync<Dictionary<string, string>>(
            "form => Object.fromEntries(new FormData(form))");
        var locations = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var form = page.APIRequest.CreateFormData();
            foreach (var (name, value) in fields) form.Set(name, value);
            var response = await page.APIRequest.PostAsync(page.Url, new() { Form = form, MaxRedirects = 0 });
            Assert.Equal(302, response.Status);
            locations.Add(response.Headers["location"]);
        }
        Assert.Equal(locations[0], locations[1]); // the second press answered with the first gift
        var gifts = await admin.Get($"/api/v1/gifts?programmeId={programme}").Expect(HttpStatusCode.OK);
        var only = Assert.Single(gifts.GetProperty("items").EnumerateArray());
        Assert.Equal("2000.00", only.Str("amount"));
        Assert.Equal("wechat_pay", only.Str("method"));
        Assert.EndsWith($"/gifts/{only.Str("id")}", locations[0]);
        await page.GotoAsync(locations[0]);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("¥2,000.00"); // the flash of the first press

        // Goods, typed with full-width digits.
        await page.GotoAsync($"/console/{programme}/gifts/new?kind=in_kind&donorId={donor}");
        await page.GetByLabel("物品说明").FillAsync("冬季校服");
        await page.GetByLabel("数量").FillAsync("１２０");
        await page.GetByLabel("单位").FillAsync("套");
        await page.GetByLabel("价值（元）").FillAsync("36,000");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记物资" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("冬季校服，价值 ¥36,000.00");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("120 套");

        // A page link that is not one of ours: a message and the first page, not an error.
        await page.GotoAsync($"/console/{programme}/gifts?cursor=not-a-cursor&from=2021-09-01");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("页码链接无效，已显示第一页。");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "¥2,000.00" })).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "¥36,000.00" })).ToContainTextAsync("冬季校服");
        // Dates the wrong way round: the message beside the field.
        await page.GotoAsync($"/console/{programme}/gifts?from=2024-09-05&to=2024-09-01");
        await Expect(page.Locator("#to-error")).ToHaveTextAsync("结束日期不能早于开始日期。");

        // Another programme's pages and a gift that is not there are not found.
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/gifts"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/gifts/new"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/gifts/{only.Str("id")}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{programme}/gifts/{Guid.NewGuid()}"))!.Status);
    }
}
