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
    public async Task The_public_verification_endpoint_is_rate_limited()
    {
        var app = await apps.For(Engine.Sqlite);
        var anonymous = app.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await anonymous.Get("/verify/AID-2026-000001?code=X")).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
