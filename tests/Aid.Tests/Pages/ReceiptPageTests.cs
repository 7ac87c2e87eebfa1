using System.IO.Compression;
using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>Browser apps whose receipt runs go in small chunks with a pause between them, so a run can be watched (and reloaded) half done.</summary>
public sealed class SlowRunKestrelApps : KestrelEngineApps
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Receipts:RunChunkSize", "2");
        builder.UseSetting("Aid:Receipts:RunChunkDelayMs", "300");
    }
}

/// <summary>
/// The receipt pages in Chromium: a manager issues a receipt for a gift from the gift's page, downloads the PDF and reads it back
/// (a manager's is 副本 COPY: the original is the donor's), voids it with a reason through the confirmation step and finds the void in the audit
/// trail, whose verification says 有效; an annual receipt voided and reissued; a receipt run watched to 100 % with a reload in
/// the middle, and its ZIP; axe on every page.
/// </summary>
public sealed class ReceiptPageTests(SlowRunKestrelApps apps, BrowserFixture browser) : IClassFixture<SlowRunKestrelApps>
{
    private static string UniqueName() => "蒋晟晖-" + Guid.NewGuid().ToString("N")[..6];

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_manager_issues_a_receipt_for_a_gift_downloads_it_voids_it_and_finds_the_void_in_the_audit_trail(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donorName = UniqueName();
        var donor = (await admin.CreateDonor(donorName)).Id();
        var gift = (await admin.Give(MoneyScenario.Cash(programme, donor, "1234.50", receivedOn: "2022-09-05"))).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(person.Login!);

        // No receipt yet: the list says how to make one.
        await page.GotoAsync($"/console/{programme}/receipts");
        await Expect(page.Locator(".gift-empty")).ToHaveTextAsync("这个项目还没有开具收据。");
        if (axe) await page.AssertAccessibleAsync();

        // From the gift's page.
        await page.GotoAsync($"/console/{programme}/gifts/{gift}");
        await page.GetByRole(AriaRole.Link, new() { Name = "开具收据" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("为这笔捐赠开具收据");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync(donorName);
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开具收据" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已开具收据");
        await Expect(page).ToHaveURLAsync(new Regex($"/console/{programme}/receipts/[A-Z0-9]+-2\\d{{3}}-\\d{{6}}$"));
        var number = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已开具收据 {number}（¥1,234.50）");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("有效");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("壹仟贰佰叁拾肆元伍角");
        await page.Locator("main").AssertGlyphsRenderAsync();
        if (axe) await page.AssertAccessibleAsync();

        // The same gift again: refused, with a link to the receipt it has.
        await page.GotoAsync($"/console/{programme}/receipts/new?giftId={gift}");
        await page.GetByRole(AriaRole.Button, new() { Name = "开具收据" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync($"这笔捐赠已有收据 {number}。");
        await page.GetByRole(AriaRole.Link, new() { Name = $"查看收据 {number}" }).ClickAsync();

        // The PDF, read back: a manager's download is a copy (the one original is the donor's).
        var pdfLink = page.GetByRole(AriaRole.Link, new() { Name = "下载 PDF" });
        var download = await page.RunAndWaitForDownloadAsync(() => pdfLink.ClickAsync());
        Assert.Equal($"{number}.pdf", download.SuggestedFilename);
        var copy = Pdf.Text(await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken));
        Assert.Contains(number, copy);
        Assert.Contains(donorName, copy);
        Assert.Contains("1,234.50", copy);
        Assert.Contains("副本COPY", copy);

        // In the list.
        await page.GotoAsync($"/console/{programme}/receipts");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = number });
        await Expect(row).ToHaveTextAsync(new Regex($"{number}\\s*{Regex.Escape(donorName)}\\s*¥1,234.50\\s*\\d{{4}}-\\d{{2}}-\\d{{2}}\\s*单笔\\s*有效\\s*下载"));
        if (axe) await page.AssertAccessibleAsync();
        await page.GotoAsync($"/console/{programme}/receipts?year=19&donor={Uri.EscapeDataString(donorName)}");
        await Expect(page.Locator("#year-error")).ToHaveTextAsync("请输入四位数的年份，例如 2025。");
        await page.GotoAsync($"/console/{programme}/receipts?donor={Uri.EscapeDataString(donorName)}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{donorName} 的收据" })).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = number, Exact = true }).ClickAsync();

        // Void: a reason, then the confirmation, then the receipt marked void with its reason.
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认作废" }).ClickAsync();
        await Expect(page.Locator("#Reason-error")).ToContainTextAsync("请写明作废的原因");
        await Expect(page.GetByLabel("作废原因")).ToHaveAttributeAsync("aria-invalid", "true");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByLabel("作废原因").FillAsync("捐赠人姓名有误");
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认作废" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "确认作废这张收据？" })).ToBeVisibleAsync();
        await Expect(page.Locator(".gift-confirm")).ToContainTextAsync($"您将作废 {donorName} 的收据 {number}（¥1,234.50）");
        Assert.Equal("valid", (await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK)).Str("status")); // nothing yet
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认作废" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已作废收据 {number}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("已作废");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("捐赠人姓名有误");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认作废" })).ToHaveCountAsync(0);
        var voided = await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK);
        Assert.Equal("void", voided.Str("status"));
        Assert.Equal("捐赠人姓名有误", voided.Str("voidReason"));
        await page.GotoAsync($"/console/{programme}/receipts");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = number })).ToContainTextAsync("已作废");

        // The audit trail: verified, and the void recorded with its reason and who did it.
        await page.GetByRole(AriaRole.Link, new() { Name = "审计记录" }).ClickAsync();
        await Expect(page.Locator(".audit-result .badge")).ToHaveTextAsync("有效");
        var record = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "作废收据" });
        await Expect(record).ToHaveCountAsync(1);
        await Expect(record).ToContainTextAsync($"编号：{number}");
        await Expect(record).ToContainTextAsync("原因：捐赠人姓名有误");
        await Expect(record).ToContainTextAsync("您本人（网页）");
        await Expect(record).ToContainTextAsync("收据");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "开具收据" })).ToContainTextAsync($"编号：{number}");
        if (axe) await page.AssertAccessibleAsync();
        Assert.Empty(session.PageErrors);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_manager_sees_what_became_of_a_receipts_email_and_resends_one_the_server_refused(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donor = (await admin.PostJson("/api/v1/donors", new { kind = "person", name = UniqueName(), email = "tuixin@example.cn", language = "zh-CN" })
            .Expect(HttpStatusCode.Created)).Id();
        var gift = (await admin.Give(MoneyScenario.Cash(programme, donor, "500.00", receivedOn: "2022-09-05"))).Id();
        var number = (await admin.PostJson("/api/v1/receipts", new { giftId = gift }).Expect(HttpStatusCode.Created)).Str("number");
        // What the hosted sender records when the server answers 5xx (this app has no SMTP server: the message would wait).
        await using (var connection = await app.OpenDatabaseAsync())
            Assert.Equal(1, await Dapper.SqlMapper.ExecuteAsync(connection,
                "UPDATE email_outbox SET status = 'failed', attempts = 1, last_error = '550 5.1.1 mailbox unavailable', failed_at = next_attempt_at " +
                "WHERE receipt_id = (SELECT id FROM receipts WHERE number = @number)", new { number }));
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        await page.GotoAsync($"/console/{programme}/receipts/{number}");
        var email = page.GetByRole(AriaRole.Region, new() { Name = "电子邮件" });
        await Expect(email.GetByRole(AriaRole.Row).Filter(new() { HasText = "tuixin@example.cn" })).ToContainTextAsync("发送失败：550 5.1.1 mailbox unavailable");
        await Expect(page.Locator("p.hint").First).ToContainTextAsync("原件随电子邮件发给捐赠人");
        if (engine == Engine.Sqlite) await page.AssertAccessibleAsync();
        await email.GetByRole(AriaRole.Button, new() { Name = "重新发送" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("邮件已重新排队发送");
        await Expect(email).ToContainTextAsync("等待发送");
        await Expect(email).ToContainTextAsync("尚未配置电子邮件服务");
        await Expect(email.GetByRole(AriaRole.Button, new() { Name = "重新发送" })).ToHaveCountAsync(0);
        await using (var connection = await app.OpenDatabaseAsync())
            Assert.Equal("pending", await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection,
                "SELECT status FROM email_outbox WHERE receipt_id = (SELECT id FROM receipts WHERE number = @number)", new { number }));
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task An_annual_receipt_is_issued_for_a_donor_and_year_then_voided_and_reissued_under_a_new_number(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donorName = UniqueName();
        var donor = (await admin.CreateDonor(donorName)).Id();
        await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", receivedOn: "2022-03-01"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "250.50", receivedOn: "2022-10-01"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "999.00", receivedOn: "2023-01-05")); // another year
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(person.Login!);

        await page.GotoAsync($"/console/{programme}/receipts");
        await page.GetByRole(AriaRole.Link, new() { Name = "开具年度收据" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开具年度收据" }).ClickAsync(); // no donor chosen
        await Expect(page.Locator("#DonorId-error")).ToContainTextAsync("请选择捐赠人");
        await page.GetByLabel("捐赠人名字（输入其中几个字）").FillAsync(donorName[^6..]);
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = donorName })).ToBeCheckedAsync();
        await page.GetByLabel("捐赠到账的年份").FillAsync("2022");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开具年度收据" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("（¥350.50）");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync("年度收据");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "收据包含的捐赠" }).GetByRole(AriaRole.Row)).ToHaveCountAsync(3); // header + 2
        var number = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        // The same donor and year again: nothing left to receipt.
        await page.GotoAsync($"/console/{programme}/receipts/new?donorId={donor}&year=2022");
        await page.GetByRole(AriaRole.Button, new() { Name = "开具年度收据" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("该捐赠人在 2022 年没有尚需开具收据的捐赠。");

        // Void and reissue: the new receipt replaces the old one.
        await page.GotoAsync($"/console/{programme}/receipts/{number}");
        await page.GetByLabel("作废原因").FillAsync("捐赠人要求更正抬头");
        await page.GetByLabel("同时开具新收据取代它").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "下一步：确认作废" }).ClickAsync();
        await Expect(page.Locator(".gift-confirm")).ToContainTextAsync("开具一张新编号的收据取代它");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认作废并重开" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已作废收据 {number}，并开具了新收据");
        var replacement = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Assert.NotEqual(number, replacement);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("有效");
        await Expect(page.Locator("dl.gift-facts")).ToContainTextAsync($"取代{number}");
        if (axe) await page.AssertAccessibleAsync();
        var reissued = await admin.Get($"/api/v1/receipts/{replacement}").Expect(HttpStatusCode.OK);
        Assert.Equal("350.50", reissued.Str("total"));
        Assert.Equal(number, reissued.Str("replaces"));
        Assert.Equal(replacement, (await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK)).Str("replacedBy"));

        Assert.Empty(session.PageErrors);

        // Not this programme's page, not a receipt: not found.
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/receipts"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{programme}/receipts/NOT-A-NUMBER"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/{programme}/receipts/{number}x?handler=pdf"))!.Status);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_receipt_run_is_watched_to_the_end_through_a_reload_in_the_middle_and_its_zip_holds_every_receipt(Engine engine)
    {
        const int gifts = 30;
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        for (var i = 0; i < gifts; i++)
        {
            var donor = (await admin.CreateDonor($"捐赠人{i + 1:00}-{Guid.NewGuid().ToString("N")[..4]}")).Id();
            await admin.Give(MoneyScenario.Cash(programme, donor, $"{100 + i}.00", receivedOn: $"2022-0{1 + i % 9}-1{i % 10}"));
        }
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(person.Login!);

        await page.GotoAsync($"/console/{programme}/receipts");
        await page.GetByRole(AriaRole.Link, new() { Name = "批量开具收据" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("批量开具收据");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByLabel("捐赠到账的年份").FillAsync("2022");
        await page.GetByRole(AriaRole.Radio, new() { Name = "每笔捐赠一张" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "开始批量开具" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/console/{programme}/receipts/runs/[0-9a-f-]{{36}}$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已开始为 2022 年开具 {gifts} 张收据");
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "收据开具进度" });
        var text = page.Locator("#run-progress-text");
        await Expect(bar).ToHaveAttributeAsync("max", $"{gifts}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "刷新" })).ToBeVisibleAsync(); // for a browser without script

        // The bar moves by itself (the script), then the page is reloaded in the middle: the run is still there, still going.
        await Expect(text).ToHaveTextAsync(new Regex($"^已完成 ([4-9]|1\\d|2[0-5]) / {gifts}$"), new() { Timeout = 30_000 });
        if (axe) await page.AssertAccessibleAsync();
        var before = Done(await text.TextContentAsync());
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("批量开具收据（2022 年）");
        var after = Done(await text.TextContentAsync());
        Assert.InRange(after, before, gifts);
        if (after < gifts) await Expect(page.Locator("#run-status")).ToHaveTextAsync(new Regex("正在开具|已完成"));

        // To 100 %: the page shows the counts and the ZIP.
        await Expect(text).ToHaveTextAsync($"已完成 {gifts} / {gifts}", new() { Timeout = 60_000 });
        await Expect(bar).ToHaveAttributeAsync("value", $"{gifts}");
        var zipLink = page.GetByRole(AriaRole.Link, new() { Name = $"下载全部 {gifts} 张收据（ZIP）" });
        await Expect(zipLink).ToBeVisibleAsync(new() { Timeout = 10_000 }); // the script loads the page again when done
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("已完成");
        await Expect(page.Locator(".alert-ok").Filter(new() { HasText = "已完成：" })).ToHaveTextAsync($"已完成：开具了 {gifts} 张收据。");
        if (axe) await page.AssertAccessibleAsync();

        // What the script reads: the run's state as JSON, through the page session; under another programme's address, not found.
        var runPage = page.Url;
        var progress = await page.APIRequest.GetAsync(runPage + "?handler=Progress");
        Assert.Equal(200, progress.Status);
        var state = await progress.JsonAsync();
        Assert.Equal(gifts, state!.Value.GetProperty("done").GetInt64());
        Assert.Equal(gifts, state.Value.GetProperty("total").GetInt64());
        Assert.True(state.Value.GetProperty("finished").GetBoolean());
        Assert.Equal($"已完成 {gifts} / {gifts}", state.Value.GetProperty("text").GetString());
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        Assert.Equal(404, (await page.APIRequest.GetAsync(runPage.Replace(programme.ToString(), other.ToString()) + "?handler=Progress")).Status);

        var download = await page.RunAndWaitForDownloadAsync(() => zipLink.ClickAsync());
        using var zip = new ZipArchive(new MemoryStream(await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken)));
        Assert.Equal(gifts, zip.Entries.Count);
        var first = zip.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).First();
        using var pdf = new MemoryStream();
        await using (var entry = first.Open()) await entry.CopyToAsync(pdf, TestContext.Current.CancellationToken);
        var content = Pdf.Text(pdf.ToArray());
        Assert.Contains(Path.GetFileNameWithoutExtension(first.Name), content);
        Assert.Contains("捐赠人", content);

        // Every gift has its receipt, listed on the receipts page.
        var receipts = await admin.Get($"/api/v1/receipts?programmeId={programme}&limit=100").Expect(HttpStatusCode.OK);
        Assert.Equal(gifts, receipts.GetProperty("items").GetArrayLength());
        await page.GetByRole(AriaRole.Link, new() { Name = "查看收据列表" }).ClickAsync();
        await Expect(page.Locator("table.gift-list tbody tr")).ToHaveCountAsync(25); // a page of them
        await page.GetByRole(AriaRole.Link, new() { Name = "下一页 »" }).ClickAsync();
        await Expect(page.Locator("table.gift-list tbody tr")).ToHaveCountAsync(gifts - 25);
        Assert.Empty(session.PageErrors); // the script ran under the CSP without a refusal
    }

    private static int Done(string? progress) => int.Parse(Regex.Match(progress ?? "", @"已完成 (\d+) /").Groups[1].Value);
}
