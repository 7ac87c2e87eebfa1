using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class HttpHardeningTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static void AssertSecurityHeaders(HttpResponseMessage response, string? contentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'")
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("same-origin", Header("Cross-Origin-Opener-Policy"));
        if (contentSecurityPolicy is not null) Assert.Equal(contentSecurityPolicy, Header("Content-Security-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is for https only");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Every_answer_carries_the_security_headers(Engine engine)
    {
        var app = await apps.For(engine);
        var ct = TestContext.Current.CancellationToken;
        var json = await app.Admin().GetAsync("/api/v1/donors", ct);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        AssertSecurityHeaders(json);

        var notFound = await app.Admin().GetAsync($"/api/v1/donors/{Guid.CreateVersion7()}", ct);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        AssertSecurityHeaders(notFound);
        var noRoute = await app.Client().GetAsync("/no/such/route", ct);
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        AssertSecurityHeaders(noRoute);

        var health = await app.Client().GetAsync("/health", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        AssertSecurityHeaders(health);
        AssertSecurityHeaders(await app.Client().GetAsync("/api/v1/donors", ct)); // a 401 too

        // The verification page keeps its own, stricter policy.
        var page = await app.Client().GetAsync("/verify/AID-2026-000001?code=X", ct);
        AssertSecurityHeaders(page, "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"); // its own stylesheet only
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task JSON_is_compressed_when_the_client_accepts_it(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        for (var i = 0; i < 5; i++) await admin.CreateDonor($"压缩测试捐赠人{i}");
        var plain = await (await admin.GetAsync("/api/v1/donors", TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        foreach (var (encoding, decompress) in new (string, Func<Stream, Stream>)[]
                 {
                     ("gzip", s => new GZipStream(s, CompressionMode.Decompress)),
                     ("br", s => new BrotliStream(s, CompressionMode.Decompress)),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/donors");
            request.Headers.AcceptEncoding.ParseAdd(encoding);
            var response = await admin.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            AssertSecurityHeaders(response);
            await using var body = decompress(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            var text = await new StreamReader(body, Encoding.UTF8).ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.Equal(plain, text);
        }

        // Without Accept-Encoding the answer is plain.
        var identity = await admin.GetAsync("/api/v1/donors", TestContext.Current.CancellationToken);
        Assert.Empty(identity.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Https_answers_carry_HSTS()
    {
        var app = await apps.For(Engine.Sqlite);
        var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://aid.example.org"),
        });
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal("max-age=31536000", string.Join("", response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task The_Scalar_page_gets_a_policy_that_allows_its_own_scripts_and_nothing_from_elsewhere()
    {
        var app = await apps.For(Engine.Sqlite);
        var client = app.Client();
        var page = await client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var policy = string.Join("", page.Headers.GetValues("Content-Security-Policy"));
        var directives = policy.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.Equal(["'none'"], directives["default-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'self'"], directives["connect-src"]);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal); // nothing from another origin
        Assert.DoesNotContain("'unsafe-inline'", directives["script-src"]);
        Assert.DoesNotContain("'unsafe-eval'", directives["script-src"]);
        Assert.Contains("'self'", directives["script-src"]);

        // Every script the page loads comes from the app, and every inline script is allowed by its hash.
        var scripts = Regex.Matches(html, "<script(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline);
        Assert.NotEmpty(scripts);
        foreach (Match script in scripts)
        {
            var src = Regex.Match(script.Groups["attributes"].Value, "src=\"(?<url>[^\"]+)\"");
            if (src.Success)
            {
                var asset = await client.GetAsync(new Uri(new Uri("http://localhost/scalar/"), src.Groups["url"].Value), TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
                continue;
            }
            var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups["body"].Value.Replace("\r\n", "\n"))));
            Assert.Contains($"'sha256-{hash}'", directives["script-src"]);
        }
        // The page reads the OpenAPI document from the app.
        await client.Get("/openapi/v1.json").Expect(HttpStatusCode.OK);
    }
}
