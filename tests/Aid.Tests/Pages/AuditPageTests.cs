using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>Browser apps of their own for <see cref="AuditPageTests"/>: the test edits the database behind the service's back.</summary>
public sealed class AuditPageApps : KestrelEngineApps;

/// <summary>
/// The audit trail page in Chromium: a manager sees the records of their programmes only, oldest first, who did what in words,
/// and the verification at the top (fetched by the page's script; inline with ?verify=1) — 有效, and after a gift's amount is changed in the database behind the service's back,
/// 已损坏 with the record that no longer vouches for the row marked in the list. axe on both.
/// </summary>
public sealed class AuditPageTests(AuditPageApps apps, BrowserFixture browser) : IClassFixture<AuditPageApps>
{
    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_manager_reads_their_programmes_trail_verified_and_sees_it_broken_after_an_edit_behind_the_services_back(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var elsewhere = (await admin.CreateProgramme(name: "别的项目")).Id();
        var donor = (await admin.CreateDonor("欧阳明轩")).Id();
        var gift = (await admin.Give(MoneyScenario.Cash(programme, donor, "300.00", reference: "BANK-AUDITPAGE"))).Id();
        await admin.Give(MoneyScenario.Cash(elsewhere, donor, "777.00", reference: "BANK-ELSEWHERE"));
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(person.Login!);

        await page.GotoAsync($"/console/{programme}");
        await page.Locator("nav.subnav").GetByRole(AriaRole.Link, new() { Name = "审计记录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("审计记录");
        await Expect(page.Locator(".audit-result .badge")).ToHaveTextAsync("有效");
        await Expect(page.Locator(".audit-result")).ToContainTextAsync("没有发现改动");
        await Expect(page.GetByText("您负责的所有项目的审计记录（不只本项目）")).ToBeVisibleAsync();
        var recorded = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "登记捐赠" });
        await Expect(recorded).ToHaveCountAsync(1); // this programme's gift; the other programme's is not shown
        await Expect(recorded).ToContainTextAsync("参考号：BANK-AUDITPAGE");
        await Expect(recorded).ToContainTextAsync(new Regex(@"API 密钥 …[0-9a-f]{8}")); // the admin's key, not named to a manager
        await Expect(recorded).ToContainTextAsync("青系镇坪，雏鹰伴翔");
        await Expect(page.GetByText("BANK-ELSEWHERE")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "创建项目" })).ToHaveCountAsync(1);
        if (axe) await page.AssertAccessibleAsync();
        Assert.Empty(session.PageErrors);

        // Someone holding the database raises the gift: the page says the trail is broken and marks the record.
        await using (var db = await app.OpenDatabaseAsync())
        {
            await DatabaseGuards.DropAsync(engine, db, "gifts");
            Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = 3000000 WHERE id = @gift", new { gift }));
        }
        await page.ReloadAsync();
        await Expect(page.Locator(".audit-result .badge")).ToHaveTextAsync("已损坏");
        await Expect(page.Locator(".audit-result")).ToContainTextAsync("审计链在第");
        await Expect(page.Locator(".audit-problem")).ToContainTextAsync(gift.ToString());
        await Expect(page.Locator(".audit-problem")).ToContainTextAsync("有人绕过系统改动了它"); // in Chinese
        var broken = page.Locator("tr.audit-broken-row");
        await Expect(broken).ToHaveCountAsync(1);
        await Expect(broken).ToContainTextAsync("登记捐赠");
        await Expect(broken).ToContainTextAsync("断点");
        if (axe) await page.AssertAccessibleAsync();

        // Without script: the "立即验证" link loads the page with the verification in it, the same answer.
        await page.GotoAsync($"/console/{programme}/audit?verify=1");
        await Expect(page.Locator(".audit-result .badge")).ToHaveTextAsync("已损坏");
        await Expect(page.Locator("tr.audit-broken-row")).ToContainTextAsync("断点");
        Assert.Empty(session.PageErrors);

        // Another programme's trail page is not found for this manager.
        Assert.Equal(404, (await page.GotoAsync($"/console/{elsewhere}/audit"))!.Status);
    }
}
