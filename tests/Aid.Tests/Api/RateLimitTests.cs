using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Aid.Tests.Api;

/// <summary>Low limits, so a test reaches them; the tests run on SQLite only.</summary>
public sealed class StrictLimitsApps : EngineApps
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Security:FailedAuthenticationsPerMinute", "3");
        builder.UseSetting("Aid:Security:VerifyPerMinute", "5");
    }
}

public sealed class RateLimitTests(StrictLimitsApps apps) : IClassFixture<StrictLimitsApps>
{
    [Fact]
    public async Task Repeated_failed_authentication_is_throttled_with_429()
    {
        var app = await apps.For(Engine.Sqlite);
        var guesser = app.Client("aid_wrong-guess");
        for (var i = 0; i < 3; i++)
            await guesser.Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized);
        var throttled = await guesser.Get("/api/v1/donors").Expect(HttpStatusCode.TooManyRequests);
        Assert.Equal(429, throttled.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_valid_key_is_never_throttled_by_failures_from_its_own_address()
    {
        var app = await apps.For(Engine.Sqlite);
        var guesser = app.Client("aid_Guesser1-and-the-rest-of-a-wrong-key");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
            statuses.Add((await guesser.Get("/api/v1/donors")).StatusCode);
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(97, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // Same (test) address: the admin key still works, and so does a key created now.
        await app.Admin().Get("/api/v1/donors").Expect(HttpStatusCode.OK);
        var manager = app.Client(await app.Admin().CreateKey("manager", [(await app.Admin().CreateProgramme()).Id()]));
        await manager.Get("/api/v1/donors").Expect(HttpStatusCode.OK);
        // Only the failing prefix is throttled: another wrong key from the same address is still just unauthorized.
        await app.Client("aid_Another2-wrong-key").Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_failing_prefix_gets_429_with_retry_after_and_a_problem()
    {
        var app = await apps.For(Engine.Sqlite);
        for (var i = 0; i < 3; i++)
            await app.Client($"aid_Prefix03-variant-{i}").Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized);

        var response = await app.Client("aid_Prefix03-yet-another-ending").Get("/api/v1/donors"); // same first 8 characters
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Json();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Too many failed authentications", problem.Str("title"));
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
    }

    [Fact]
    public async Task Requests_without_a_usable_key_are_counted_together_and_do_not_touch_valid_keys()
    {
        var app = await apps.For(Engine.Sqlite);
        await app.Client().Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized); // no header
        var basic = app.Client();
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        await basic.Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized); // garbled
        await app.Client().Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized);
        var throttled = await app.Client().Get("/api/v1/donors");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);

        await app.Client().Get("/health").Expect(HttpStatusCode.OK); // anonymous endpoints are not failures and are not throttled
        await app.Admin().Get("/api/v1/donors").Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_public_verification_endpoint_is_rate_limited()
    {
        var app = await apps.For(Engine.Sqlite);
        var anonymous = app.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await anonymous.Get("/verify/AID-2026-000001?code=X")).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        var throttled = await anonymous.Get("/verify/AID-2026-000001?code=X");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.InRange(throttled.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await throttled.Json()).GetProperty("status").GetInt32());
    }
}
