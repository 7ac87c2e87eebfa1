using Aid.Infrastructure.Crypto;
using Aid.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>/health/live, /health/ready and /health, anonymous, on every engine.</summary>
public sealed class HealthTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Live_answers_200_and_ready_lists_the_database_the_key_file_and_the_fonts(Engine engine)
    {
        var app = await apps.For(engine);
        var anonymous = app.Client();

        var live = await anonymous.Get("/health/live").Expect(HttpStatusCode.OK);
        Assert.Equal("healthy", live.Str("status"));

        var ready = await anonymous.Get("/health/ready").Expect(HttpStatusCode.OK);
        Assert.Equal("healthy", ready.Str("status"));
        var components = ready.GetProperty("components");
        Assert.Equal(["database", "keyFile", "pdf"], components.EnumerateObject().Select(c => c.Name).Order());
        Assert.All(components.EnumerateObject(), c => Assert.Equal("healthy", c.Value.Str("status")));
        Assert.Equal(app.Database.Provider, components.GetProperty("database").Str("provider"));

        // /health keeps its shape (and the demo issuer still makes it degraded), on the same checks plus the key file.
        var health = await anonymous.Get("/health").Expect(HttpStatusCode.OK);
        Assert.Equal("degraded", health.Str("status"));
        var all = health.GetProperty("components");
        Assert.Equal("healthy", all.GetProperty("database").Str("status"));
        Assert.Equal(app.Database.Provider, all.GetProperty("database").Str("provider"));
        Assert.Equal("healthy", all.GetProperty("pdf").Str("status"));
        Assert.NotEmpty(all.GetProperty("pdf").GetProperty("fonts").EnumerateArray());
        Assert.Equal("degraded", all.GetProperty("issuer").Str("status"));
        Assert.True(all.GetProperty("issuer").GetProperty("demo").GetBoolean());
        Assert.Equal("healthy", all.GetProperty("keyFile").Str("status"));
    }
}

/// <summary>The key file changed under a running service: ready is 503 until the file holds the key in use again; live stays 200.</summary>
public sealed class KeyFileHealthTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_missing_or_replaced_key_file_makes_ready_503_naming_the_setting(Engine engine)
    {
        var app = await apps.For(engine);
        var anonymous = app.Client();
        var keyFile = app.Factory.Services.GetRequiredService<KeyRing>().KeyFile;
        var key = await File.ReadAllBytesAsync(keyFile, TestContext.Current.CancellationToken);
        try
        {
            File.Delete(keyFile);
            var missing = await anonymous.Get("/health/ready").Expect(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("unhealthy", missing.Str("status"));
            var component = missing.GetProperty("components").GetProperty("keyFile");
            Assert.Equal("unhealthy", component.Str("status"));
            Assert.Equal("Aid:Crypto:KeyFile", component.Str("setting"));
            Assert.StartsWith("The key file cannot be read", component.Str("description"));
            Assert.Equal("healthy", missing.GetProperty("components").GetProperty("database").Str("status"));
            await anonymous.Get("/health/live").Expect(HttpStatusCode.OK);
            Assert.Equal("unhealthy", (await anonymous.Get("/health").Expect(HttpStatusCode.ServiceUnavailable)).Str("status"));

            await File.WriteAllBytesAsync(keyFile, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), TestContext.Current.CancellationToken);
            var replaced = await anonymous.Get("/health/ready").Expect(HttpStatusCode.ServiceUnavailable);
            Assert.StartsWith("The key file no longer holds the key in use",
                replaced.GetProperty("components").GetProperty("keyFile").Str("description"));
        }
        finally
        {
            await File.WriteAllBytesAsync(keyFile, key, CancellationToken.None);
        }
        Assert.Equal("healthy", (await anonymous.Get("/health/ready").Expect(HttpStatusCode.OK)).Str("status"));
    }
}

/// <summary>Without a CJK font the service is ready but degraded: 200, the pdf component names the setting.</summary>
public sealed class NoFontHealthTests(NoFontApps apps) : IClassFixture<NoFontApps>
{
    [Fact]
    public async Task Without_a_CJK_font_ready_is_200_degraded_and_names_the_setting()
    {
        var app = await apps.For(Engine.Sqlite);
        var ready = await app.Client().Get("/health/ready").Expect(HttpStatusCode.OK);
        Assert.Equal("degraded", ready.Str("status"));
        var pdf = ready.GetProperty("components").GetProperty("pdf");
        Assert.Equal("degraded", pdf.Str("status"));
        Assert.StartsWith("Aid:Pdf:Fonts", pdf.Str("setting"));
        Assert.Contains("/nonexistent/font.ttf", pdf.GetProperty("problems")[0].GetString());
        Assert.Equal("healthy", ready.GetProperty("components").GetProperty("database").Str("status"));
    }
}
