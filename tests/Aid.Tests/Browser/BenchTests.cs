using Aid.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Browser;

/// <summary>
/// The browser bench itself: the app on real Kestrel, shared by Chromium and HttpClient; Chinese text drawn with a real font;
/// the accessibility assertion able to fail. Page tests elsewhere are written the same way.
/// </summary>
public sealed class BenchTests(KestrelEngineApps apps, BrowserFixture browser) : IClassFixture<KestrelEngineApps>
{
    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task Verify_page_in_Chromium_shows_Chinese_with_a_real_font_and_passes_axe(Engine engine)
    {
        var app = await apps.For(engine);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;

        var response = await page.GotoAsync("/verify/AID-1999-999999?code=ABCDEFGHJKMN");
        Assert.Equal(200, response!.Status);
        Assert.Equal("zh-CN", await response.Request.HeaderValueAsync("accept-language"));
        await Expect(page).ToHaveTitleAsync("收据核验 Receipt verification");
        await Expect(page.Locator("h1")).ToHaveTextAsync("无效 Invalid");
        await Expect(page.Locator("p")).ToContainTextAsync("收据编号与验证码不匹配");
        await page.Locator("body").AssertGlyphsRenderAsync();
        await page.AssertAccessibleAsync();
        Assert.Empty(session.PageErrors); // nothing refused by the page's strict CSP, no script errors

        // The same app answers plain HTTP over the socket: HTTP and browser steps can share one app in a test.
        var client = app.Client();
        Assert.Equal(app.BaseAddress, client.BaseAddress);
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var answer = await client.GetFromJsonAsync<JsonElement>("/verify/AID-1999-999999?code=ABCDEFGHJKMN", TestContext.Current.CancellationToken);
        Assert.Equal("invalid", answer.GetProperty("status").GetString());
    }

    /// <summary>
    /// On SQLite only: the reference page reads no data. Scalar's large script bundle takes seconds to run on two cores, and
    /// many more while the rest of the suite keeps both cores busy (a CI run timed out at 10 s waiting for the load event), so
    /// this test waits for the rendered headings, not for the load event, and allows a minute.
    /// </summary>
    [Fact]
    public async Task Scalar_reference_renders_the_API_in_Chromium()
    {
        var app = await apps.For(Engine.Sqlite);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;

        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/scalar/", new() { WaitUntil = WaitUntilState.Commit });
        var rendered = new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 };
        // Rendered by Scalar's script from /openapi/v1.json under the page's CSP: the title, an operation, a tag in the sidebar.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Aid API", Level = 1 })).ToBeVisibleAsync(rendered);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create a programme", Level = 3 })).ToBeVisibleAsync(rendered);
        await Expect(page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Verification" })).ToBeVisibleAsync(rendered);
        // The page's CSP refuses only Scalar's web fonts from fonts.scalar.com (by design: it falls back to system fonts).
        Assert.All(session.PageErrors, e => Assert.Contains("https://fonts.scalar.com/", e));
    }

    [Fact]
    public async Task Accessibility_assertion_reports_an_image_without_alt_and_passes_a_clean_page()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        const string head = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试</title></head>""";

        await page.SetContentAsync(head + """<body><main><h1>收据</h1><p>有效</p></main></body></html>""");
        await page.AssertAccessibleAsync();

        await page.SetContentAsync(head + """<body><main><h1>收据</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20"></main></body></html>""");
        var failure = await Assert.ThrowsAnyAsync<Exception>(page.AssertAccessibleAsync);
        Assert.Contains("image-alt (critical)", failure.Message);
        Assert.Contains("img", failure.Message);

        // Serious counts too; moderate does not (a skipped heading level is left to review).
        await page.SetContentAsync(head + """<body><main><h1>收据</h1><p id="faint" style="color:#bbb;background:#fff">已作废</p></main></body></html>""");
        failure = await Assert.ThrowsAnyAsync<Exception>(page.AssertAccessibleAsync);
        Assert.Contains("color-contrast (serious)", failure.Message);
        Assert.Contains("#faint", failure.Message);
        await page.SetContentAsync(head + """<body><main><h1>收据</h1><h3>明细</h3><p>有效</p></main></body></html>""");
        await page.AssertAccessibleAsync();
    }
}
