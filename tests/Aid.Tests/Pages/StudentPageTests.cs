using Aid.Tests.Browser;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// The student and sponsorship pages in Chromium: a manager registers a student with a mistake in the ID number, reads the message
/// beside it, corrects it, finds the student in the list; the student's page carries the ID number, the guardian's phone and the
/// address masked only, and the reveal actions show them once, each look in the audit trail without the value. A student under 14
/// without the guardian's consent cannot be sponsored (the refusal is a message) until the consent is recorded on their page; the
/// sponsorship made in the browser is then on the student's page and in the list. Axe on every page.
/// </summary>
public sealed class StudentPageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_student_is_registered_after_a_mistake_and_the_id_number_is_masked_until_an_audited_reveal(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(Scenario.UniqueCode("ZP"))).Id();
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(person.Login!);

        // The empty list says what to do next.
        await page.GotoAsync($"/console/{programme}/students");
        await Expect(page.GetByText("这个项目还没有登记学生。")).ToBeVisibleAsync();
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "登记第一名学生" }).ClickAsync();
        await Expect(page.GetByText("未满 14 周岁的未成年人的个人信息属于敏感个人信息")).ToBeVisibleAsync(); // the consent rule explained
        if (axe) await page.AssertAccessibleAsync();

        // A mistake: the last character of the ID number is wrong. The message is beside it; nothing is registered.
        var birth = new DateOnly(2009, 4, 18);
        var idNumber = IdNumbers.Make(birth);
        var wrong = idNumber[..17] + (idNumber[17] == '0' ? '1' : '0');
        var name = "周" + UniqueGiven();
        await page.GetByLabel("姓名", new() { Exact = true }).FillAsync(name);
        await page.GetByRole(AriaRole.Radio, new() { Name = "女" }).CheckAsync();
        await page.GetByLabel("出生日期").FillAsync(birth.ToString("yyyy-MM-dd"));
        var id = page.GetByLabel("身份证号码");
        await id.FillAsync(wrong);
        await page.GetByLabel("学校", new() { Exact = true }).FillAsync("镇坪县城关中学");
        await page.GetByLabel("年级 / 班级").FillAsync("高一(3)班");
        await page.GetByLabel("监护人姓名").FillAsync("周建国");
        await page.GetByLabel("监护人电话").FillAsync("139 1234 5678");
        await page.GetByLabel("家庭住址").FillAsync("镇坪县城关镇新华街12号");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记学生" }).ClickAsync();
        await Expect(page.Locator("#IdNumber-error")).ToContainTextAsync("身份证号码不正确");
        await Expect(id).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("姓名", new() { Exact = true })).ToHaveValueAsync(name); // the rest stays as typed
        Assert.Equal(0, await CountAsync(admin, "students", programme));
        if (axe) await page.AssertAccessibleAsync();

        // Corrected, typed as people type it (spaces, a full-width digit).
        await id.FillAsync($"{idNumber[..6]} {idNumber[6..14]} {idNumber[14..17]}{(char)(idNumber[17] == 'X' ? 'x' : idNumber[17] - '0' + '０')}");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记学生" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已登记学生，编号 ZP-0001。");
        var detail = page.Url;

        // The student's page: masked only. The full number, phone and address are nowhere in the HTML.
        var masked = idNumber[..4] + "**********" + idNumber[^4..];
        await Expect(page.Locator("#id-number")).ToHaveTextAsync(masked);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "监护人和住址" })).ToContainTextAsync("139 **** 5678");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "监护人和住址" })).ToContainTextAsync("镇坪县城关镇****");
        var html = await page.ContentAsync();
        Assert.DoesNotContain(idNumber, html);
        Assert.DoesNotContain("1234 5678", html);
        Assert.DoesNotContain("新华街", html);
        await page.Locator("main").AssertGlyphsRenderAsync();
        if (axe) await page.AssertAccessibleAsync();

        // In the list, filtered by school from the URL.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回学生名单" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ZP-0001" });
        await Expect(row).ToContainTextAsync(name);
        await Expect(row).ToContainTextAsync("镇坪县城关中学");
        await Expect(row).ToContainTextAsync("高一(3)班");
        await Expect(row).ToContainTextAsync("在读");
        Assert.DoesNotContain(idNumber, await page.ContentAsync());
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByLabel("学生编号或姓名").FillAsync(name[1..]); // a part of the name, typed in the filter
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ZP-0001" })).ToContainTextAsync(name);
        Assert.Contains("q=", page.Url);
                await page.GotoAsync($"/console/{programme}/students?school={Uri.EscapeDataString("别的学校")}&status=active");
        await Expect(page.GetByText("没有符合筛选条件的学生。")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("状态")).ToHaveValueAsync("active");
        if (axe) await page.AssertAccessibleAsync();

        // The reveal: the full number once, one audit record naming the person and the student, not the number.
        await page.GotoAsync(detail);
        var before = await app.CountAsync("audit_log");
        await page.GetByRole(AriaRole.Button, new() { Name = "显示身份证号" }).ClickAsync();
        await Expect(page.Locator("#id-number")).ToHaveTextAsync(idNumber);
        if (axe) await page.AssertAccessibleAsync();
        var studentId = Guid.Parse(detail.Split('/')[^1]);
        var reveal = (await AuditOfAsync(app, studentId))[^1];
        Assert.Equal("RevealStudentIdNumber", reveal.Action);
        Assert.Equal($"user:{person.Id}", reveal.Actor);
        Assert.Contains("ZP-0001", reveal.Summary);
        Assert.DoesNotContain(idNumber, reveal.Summary);
        Assert.Equal(before + 1, await app.CountAsync("audit_log"));

        // The contact details, the same way.
        await page.GetByRole(AriaRole.Button, new() { Name = "显示电话和住址" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "监护人和住址" })).ToContainTextAsync("139 1234 5678");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "监护人和住址" })).ToContainTextAsync("镇坪县城关镇新华街12号");
        Assert.DoesNotContain(idNumber, await page.ContentAsync()); // one reveal does not bring the other along
        var look = (await AuditOfAsync(app, studentId))[^1];
        Assert.Equal("RevealStudentContact", look.Action);
        Assert.DoesNotContain("5678", look.Summary);
        Assert.DoesNotContain("新华街", look.Summary);

        // Shown once: the page read again is masked again, and no reveal reached the trail in clear.
        await page.GotoAsync(detail);
        await Expect(page.Locator("#id-number")).ToHaveTextAsync(masked);
        Assert.DoesNotContain(idNumber, await page.ContentAsync());
        var trail = string.Join("\n", (await AuditOfAsync(app, studentId)).Select(r => r.Summary));
        Assert.DoesNotContain(idNumber, trail);
        Assert.DoesNotContain(idNumber, app.Logs.All);
        Assert.Empty(session.PageErrors);

        // Another programme's student, and a programme outside the person's scope: not found (the browser logs the 404s).
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        var stranger = await admin.Register(other, "王小明");
        Assert.Equal(404, (await page.GotoAsync($"/console/{programme}/students/{stranger.Id()}"))!.Status); // another programme's student
        Assert.Equal(404, (await page.GotoAsync($"/console/{other}/students/{stranger.Id()}"))!.Status);  // a programme outside the scope
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task An_under_14_without_consent_is_refused_until_the_consent_is_recorded_then_the_sponsorship_is_on_the_students_page(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(Scenario.UniqueCode("ZP"))).Id();
        var donorName = "爱心企业-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateDonor(donorName, kind: "organisation");
        var person = await app.PersonAsync("manager", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(person.Login!);

        await page.GotoAsync($"/console/{programme}/sponsorships");
        await Expect(page.GetByText("这个项目还没有结对资助。")).ToBeVisibleAsync();
        if (axe) await page.AssertAccessibleAsync();

        // A ten-year-old registered without the guardian's consent (allowed: it may be recorded later).
        var birth = Today.AddYears(-10).AddDays(-3);
        var name = "李" + UniqueGiven();
        await page.GotoAsync($"/console/{programme}/students/new");
        await page.GetByLabel("姓名", new() { Exact = true }).FillAsync(name);
        await page.GetByRole(AriaRole.Radio, new() { Name = "男" }).CheckAsync();
        await page.GetByLabel("出生日期").FillAsync(birth.ToString("yyyy-MM-dd"));
        await page.GetByLabel("身份证号码").FillAsync(IdNumbers.Make(birth));
        await page.GetByLabel("学校", new() { Exact = true }).FillAsync("镇坪县曾家镇中心小学");
        await page.GetByLabel("年级 / 班级").FillAsync("四年级");
        await page.GetByLabel("同意书凭证编号").FillAsync("监护人同意书-2024-007"); // a reference without its date: refused beside the date
        await page.GetByRole(AriaRole.Button, new() { Name = "登记学生" }).ClickAsync();
        await Expect(page.Locator("#ConsentDate-error")).ToContainTextAsync("请填写监护人签署同意书的日期");
        await page.GetByLabel("同意书凭证编号").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记学生" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已登记学生，编号");
        var studentPage = page.Url;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "尚未登记监护人同意" })).ToBeVisibleAsync();
        if (axe) await page.AssertAccessibleAsync();

        // Sponsoring them is refused with the application's rule, in Chinese.
        await page.GetByRole(AriaRole.Link, new() { Name = "为这名学生结对资助" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = name })).ToBeCheckedAsync();
        await page.GetByLabel("捐赠人名字（输入其中几个字）").FillAsync(donorName[^6..]);
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = donorName })).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = name })).ToBeCheckedAsync(); // the student stays chosen
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByLabel("每学年金额（元）").FillAsync("1,000");
        await page.GetByRole(AriaRole.Button, new() { Name = "建立结对" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("未满 14 周岁：请先登记监护人的同意");
        await Expect(page.GetByLabel("每学年金额（元）")).ToHaveValueAsync("1,000");
        if (axe) await page.AssertAccessibleAsync();
        Assert.Equal(0, await CountAsync(admin, "sponsorships", programme));

        // The consent recorded on the student's page.
        await page.GotoAsync(studentPage);
        await page.GetByRole(AriaRole.Button, new() { Name = "登记监护人同意" }).ClickAsync();
        await Expect(page.Locator("#ConsentReference-error")).ToContainTextAsync("请填写同意书的凭证编号");
        await page.GetByLabel("同意日期").FillAsync(Today.AddDays(-7).ToString("yyyy-MM-dd"));
        await page.GetByLabel("同意书凭证编号").FillAsync("监护人同意书-2024-007");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记监护人同意" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已登记监护人同意");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "尚未登记监护人同意" })).ToHaveCountAsync(0);

        // Now the sponsorship, the student found by code this time; more than the standard is refused beside the amount.
        await page.GotoAsync($"/console/{programme}/sponsorships/new");
        await page.GetByLabel("捐赠人名字（输入其中几个字）").FillAsync(donorName);
        await page.GetByLabel("学生编号或姓名").FillAsync("zp-0001");
        await page.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = donorName })).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = name })).ToBeCheckedAsync();
        await page.GetByLabel("每学年金额（元）").FillAsync("1200");
        await page.GetByRole(AriaRole.Button, new() { Name = "建立结对" }).ClickAsync();
        await Expect(page.Locator("#AnnualAmount-error")).ToContainTextAsync("超过本项目的年度资助标准");
        await page.GetByLabel("每学年金额（元）").FillAsync("￥800");
        await page.GetByRole(AriaRole.Button, new() { Name = "建立结对" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已为学生 ZP-0001 与 {donorName} 结对");
        Assert.Equal(studentPage, page.Url);

        // On the student's page and in the list.
        var sponsorships = page.GetByRole(AriaRole.Region, new() { Name = "结对资助" });
        await Expect(sponsorships.GetByRole(AriaRole.Row).Filter(new() { HasText = donorName })).ToContainTextAsync("¥800.00");
        if (axe) await page.AssertAccessibleAsync();
        await page.GotoAsync($"/console/{programme}/sponsorships");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ZP-0001" });
        await Expect(row).ToContainTextAsync(donorName);
        await Expect(row).ToContainTextAsync(name);
        await Expect(row).ToContainTextAsync("¥800.00");
        await Expect(row).ToContainTextAsync("学年");
        if (axe) await page.AssertAccessibleAsync();
        Assert.Empty(session.PageErrors);
    }

    private static string UniqueGiven() => new([(char)('晓' + Random.Shared.Next(0, 200)), (char)('明' + Random.Shared.Next(0, 200))]);

    private static async Task<int> CountAsync(HttpClient admin, string resource, Guid programme) =>
        (await admin.Get($"/api/v1/{resource}?programmeId={programme}&limit=500").Expect(HttpStatusCode.OK)).GetProperty("items").GetArrayLength();

    private static async Task<List<(string Action, string Actor, string Summary)>> AuditOfAsync(AidApp app, Guid entity)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return (await connection.QueryAsync<(string, string, string)>(
            "SELECT action, actor, summary FROM audit_log WHERE entity_id = @id ORDER BY sequence", new { id = entity.ToString() })).ToList();
    }
}
