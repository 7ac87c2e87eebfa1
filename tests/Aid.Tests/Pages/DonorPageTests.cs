using System.Text.RegularExpressions;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>
/// The console's donor pages in Chromium: the empty list says what to do, a donor added with a mistake gets the message beside
/// the field, found again by a part of the name, shown with their gifts, pledges, receipts (the PDF through the page session)
/// and sponsorships, edited; page links and addresses a person can mistype never answer 500.
/// </summary>
public sealed class DonorPageTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_manager_adds_a_donor_with_a_mistake_finds_them_by_part_of_the_name_and_edits_their_email(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var person = await app.PersonAsync("manager", [programme]);
        var axe = engine == Engine.Sqlite; // the pages do not depend on the engine; axe costs about a second a page

        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        await page.SignInAsync(person.Login!);

        // A fresh organisation: the list says what to do next.
        await page.GotoAsync("/console/donors");
        await Expect(page.Locator(".donor-empty")).ToHaveTextAsync("还没有捐赠人：添加第一位。");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "添加第一位" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "添加捐赠人" })).ToBeVisibleAsync();

        // The name forgotten: the message beside the name field, what was typed kept.
        await page.GetByLabel("电子邮箱").FillAsync("jiang.sh@example.cn");
        await page.GetByLabel("电话").FillAsync("+86 138-0000-0000");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加", Exact = true }).ClickAsync();
        var name = page.GetByLabel("姓名或机构名称");
        await Expect(page.Locator("[id='Form.Name-error']")).ToHaveTextAsync("请填写姓名或机构名称。");
        await Expect(name).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(name).ToHaveAttributeAsync("aria-describedby", "Form.Name-error");
        await Expect(page.GetByLabel("电子邮箱")).ToHaveValueAsync("jiang.sh@example.cn"); // what was typed stays
        if (axe) await page.AssertAccessibleAsync();
        await name.FillAsync(" 蒋晟晖 ");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("已添加捐赠人“蒋晟晖”。");
        await Expect(page).ToHaveURLAsync(new Regex("/console/donors/[0-9a-f-]{36}$"));
        var donor = Guid.Parse(page.Url[^36..]);

        // Their money, as the API records it.
        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "1234.50", reference: "BANK-DONORPAGE", receivedOn: today));
        await admin.PostJson("/api/v1/pledges", new { donorId = donor, programmeId = programme, total = "3000.00", frequency = "yearly", count = 3, firstDueDate = today })
            .Expect(HttpStatusCode.Created);
        var receipt = (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created)).Str("number");
        var student = await admin.Register(programme);
        await admin.PostJson("/api/v1/sponsorships", new
        {
            programmeId = programme, donorId = donor, studentId = student.Id(), fromYear = 2025, toYear = 2026, annualAmount = "1000.00",
        }).Expect(HttpStatusCode.Created);

        // Found by a part of the name; a name nobody has says so.
        await page.GetByRole(AriaRole.Link, new() { Name = "捐赠人", Exact = true }).ClickAsync();
        var search = page.GetByLabel("姓名或名称中的字");
        await search.FillAsync("晟晖");
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("q=%E6%99%9F%E6%99%96"));
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "蒋晟晖" })).ToContainTextAsync("jiang.sh@example.cn");
        if (axe) await page.AssertAccessibleAsync();
        await search.FillAsync("JSH"); // and by the pinyin initials of the name, in either case
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "蒋晟晖" })).ToContainTextAsync("jiang.sh@example.cn");
        await search.FillAsync("欧阳");
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Expect(page.Locator(".donor-empty")).ToHaveTextAsync("没有找到名称中含“欧阳”的捐赠人。");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "蒋晟晖" })).ToHaveCountAsync(0);
        await page.GotoAsync("/console/donors?q=%E6%99%9F&kind=person");
        await page.GetByRole(AriaRole.Link, new() { Name = "蒋晟晖" }).ClickAsync();

        // The donor's page: their gifts, pledges, receipts and sponsorships in words and yuan.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("蒋晟晖");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "BANK-DONORPAGE" }))
            .ToHaveTextAsync(new Regex($"{today}\\s*青系镇坪，雏鹰伴翔\\s*现金\\s*¥1,234.50\\s*银行转账\\s*BANK-DONORPAGE\\s*已入账"));
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "¥3,000.00" })).ToHaveTextAsync(new Regex("青系镇坪，雏鹰伴翔\\s*¥3,000.00\\s*¥0.00\\s*¥3,000.00\\s*履行中"));
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = receipt })).ToHaveTextAsync(new Regex($"{receipt}\\s*单笔\\s*{today}\\s*¥1,234.50\\s*有效\\s*下载"));
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = student.Str("code") })).ToHaveTextAsync(new Regex("青系镇坪，雏鹰伴翔\\s*2025–2026\\s*¥1,000.00"));
        await page.Locator("main").AssertGlyphsRenderAsync();
        if (axe) await page.AssertAccessibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = $"下载收据 {receipt} 的 PDF" }).ClickAsync());
        Assert.Equal($"{receipt}.pdf", download.SuggestedFilename);
        var pdf = Pdf.Text(await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken));
        Assert.Contains(receipt, pdf);
        Assert.Contains("蒋晟晖", pdf);

        // Edit: the new e-mail on the donor's page.
        await page.GetByRole(AriaRole.Link, new() { Name = "修改资料" }).ClickAsync();
        var email = page.GetByLabel("电子邮箱");
        await Expect(email).ToHaveValueAsync("jiang.sh@example.cn");
        if (axe) await page.AssertAccessibleAsync();
        await email.FillAsync("not an address");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.Locator("[id='Form.Email-error']")).ToHaveTextAsync("电子邮箱格式不正确，例如 name@example.cn。");
        await Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await email.FillAsync("shenghui@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("已保存修改。");
        await Expect(page.Locator("dl.donor-facts")).ToContainTextAsync("电子邮箱shenghui@example.org");

        // The add form sent twice (a double click, a resent POST): one donor, both answers lead to them.
        await page.GotoAsync("/console/donors/new");
        var sent = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var form = page.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", await page.Locator("main input[name=__RequestVerificationToken]").InputValueAsync());
            form.Set("FormKey", await page.Locator("input[name=FormKey]").InputValueAsync());
            form.Set("Form.Kind", "person");
            form.Set("Form.Name", "刘洋");
            var response = await page.APIRequest.PostAsync("/console/donors/new", new() { Form = form, MaxRedirects = 0 });
            Assert.Equal(302, response.Status);
            sent.Add(response.Headers["location"]);
        }
        Assert.Equal(sent[0], sent[1]);
        await page.GotoAsync("/console/donors?q=%E5%88%98%E6%B4%8B");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "刘洋" })).ToHaveCountAsync(1);

        // What a person can mistype: a page link that is not one of ours, an address that is no donor's.
        await page.GotoAsync("/console/donors?cursor=not-a-cursor");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("页码链接无效，已显示第一页。");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "蒋晟晖" })).ToBeVisibleAsync();
        await page.GotoAsync($"/console/donors/{donor}?gifts=nonsense");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("页码链接无效，已显示第一页。");
        Assert.Empty(session.PageErrors); // nothing refused by the CSP, no script errors (the 404s below log one each)
        Assert.Equal(404, (await page.GotoAsync("/console/donors/not-a-donor"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/donors/{Guid.NewGuid()}/edit"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/donors/{Guid.NewGuid()}?handler=receipt&number={receipt}"))!.Status);
    }
}
