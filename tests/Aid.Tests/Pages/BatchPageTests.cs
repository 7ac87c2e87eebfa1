using System.Text;
using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// A school's term in the console: one manager previews and creates the batch and cannot approve it; a second manager approves
/// it; the first records the payment with one bank reference; the signature sheet and the bank file are downloaded and read back.
/// The same batch cannot be made twice: the preview says so and links to the existing one.
/// </summary>
public sealed class BatchPageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_batch_is_made_by_one_manager_approved_by_another_paid_and_its_signature_sheet_printed(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var axe = engine == Engine.Sqlite;
        var (programme, donor) = await admin.ProgrammeAndDonor();
        await admin.Give(MoneyScenario.Cash(programme, donor, "3000.00", receivedOn: DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd")));
        var students = new List<string>();
        foreach (var name in new[] { "蒋晟晖", "李雨萱" })
        {
            var student = await admin.Register(programme, name);
            students.Add(student.Str("code"));
            await admin.PostJson("/api/v1/sponsorships", new
            {
                programmeId = programme, donorId = donor, studentId = student.Id(), fromYear = 2026, toYear = 2028, annualAmount = "1000.00",
            }).Expect(HttpStatusCode.Created);
        }
        var maker = await app.PersonAsync("manager", [programme]);
        var approver = await app.PersonAsync("manager", [programme]);

        await using var first = await browser.NewSessionAsync(app);
        var page = first.Page;
        await page.SignInAsync(maker.Login!);
        await page.GotoAsync($"/console/{programme}/batches");
        await Expect(page.Locator(".batch-empty")).ToHaveTextAsync("还没有批次。");
        if (axe) await page.AssertAccessibleAsync();

        // Preview: the school's two sponsored students, half of the annual amount each (two terms), against the balance.
        await page.GetByRole(AriaRole.Link, new() { Name = "新建批次" }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "学年", Exact = false }).FillAsync("2026-2027");
        await page.Locator("#Term").SelectOptionAsync("秋季学期");
        await page.Locator("#School").SelectOptionAsync("镇坪县中学");
        await page.GetByRole(AriaRole.Button, new() { Name = "预览名单" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("academicYear=2026-2027", RegexOptions.IgnoreCase)); // the preview has an address
        var preview = page.Locator("table tbody tr");
        await Expect(preview).ToHaveCountAsync(2);
        await Expect(preview.First).ToContainTextAsync("¥500.00");
        await Expect(page.Locator("tfoot")).ToContainTextAsync("¥1,000.00");
        await Expect(page.Locator(".batch-balance")).ToContainTextAsync("¥3,000.00");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^创建批次") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("镇坪县中学 · 2026-2027 秋季学期");
        await Expect(page.Locator(".alert-ok")).ToContainTextAsync("已创建批次：2 名学生");
        var batchUrl = page.Url;
        if (axe) await page.AssertAccessibleAsync();

        // Four eyes: the maker is not offered the approval; the page says who approves (the application refuses it anyway: BatchTests).
        await Expect(page.Locator(".batch-mine")).ToContainTextAsync("请另一位项目经理打开本页审批");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "批准 2 名学生" })).ToHaveCountAsync(0);
        await Expect(page.Locator("table tbody").Last.GetByText("待审批")).ToHaveCountAsync(2);

        // The dashboard shows the batch waiting for a second person, as one line.
        await page.GotoAsync($"/console/{programme}");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "批次：镇坪县中学 2026-2027 秋季学期" })).ToBeVisibleAsync();

        // The same school and term again: the preview says it exists and offers no button.
        await page.GotoAsync($"/console/{programme}/batches/new?AcademicYear=2026-2027&Term={Uri.EscapeDataString("秋季学期")}&School={Uri.EscapeDataString("镇坪县中学")}");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("已经创建过");
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^创建批次") })).ToHaveCountAsync(0);

        await using (var second = await browser.NewSessionAsync(app))
        {
            await second.Page.SignInAsync(approver.Login!);
            await second.Page.GotoAsync(batchUrl);
            await second.Page.GetByRole(AriaRole.Button, new() { Name = "批准 2 名学生" }).ClickAsync();
            await Expect(second.Page.Locator(".alert-ok")).ToHaveTextAsync("已批准整个批次。");
            await Expect(second.Page.Locator("table tbody").Last.GetByText("已批准")).ToHaveCountAsync(2);
        }

        // The maker records the payment with one bank reference.
        await page.GotoAsync(batchUrl);
        await page.GetByLabel("银行流水号").FillAsync("ICBC-20261203-0001");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记支付（2 人）" }).ClickAsync();
        await Expect(page.Locator(".alert-ok")).ToHaveTextAsync("已登记整批支付。");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("已支付 2 人");
        await Expect(page.Locator("table").First).ToContainTextAsync("ICBC-20261203-0001");
        if (axe) await page.AssertAccessibleAsync();
        Assert.Equal("1000.00", (await admin.Balance(programme)).Str("disbursed"));

        var sheet = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "下载签领表（PDF）" }).ClickAsync());
        var text = Pdf.Text(await File.ReadAllBytesAsync(await sheet.PathAsync(), TestContext.Current.CancellationToken));
        Assert.Contains("签领表", text);
        foreach (var code in students) Assert.Contains(code, text);
        Assert.Contains("李雨萱", text);

        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "下载付款清单（CSV）" }).ClickAsync());
        var rows = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await csv.PathAsync(), TestContext.Current.CancellationToken)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length); // the header and two students
        Assert.All(students, code => Assert.Contains(rows, r => r.Contains(code) && r.Contains("500.00")));

        // The terms: one that paid disbursements stand on cannot be renamed; an empty list is refused beside the fields.
        await page.GotoAsync($"/console/{programme}/batches/terms");
        await page.Locator("#Names_0").FillAsync("秋季");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.Locator(".alert-error")).ToContainTextAsync("不能改名或删除");
        await page.Locator("#Names_0").FillAsync("");
        await page.Locator("#Names_1").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.Locator("[id='Names-error']")).ToHaveTextAsync("每个项目设 1 至 6 个学期。");
        if (axe) await page.AssertAccessibleAsync();

        // The list shows the batch as paid.
        await page.GotoAsync($"/console/{programme}/batches");
        await Expect(page.Locator("table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table tbody tr")).ToContainTextAsync("已支付 2 人");
    }
}
