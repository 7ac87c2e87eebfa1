using System.Text;
using System.Text.RegularExpressions;
using Aid.Tests.Imports;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Browser;

/// <summary>Browser apps whose import commits book one row at a time with a pause, so the progress can be watched and reloaded.</summary>
public sealed class SlowImportKestrelApps : KestrelEngineApps
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Imports:ChunkSize", "1");
        builder.UseSetting("Aid:Imports:ChunkDelayMs", "300");
        builder.UseSetting("Aid:Imports:MaxBytes", (200 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// The import pages in Chromium, on SQLite: a manager uploads Aid's template with three good lines and a bad one, sees the
/// preview's counts and the bad line's reason in Chinese, gives one payer's two lines an existing donor (found by name, "same
/// payer" ticked) and makes a donor from another line, commits, reloads during the booking and sees the summary; a file of
/// unknown layout is refused beside the file field. axe on the list and the details page.
/// </summary>
public sealed class ImportPageTests(SlowImportKestrelApps apps, BrowserFixture browser) : IClassFixture<SlowImportKestrelApps>
{
    [Fact]
    public async Task A_manager_uploads_a_template_gives_its_lines_donors_commits_and_watches_the_booking_through_a_reload()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (payer, newcomer) = ($"测试捐赠人乙-{tag}", $"测试捐赠人丁-{tag}");
        var (programme, existing) = await admin.ProgrammeAndDonor(payer);
        var file = ImportApiTests.Template(
            ("2025-03-05", payer, "200.00", "银行转账", $"{tag}-1", "助学捐款"),
            ("2025-03-06", payer, "1,000.50", "微信支付", $"{tag}-2", ""),
            ("2025-03-09", newcomer, "0.01", "支付宝", $"{tag}-3", ""),
            ("2025-13-09", "测试捐赠人丙", "100.00", "现金", $"{tag}-4", ""));
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        // The list: empty, with the upload form; the programme's menu leads here.
        await page.GotoAsync($"/console/{programme}/gifts");
        await page.Locator("nav.subnav").GetByRole(AriaRole.Link, new() { Name = "导入" }).ClickAsync();
        await Expect(page.Locator(".import-empty")).ToHaveTextAsync("这个项目还没有导入过文件。");
        await page.AssertAccessibleAsync();
        var template = await page.APIRequest.GetAsync("/console/imports?handler=TemplateCsv");
        Assert.Equal(200, template.Status);
        Assert.StartsWith("收到日期", Encoding.UTF8.GetString(await template.BodyAsync()).TrimStart('\uFEFF'));

        // Upload: the preview's counts, the bad line's reason in Chinese.
        await page.GetByLabel("文件", new() { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "捐赠.csv", MimeType = "text/csv", Buffer = file });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并预览" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console/imports/[0-9a-f-]{36}$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已读取 捐赠.csv：共 4 行，新捐赠 3 行（其中 3 行待指定捐赠人），重复 0 行，有错误 1 行。");
        var filters = page.Locator("nav.import-filters");
        await Expect(filters.GetByRole(AriaRole.Link, new() { Name = "待指定捐赠人 3" })).ToBeVisibleAsync();
        await Expect(filters.GetByRole(AriaRole.Link, new() { Name = "有错误 1" })).ToBeVisibleAsync();
        await Expect(page.Locator("#row-4")).ToContainTextAsync("列“收到日期”：“2025-13-09”不是日期。");
        await Expect(page.Locator("#row-2 td.num")).ToHaveTextAsync("¥1,000.50");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "确认入账" })).ToBeDisabledAsync();
        await Expect(page.Locator("#commit-why")).ToHaveTextAsync("还没有可以入账的行：请先在下面为新行指定捐赠人。");
        var importPage = page.Url;
        var original = await page.APIRequest.GetAsync(importPage + "?handler=File");
        Assert.Equal(file, await original.BodyAsync());
        await page.AssertAccessibleAsync();

        // The payer's name matches a donor: only a suggestion, applied by nobody yet. Found by name instead, for both lines.
        var first = page.Locator("#actions-1");
        await Expect(first.GetByRole(AriaRole.Button, new() { Name = $"使用建议：{payer}" })).ToBeVisibleAsync();
        await first.GetByLabel("按名字查找已有捐赠人").FillAsync(payer[..8]);
        await first.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await page.Locator("#donor-1").SelectOptionAsync(existing.ToString());
        await page.Locator("#actions-1").GetByLabel("同一付款人的其他行也使用此捐赠人").CheckAsync();
        await page.Locator("#actions-1").GetByRole(AriaRole.Button, new() { Name = "指定此捐赠人" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"第 2 行的捐赠人：{payer}（同一付款人的另外 1 行也已指定）。");
        await Expect(page.Locator("#row-2 td.import-donor")).ToContainTextAsync(payer);

        // A donor made from the line.
        await page.Locator("#actions-3").GetByRole(AriaRole.Button, new() { Name = "从此行新建捐赠人" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"第 4 行的捐赠人：{newcomer}。");

        // Commit; the bar moves, a reload in the middle shows it still going, and the summary at the end.
        await page.GetByRole(AriaRole.Button, new() { Name = "确认入账（3 笔，共 ¥1,200.51）" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已开始入账 3 笔捐赠");
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "入账进度" })).ToHaveAttributeAsync("max", "3");
        await page.ReloadAsync();
        await Expect(page.Locator("#run-status")).ToHaveTextAsync(new Regex("正在入账|已完成"));
        await Expect(page.Locator(".alert-ok").Filter(new() { HasText = "已完成：" })).ToHaveTextAsync("已完成：入账 3 笔，共 ¥1,200.51。", new() { Timeout = 30_000 });
        await Expect(page.Locator("#run-progress-text")).ToHaveTextAsync("已入账 3 / 3");
        await Expect(page.Locator("#row-1 .import-outcome")).ToContainTextAsync("已入账");
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "查看捐赠记录" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/console/{programme}/gifts$"));
        await Expect(page.Locator("main")).ToContainTextAsync(newcomer);

        // The audit trail says what the import did, in words: a record per chunk (here one line each), none per gift.
        await page.GotoAsync($"/console/{programme}");
        await page.Locator("nav.subnav").GetByRole(AriaRole.Link, new() { Name = "审计记录" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "确认导入" })).ToContainTextAsync("待入账笔数：3");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "修改导入行" }).First).ToContainTextAsync("操作：指定捐赠人");
        var chunks = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "导入入账（一批）" });
        await Expect(chunks.Filter(new() { HasText = "入账笔数：1" })).ToHaveCountAsync(3);
        await Expect(chunks.Last).ToContainTextAsync("完成：是");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "登记捐赠" })).ToHaveCountAsync(0);

        // A file Aid cannot read, a file too large: refused beside the file field, in Chinese; nothing stored.
        await page.GotoAsync($"/console/imports?programme={programme}");
        await Expect(page.GetByRole(AriaRole.Row)).ToHaveCountAsync(2); // the header and the one import
        await page.GetByLabel("文件", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "大文件.csv", MimeType = "text/csv", Buffer = new byte[300 * 1024],
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并预览" }).ClickAsync();
        await Expect(page.Locator("#file-error")).ToHaveTextAsync("文件超过 200 KB：请拆分为较小的文件（例如每月一个）后逐个上传。");
        Assert.EndsWith($"/console/imports?programme={programme}", page.Url);
        await page.GetByLabel("文件", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "流水.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("a,b,c\n1,2,3\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并预览" }).ClickAsync();
        await Expect(page.Locator("#file-error")).ToContainTextAsync("Aid 无法识别该文件的格式。");
        await Expect(page.GetByLabel("文件", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GotoAsync($"/console/imports?programme={programme}");
        await Expect(page.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);

        // A column mapping for a bank export, saved for the programme and offered on upload.
        await page.GetByRole(AriaRole.Link, new() { Name = "保存列映射" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存映射" }).ClickAsync();
        await Expect(page.Locator("#Name-error")).ToHaveTextAsync("请为这个映射起一个名字，例如“工行对公”。");
        await page.GetByLabel("映射名称").FillAsync("工行对公");
        await page.GetByLabel("日期列（必填）").FillAsync("交易日期");
        await page.GetByLabel("收入（贷方）金额列").FillAsync("贷方发生额");
        await page.GetByLabel("付款人户名列").FillAsync("对方户名");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存映射" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("已保存列映射“工行对公”。上传银行导出文件时可以选择它。");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "工行对公" })).ToContainTextAsync("贷方发生额");
        await page.AssertAccessibleAsync();
        await page.GotoAsync($"/console/imports?programme={programme}");
        await Expect(page.Locator("#mappingName option[value='工行对公']")).ToHaveCountAsync(1);
        Assert.Empty(session.PageErrors); // the scripts ran under the CSP without a refusal
    }
}
