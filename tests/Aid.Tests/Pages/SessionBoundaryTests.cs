using System.Net.Http.Headers;
using Aid.Tests.Support;

namespace Aid.Tests.Pages;

/// <summary>
/// The two schemes never mix, over plain HTTP: the JSON API refuses a page session (401), the pages refuse a bearer key
/// (redirect to sign-in), and every form POST without its antiforgery token is refused (400).
/// </summary>
public sealed class SessionBoundaryTests(EngineApps apps) : IClassFixture<EngineApps>
{
    /// <summary>A client holding a page session of a new person (cookies kept by the client).</summary>
    private static async Task<HttpClient> SignedInAsync(AidApp app, string role = "manager")
    {
        var person = role == "admin" ? await app.PersonAsync("admin") : await app.PersonAsync(role, [(await app.Admin().CreateProgramme()).Id()]);
        return await app.Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true }).SignInWithFormAsync(person.Login!);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task The_API_refuses_a_session_cookie(Engine engine)
    {
        var app = await apps.For(engine);
        var browser = await SignedInAsync(app);
        var account = await browser.GetAsync("/account", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode); // the session is good for pages
        var api = await browser.GetAsync("/api/v1/programmes", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var write = await browser.PostAsync("/api/v1/donors", JsonContent.Create(new { kind = "person", name = "赵敏", anonymous = false, language = "zh-CN" }),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task Pages_refuse_a_bearer_key_and_send_it_to_sign_in(Engine engine)
    {
        var app = await apps.For(engine);
        var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.AdminKey);
        foreach (var path in new[] { "/account", "/admin/users", "/account/password" })
        {
            var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/signin?ReturnUrl=", response.Headers.Location!.PathAndQuery);
        }
        // The same key is good for the API.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/programmes", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task Every_form_post_without_its_antiforgery_token_is_refused(Engine engine)
    {
        var app = await apps.For(engine);
        var browser = await SignedInAsync(app, "admin"); // the admin page's forms too
        var forms = new Dictionary<string, Dictionary<string, string>>
        {
            ["/signin"] = new() { ["Login"] = "a@example.org", ["Password"] = "x" },
            ["/signin/code"] = new() { ["Code"] = "123456" },
            ["/signin/enrol"] = new() { ["Code"] = "123456" },
            ["/signin/link/abc"] = new() { ["NewPassword"] = "0123456789ab", ["ConfirmPassword"] = "0123456789ab" },
            ["/signout"] = new(),
            ["/account?handler=Revoke"] = new() { ["keyId"] = Guid.NewGuid().ToString() },
            ["/account/password"] = new() { ["CurrentPassword"] = Accounts.Password, ["NewPassword"] = "another-password-1", ["ConfirmPassword"] = "another-password-1" },
            ["/account/totp?handler=Begin"] = new(),
            ["/admin/users?handler=Policy"] = new() { ["staffTotpRequired"] = "true" },
        };
        foreach (var (path, fields) in forms)
        {
            var response = await browser.PostAsync(path, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} without a token answered {(int)response.StatusCode}");
        }
        // Nothing changed: the password still works, the session still stands, the policy is off.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account", TestContext.Current.CancellationToken)).StatusCode);
        var policy = await app.Admin().Get("/api/v1/security-policy").Expect(HttpStatusCode.OK);
        Assert.False(policy.GetProperty("staffTotpRequired").GetBoolean());
    }

    [Theory, ClassData(typeof(PageFlowEngines))]
    public async Task A_browser_gets_a_page_for_an_unknown_address_or_a_stale_form_and_a_program_gets_ProblemDetails(Engine engine)
    {
        var app = await apps.For(engine);
        var browser = await SignedInAsync(app);
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");

        var missing = await browser.GetAsync($"/console/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("text/html", missing.Content.Headers.ContentType?.MediaType);
        var page = await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("找不到这个页面", page);
        Assert.Contains("href=\"/console\"", page); // a way on for staff

        var stale = await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string> { ["NewPassword"] = "x" }),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("页面可能已过期", await stale.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // Programs: the API's unknown address answers ProblemDetails even to a client that also accepts HTML; so does a page
        // address asked for without HTML in Accept.
        var api = await browser.GetAsync("/api/v1/nothing-here", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.NotEqual("text/html", api.Content.Headers.ContentType?.MediaType);
        var plain = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        var noHtml = await plain.GetAsync("/nothing-here", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, noHtml.StatusCode);
        Assert.NotEqual("text/html", noHtml.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>The sign-in pages are rate-limited per client address: past the limit a page (not a JSON problem) says to wait.</summary>
public sealed class SignInRateLimitTests(SignInRateLimitTests.StrictApps apps) : IClassFixture<SignInRateLimitTests.StrictApps>
{
    public sealed class StrictApps : EngineApps
    {
        protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
            builder.UseSetting("Aid:Security:SignInsPerMinute", "3");
    }

    [Fact]
    public async Task The_fourth_sign_in_request_in_a_minute_waits()
    {
        var app = await apps.For(Engine.Sqlite);
        var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin", TestContext.Current.CancellationToken)).StatusCode);
        var refused = await client.GetAsync("/signin", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/html; charset=utf-8", refused.Content.Headers.ContentType?.ToString());
        Assert.Contains("尝试过于频繁", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // Other pages and the API are not limited by it.
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync("/api/v1/programmes", TestContext.Current.CancellationToken)).StatusCode);
    }
}
