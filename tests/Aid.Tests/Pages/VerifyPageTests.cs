using Aid.Application.Receipts;
using Aid.Tests.Api;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>Browser apps with a real-looking issuer, so the page shows the issuer's configured name, code and address.</summary>
public sealed class VerifyPageApps : KestrelEngineApps
{
    public const string IssuerName = "安康市青禾公益基金会";
    public const string IssuerCode = "53610900MJ1234567X";
    public const string IssuerAddress = "陕西省安康市汉滨区巴山东路 18 号";

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Issuer:Name", IssuerName);
        builder.UseSetting("Aid:Issuer:Code", IssuerCode);
        builder.UseSetting("Aid:Issuer:Address", IssuerAddress);
    }
}

/// <summary>
/// The public verification page in Chromium at a phone's size, what a donor or a tax officer sees after scanning a receipt's QR
/// code: a valid receipt (有效, number, amount with 大写, date, issuer; never the donor), the same receipt voided and reissued
/// (已作废 and the replacement's number; the replacement says which receipt it replaces), an English receipt in English, a wrong
/// code and a malformed number with what to do next; the page's stylesheet loads under its strict policy and nothing scrolls
/// sideways; axe on every state. The JSON answer keeps its five fields.
/// </summary>
public sealed class VerifyPageTests(VerifyPageApps apps, BrowserFixture browser) : IClassFixture<VerifyPageApps>
{
    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).ToString("yyyy-MM-dd");

    private static async Task<(JsonElement Receipt, string Donor)> IssueAsync(HttpClient admin, string amount, string language)
    {
        var programme = (await admin.CreateProgramme()).Id();
        var name = "王秘密-" + Guid.NewGuid().ToString("N")[..6];
        var donor = (await admin.PostJson("/api/v1/donors", new { kind = "person", name, anonymous = false, language }).Expect(HttpStatusCode.Created)).Id();
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, amount, receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        return (receipt, name);
    }

    private static string Link(JsonElement receipt) => $"/verify/{receipt.Str("number")}?code={receipt.Str("verificationCode")}";

    private static async Task<IPage> PhoneAsync(BrowserSession session)
    {
        await session.Page.SetViewportSizeAsync(390, 844);
        return session.Page;
    }

    /// <summary>The stylesheet applied (so the strict policy let it in), and nothing wider than the phone's screen.</summary>
    private static async Task AssertStyledForThePhoneAsync(IPage page, BrowserSession session)
    {
        Assert.Equal("12px", await page.Locator("main section").First.EvaluateAsync<string>("e => getComputedStyle(e).borderTopLeftRadius"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        Assert.Empty(session.PageErrors);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_valid_receipt_then_void_and_reissued_on_a_phone(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var axe = engine == Engine.Sqlite;
        var (receipt, donor) = await IssueAsync(admin, "1234.50", "zh-CN");
        var number = receipt.Str("number");
        var issuedOn = DateOnly.Parse(receipt.Str("issuedOn"), System.Globalization.CultureInfo.InvariantCulture);
        await using var session = await browser.NewSessionAsync(app);
        var page = await PhoneAsync(session);

        var response = await page.GotoAsync(Link(receipt));
        Assert.Equal("no-store", await response!.HeaderValueAsync("cache-control"));
        Assert.Equal("default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            await response.HeaderValueAsync("content-security-policy"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page).ToHaveTitleAsync("收据核验：有效");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("有效");
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync(VerifyPageApps.IssuerName);
        var facts = page.Locator("dl");
        await Expect(facts).ToContainTextAsync(number);
        await Expect(facts).ToContainTextAsync("¥1,234.50");
        await Expect(facts).ToContainTextAsync("大写：" + ChineseAmount.Renminbi(123450));
        await Expect(facts).ToContainTextAsync($"{issuedOn.Year}年{issuedOn.Month}月{issuedOn.Day}日");
        await Expect(facts).ToContainTextAsync(VerifyPageApps.IssuerCode);
        await Expect(page.Locator("address")).ToContainTextAsync(VerifyPageApps.IssuerAddress);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(donor[..3]); // never the donor
        await Expect(page.Locator("body")).Not.ToContainTextAsync("已作废");
        await AssertStyledForThePhoneAsync(page, session);
        if (axe) await page.AssertAccessibleAsync();

        // Voided and reissued: the same link now says 已作废 and names the replacement.
        var voided = await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "捐赠人姓名有误", reissue = true }).Expect(HttpStatusCode.OK);
        var replacement = voided.Str("replacedBy");
        await page.GotoAsync(Link(receipt));
        await Expect(page).ToHaveTitleAsync("收据核验：已作废");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("已作废");
        await Expect(page.Locator(".v-replacement")).ToContainTextAsync($"已补开新收据 {replacement}");
        await Expect(facts).ToContainTextAsync("¥1,234.50");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("捐赠人姓名有误"); // the reason stays with the issuer
        await AssertStyledForThePhoneAsync(page, session);
        if (axe) await page.AssertAccessibleAsync();

        // The replacement verifies with its own code and says which receipt it replaces.
        var reissued = await admin.Get($"/api/v1/receipts/{replacement}").Expect(HttpStatusCode.OK);
        await page.GotoAsync(Link(reissued));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("有效");
        await Expect(facts).ToContainTextAsync(replacement);
        await Expect(page.Locator(".v-fact", new() { HasText = "替代的收据" })).ToContainTextAsync(number);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task An_English_receipt_in_English_and_a_wrong_code_or_number_with_what_to_do(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var axe = engine == Engine.Sqlite;
        var (receipt, donor) = await IssueAsync(admin, "88.00", "en");
        var number = receipt.Str("number");
        var code = receipt.Str("verificationCode");
        await using var session = await browser.NewSessionAsync(app); // a browser that prefers Chinese: the receipt's language wins
        var page = await PhoneAsync(session);

        await page.GotoAsync(Link(receipt).Replace(code, code.ToLowerInvariant(), StringComparison.Ordinal)); // typed in lower case
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Valid");
        await Expect(page.Locator("dl")).ToContainTextAsync("CNY 88.00");
        await Expect(page.Locator("dl")).ToContainTextAsync("In Chinese capitals: " + ChineseAmount.Renminbi(8800));
        await Expect(page.Locator("dl")).ToContainTextAsync(number);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(donor[..3]);
        await AssertStyledForThePhoneAsync(page, session);
        if (axe) await page.AssertAccessibleAsync();

        // A wrong code: nothing about the receipt, what to check, whom to ask (Chinese, English below).
        var wrong = (code[0] == 'A' ? "B" : "A") + code[1..];
        await page.GotoAsync($"/verify/{number}?code={wrong}");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("无效 Invalid");
        await Expect(page.Locator("main")).ToContainTextAsync("收据编号与验证码不匹配");
        await Expect(page.Locator("main")).ToContainTextAsync(wrong); // what was typed, to compare with the paper
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "怎么办" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What to do" })).ToBeVisibleAsync();
        await Expect(page.Locator("address")).ToContainTextAsync(VerifyPageApps.IssuerName);
        await Expect(page.Locator("address")).ToContainTextAsync(VerifyPageApps.IssuerAddress);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("88.00");
        await AssertStyledForThePhoneAsync(page, session);
        if (axe) await page.AssertAccessibleAsync();

        // No code at all, and a number that is not a receipt number (shown encoded, never run).
        await page.GotoAsync($"/verify/{number}");
        await Expect(page.Locator(".v-missing")).ToContainTextAsync("链接中没有验证码");
        await page.GotoAsync("/verify/%3Cscript%3Ealert(1)?code=X");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("未知 Unknown");
        await Expect(page.Locator("dl")).ToContainTextAsync("<script>alert(1)");
        await AssertStyledForThePhoneAsync(page, session);
        if (axe) await page.AssertAccessibleAsync();
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task The_JSON_answer_keeps_its_five_fields_and_nothing_for_the_page(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (receipt, _) = await IssueAsync(admin, "520.00", "zh-CN");
        var number = receipt.Str("number");
        var anonymous = app.Client();
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var voided = await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "重开", reissue = true }).Expect(HttpStatusCode.OK);
        var response = await anonymous.Get(Link(receipt));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var answer = await response.Json();
        Assert.Equal(["currency", "issuedOn", "number", "status", "total"], answer.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("void", answer.Str("status"));
        Assert.Equal("520.00", answer.Str("total"));
        Assert.DoesNotContain(voided.Str("replacedBy"), answer.GetRawText()); // the replacement is for the page only

        var invalid = await anonymous.Get($"/verify/{number}?code=ABCDEFGHJKMN").Expect(HttpStatusCode.OK);
        Assert.Equal("""{"status":"invalid","number":null,"total":null,"currency":null,"issuedOn":null}""", invalid.GetRawText());
    }
}

/// <summary>The page for people is rate-limited like the JSON answer, with a page (not a ProblemDetails) for a refused browser.</summary>
public sealed class VerifyPageRateLimitTests(StrictLimitsApps apps) : IClassFixture<StrictLimitsApps>
{
    [Fact]
    public async Task The_page_is_rate_limited_too_and_a_browser_is_told_when_to_try_again()
    {
        var app = await apps.For(Engine.Sqlite);
        var person = app.Client();
        person.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var page = await person.Get("/verify/AID-2026-000001?code=X");
            statuses.Add(page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        var refused = await person.Get("/verify/AID-2026-000001?code=X");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal("default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            string.Join(", ", refused.Headers.GetValues("Content-Security-Policy")));
        var text = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("请稍后再试", text);
        Assert.Contains("Try again later", text);

        // A program shares the same limit and keeps its ProblemDetails.
        var program = app.Client();
        program.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var throttled = await program.Get("/verify/AID-2026-000001?code=X");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
    }
}
