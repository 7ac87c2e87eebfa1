using System.Text.RegularExpressions;
using Aid.Application.Common;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// The pledge pages in Chromium: a manager records a pledge with a mistake, reads the message beside the field, previews the
/// instalments (computed by the application's schedule), saves, finds it in the list, sees a gift counted against it, and writes it
/// off with a reason through the confirmation step; the dashboard lists an overdue instalment with its donor, date, amount and
/// days, and links to the pledge; other programmes' pages are not found; axe on every page.
/// </summary>
public sealed class PledgePageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    private static string UniqueName() => "孙明远-" + Guid.NewGuid().ToString("N")[..6];

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_manager_previews_a_pledge_saves_it_finds_it_and_writes_it_off(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donorName = UniqueName();
        var donor = (await admin.CreateDonor(donorName)).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite; // the pages do not depend on the engine
        await page.SignInAsync(person.Login!);

        // The empty list says what to do next.
        await page.GotoAsync($"/console/{programme}/pledges");
        await Expect(page.GetByText("这个项目还没有认捐。")).ToBeVisibleAsync();
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "登记第一笔认捐" }).ClickAsync();
        if (axe) await page.AssertAccessibleAsync();

        // Find the donor by part of the name: the one match is chosen.
        await page.GetByLabel("捐赠人名字（输入其中几个字）").FillAsync(donorName[^6..]);
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = donorName })).ToBeCheckedAsync();

        // Mistakes: three decimals, no number of instalments. Messages beside the fields, no preview, nothing saved.
        var total = page.GetByLabel("认捐总额（元）");
        await total.FillAsync("1000.555");
        await page.GetByLabel("分期方式").SelectOptionAsync(new SelectOptionValue { Label = "每年一期" });
        await page.GetByLabel("第一期应付日期").FillAsync("2022-09-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览分期" }).ClickAsync();
        await Expect(page.Locator("#Total-error")).ToHaveTextAsync("金额最多两位小数（精确到分），例如 1000.50。");
        await Expect(total).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(total).ToHaveAttributeAsync("aria-describedby", new Regex("Total-error"));
        await Expect(page.Locator("#Count-error")).ToHaveTextAsync("请填写分几期，例如 3。");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "确认保存" })).ToHaveCountAsync(0);
        await Expect(total).ToHaveValueAsync("1000.555");
        if (axe) await page.AssertAccessibleAsync();

        // Corrected: the preview shows the instalments as the application splits them; still nothing saved.
        await total.FillAsync("1,000");
        await page.GetByLabel("期数").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览分期" }).ClickAsync();
        var preview = page.GetByRole(AriaRole.Region, new() { Name = "分期预览" });
        await Expect(preview.GetByRole(AriaRole.Row)).ToHaveTextAsync(new Regex[] { new Regex("期次"), new Regex("第 1 期\\s*2022-09-01\\s*¥333.34"),
            new Regex("第 2 期\\s*2023-09-01\\s*¥333.33"), new Regex("第 3 期\\s*2024-09-01\\s*¥333.33") });
        Assert.Empty((await admin.Get($"/api/v1/pledges?programmeId={programme}").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        if (axe) await page.AssertAccessibleAsync();

        // Changed after the preview: saving shows the new preview instead of saving what was not seen.
        await page.GetByLabel("期数").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认保存" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("表单内容在预览后有改动");
        await Expect(preview.GetByRole(AriaRole.Row)).ToHaveCountAsync(3); // the header and two instalments of ¥500.00
        await Expect(preview).ToContainTextAsync("¥500.00");
        Assert.Empty((await admin.Get($"/api/v1/pledges?programmeId={programme}").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await page.GetByLabel("期数").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览分期" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认保存" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"已登记 {donorName} 的认捐 ¥1,000.00，共 3 期。");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("¥1,000.00");
        var pledges = (await admin.Get($"/api/v1/pledges?programmeId={programme}").Expect(HttpStatusCode.OK)).GetProperty("items");
        var pledge = Assert.Single(pledges.EnumerateArray()).Id();
        Assert.EndsWith($"/pledges/{pledge}", page.Url);
        var instalments = page.GetByRole(AriaRole.Region, new() { Name = "分期" }).GetByRole(AriaRole.Row);
        await Expect(instalments).ToHaveCountAsync(4);
        await Expect(instalments.Nth(1)).ToContainTextAsync("逾期"); // 2022-09-01 is past and nothing paid
        await page.Locator("main").AssertGlyphsRenderAsync();
        if (axe) await page.AssertAccessibleAsync();

        // A gift counted against it (recorded through the API: the gift form does not pick pledges).
        await admin.Give(MoneyScenario.Cash(programme, donor, "400.00", pledge));
        await page.ReloadAsync();
        await Expect(instalments.Nth(1)).ToContainTextAsync("已付清");
        await Expect(instalments.Nth(2)).ToContainTextAsync("逾期");
        var counted = page.GetByRole(AriaRole.Region, new() { Name = "计入这笔认捐的捐款" });
        await Expect(counted).ToContainTextAsync("第 1 期 ¥333.34，第 2 期 ¥66.66");

        // In the list, with the schedule in one line; a status filter that does not match says so.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回认捐列表" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = donorName });
        await Expect(row).ToContainTextAsync("¥1,000.00");
        await Expect(row).ToContainTextAsync("¥400.00");
        await Expect(row).ToContainTextAsync("¥600.00");
        await Expect(row).ToContainTextAsync("每年 · 共 3 期 · 2022-09-01 至 2024-09-01");
        await Expect(row).ToContainTextAsync("逾期 2 期");
        await Expect(row).ToContainTextAsync("履行中");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByLabel("状态").SelectOptionAsync(new SelectOptionValue { Label = "已核销" });
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        Assert.Contains("status=written_off", page.Url);
        await Expect(page.GetByText("没有符合筛选条件的认捐。")).ToBeVisibleAsync();
        await page.GotoAsync($"/console/{programme}/pledges?donor={Uri.EscapeDataString(donorName[^6..])}&status=open");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{donorName} 的认捐" })).ToBeVisibleAsync();

        // Write it off: the choice and a reason, then the confirmation, then back to the pledge with a flash.
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = donorName }).GetByRole(AriaRole.Link, new() { Name = "查看" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认" }).ClickAsync();
        await Expect(page.Locator("#Reason-error")).ToContainTextAsync("请写明原因");
        await Expect(page.Locator("#Outcome-error")).ToHaveTextAsync("请选择“取消认捐”或“核销”。");
        await Expect(page.GetByLabel("原因", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "核销" }).CheckAsync();
        await page.GetByLabel("原因", new() { Exact = true }).FillAsync("企业已注销，无法联系");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "确认核销这笔认捐？" })).ToBeVisibleAsync();
        await Expect(page.Locator(".gift-confirm")).ToContainTextAsync($"您将核销 {donorName} 认捐中尚未到账的 ¥600.00。");
        Assert.Equal("open", (await admin.Get($"/api/v1/pledges/{pledge}").Expect(HttpStatusCode.OK)).Str("status")); // nothing happened yet
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认核销" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("已核销这笔认捐：未到账的 ¥600.00 不再计入待到账。");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("已核销");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("企业已注销，无法联系");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认" })).ToHaveCountAsync(0);
        await Expect(instalments.Nth(1)).ToContainTextAsync("已付清");
        await Expect(instalments.Nth(2)).ToContainTextAsync("不再收取"); // nothing more is expected, nothing overdue
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "分期" }).Locator("tbody")).Not.ToContainTextAsync("逾期");
        if (axe) await page.AssertAccessibleAsync();

        var closed = await admin.Get($"/api/v1/pledges/{pledge}").Expect(HttpStatusCode.OK);
        Assert.Equal(("written_off", "企业已注销，无法联系", "0.00"), (closed.Str("status"), closed.Str("closedReason"), closed.Str("outstanding")));
        Assert.Equal("0.00", (await admin.Balance(programme)).Str("pledgedOutstanding"));
        await page.GotoAsync($"/console/{programme}/pledges?status=written_off");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = donorName })).ToContainTextAsync("已核销");
        Assert.Empty(session.PageErrors); // nothing refused by the CSP
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task The_dashboard_lists_an_overdue_instalment_and_links_to_its_pledge(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        var donorName = UniqueName();
        var donor = (await admin.CreateDonor(donorName)).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        // None yet: the section says so.
        await page.GotoAsync($"/console/{programme}");
        var section = page.GetByRole(AriaRole.Region, new() { Name = "逾期认捐分期" });
        await Expect(section).ToContainTextAsync("没有逾期的认捐分期。");
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();

        // Four quarterly instalments from 40 days ago: the first is overdue, the others are not yet due.
        var today = app.Factory.Services.GetRequiredService<BusinessClock>().Today();
        var first = today.AddDays(-40);
        var pledge = (await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "1200.00", frequency = "quarterly", count = 4, firstDueDate = first.ToString("yyyy-MM-dd"),
        }).Expect(HttpStatusCode.Created)).Id();
        await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", pledge, receivedOn: today.ToString("yyyy-MM-dd")));

        await page.ReloadAsync();
        await Expect(section).ToContainTextAsync("共 1 期逾期，未到账合计 ¥200.00。");
        var rows = section.GetByRole(AriaRole.Row);
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(1)).ToHaveTextAsync(new Regex($"{donorName}\\s*第 1 期\\s*{first:yyyy-MM-dd}\\s*¥200.00\\s*40 天\\s*查看认捐"));
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();
        await rows.Nth(1).GetByRole(AriaRole.Link, new() { Name = $"查看认捐（{donorName}）" }).ClickAsync();
        Assert.EndsWith($"/console/{programme}/pledges/{pledge}", page.Url);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "分期" }).GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("逾期");
        Assert.Empty(session.PageErrors); // nothing refused by the CSP

        // The overdue money arrives: recorded from the pledge's page, it counts against the pledge and the instalment is paid.
        await page.GetByRole(AriaRole.Link, new() { Name = "登记一笔到账（计入这笔认捐）" }).ClickAsync();
        await Expect(page.Locator(".gift-pledge-note")).ToContainTextAsync("尚未到账 ¥1,100.00");
        await page.Locator("#Amount").FillAsync("200");
        await page.Locator("#Reference").FillAsync("BANK-PLEDGE-" + Guid.NewGuid().ToString("N")[..8]);
        await page.GetByRole(AriaRole.Button, new() { Name = "登记捐赠" }).ClickAsync();
        await Expect(page.Locator(".alert-ok")).ToContainTextAsync("¥200.00");
        Assert.Equal("300.00", (await admin.Get($"/api/v1/pledges/{pledge}").Expect(HttpStatusCode.OK)).Str("paid"));
        await page.GotoAsync($"/console/{programme}");
        await Expect(section).ToContainTextAsync("没有逾期的认捐分期。");

        // Another programme's pages and a pledge that is not there are not found.
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/pledges"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/pledges/new"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/pledges/{pledge}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{programme}/pledges/{Guid.NewGuid()}"))!.Status);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task Instalments_listed_one_by_one_are_checked_by_the_same_rules_previewed_and_saved_once(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donor = (await admin.CreateDonor(UniqueName())).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        // From a donor's page: the donor is chosen already. The list does not add up: the application's rule, beside the list.
        await page.GotoAsync($"/console/{programme}/pledges/new?donorId={donor}");
        await Expect(page.GetByRole(AriaRole.Radio)).ToBeCheckedAsync();
        await page.GetByLabel("认捐总额（元）").FillAsync("¥２,０００");
        await page.GetByLabel("分期方式").SelectOptionAsync("custom");
        var list = page.GetByLabel("各期日期和金额");
        await list.FillAsync("2025-09-01 1,200\n2026年3月1日 500");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览分期" }).ClickAsync();
        await Expect(page.Locator("#Instalments-error")).ToHaveTextAsync("各期分期金额之和必须等于认捐总额。");
        await Expect(list).ToHaveAttributeAsync("aria-invalid", "true");
        await list.FillAsync("2025-09-01 1,200\n2026-03-01 oops");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览分期" }).ClickAsync();
        await Expect(page.Locator("#Instalments-error")).ToHaveTextAsync("第 2 行：金额只能填写数字，例如 1000、1,000.50 或 ¥1000。");

        await list.FillAsync("2025-09-01 1,200\n2026年3月1日 800");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览分期" }).ClickAsync();
        var preview = page.GetByRole(AriaRole.Region, new() { Name = "分期预览" });
        await Expect(preview.GetByRole(AriaRole.Row)).ToHaveTextAsync(new Regex[] { new Regex("期次"),
            new Regex("第 1 期\\s*2025-09-01\\s*¥1,200.00"), new Regex("第 2 期\\s*2026-03-01\\s*¥800.00") });
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();

        // The save button pressed twice: the same form posted twice records one pledge.
        var fields = await page.Locator("main form[method=post]").EvaluateAsync<Dictionary<string, string>>(
            "form => Object.fromEntries(new FormData(form))");
        var locations = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var form = page.APIRequest.CreateFormData();
            foreach (var (name, value) in fields) form.Set(name, value);
            var response = await page.APIRequest.PostAsync($"/console/{programme}/pledges/new?handler=Save", new() { Form = form, MaxRedirects = 0 });
            Assert.Equal(302, response.Status);
            locations.Add(response.Headers["location"]);
        }
        Assert.Equal(locations[0], locations[1]);
        var saved = Assert.Single((await admin.Get($"/api/v1/pledges?programmeId={programme}").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.EndsWith($"/pledges/{saved.Id()}", locations[0]);
        var pledge = await admin.Get($"/api/v1/pledges/{saved.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(("custom", "2000.00"), (pledge.Str("frequency"), pledge.Str("total")));
        Assert.Equal([("2025-09-01", "1200.00"), ("2026-03-01", "800.00")],
            pledge.GetProperty("instalments").EnumerateArray().Select(i => (i.Str("dueDate"), i.Str("amount"))));
        Assert.Empty(session.PageErrors);
    }
}
