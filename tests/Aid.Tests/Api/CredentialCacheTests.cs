using Aid.Application.ApiKeys;
using Aid.Application.Users;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>
/// Successful API-key and session lookups are cached (<see cref="AuthenticationCache"/>) for a bound, 1 s here: a key revoked, a person
/// disabled or a role changed through the instance that cached them is refused by its very next request; another instance on the
/// same database refuses once the bound has passed. Every test first shows the lookup was cached, so none passes by reading the
/// database anyway. The cache holds hashes, never a key or a stamp.
/// </summary>
public sealed class CredentialCacheTests(CredentialCacheTests.Apps apps) : IClassFixture<CredentialCacheTests.Apps>
{
    public sealed class Apps : EngineApps
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Aid:Security:CredentialCacheSeconds", "1");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuthenticationCache CacheOf(WebApplicationFactory<Program> factory) => factory.Services.GetRequiredService<AuthenticationCache>();

    private static bool Holds(AuthenticationCache cache, string key) => cache.Keys.Contains("k:" + ApiKeyToken.Hash(key));

    /// <summary>A new admin person with a key: (their id, the key's id, the key).</summary>
    private static async Task<(Guid User, Guid KeyId, string Key)> AdminKeyAsync(AidApp app)
    {
        var created = await app.Admin().PostJson("/api/v1/api-keys", new { name = "缓存测试", role = "admin", programmeIds = Array.Empty<Guid>() })
            .Expect(HttpStatusCode.Created);
        return (created.GetProperty("userId").GetGuid(), created.Id(), created.Str("key"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_revoked_key_is_refused_by_the_next_request_on_the_same_instance(Engine engine)
    {
        var app = await apps.For(engine);
        var (_, keyId, key) = await AdminKeyAsync(app);
        var client = app.Client(key);
        await client.Get("/api/v1/api-keys?limit=1").Expect(HttpStatusCode.OK);
        Assert.True(Holds(CacheOf(app.Factory), key));

        var revoked = await app.Admin().DeleteAsync($"/api/v1/api-keys/{keyId}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await client.Get("/api/v1/api-keys?limit=1").Expect(HttpStatusCode.Unauthorized);
        Assert.False(Holds(CacheOf(app.Factory), key));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_role_change_and_a_disable_apply_to_the_next_request_on_the_same_instance(Engine engine)
    {
        var app = await apps.For(engine);
        var (user, _, key) = await AdminKeyAsync(app);
        var client = app.Client(key);
        await client.Get("/api/v1/users?limit=1").Expect(HttpStatusCode.OK);
        Assert.True(Holds(CacheOf(app.Factory), key));

        var programme = await app.Admin().CreateProgramme();
        var scoped = await app.Admin().PutAsJsonAsync($"/api/v1/users/{user}/scope", new { role = "auditor", programmeIds = new[] { programme.Id() } }, Ct);
        Assert.Equal(HttpStatusCode.OK, scoped.StatusCode);
        await client.Get("/api/v1/users?limit=1").Expect(HttpStatusCode.Forbidden); // an auditor now
        await client.Get($"/api/v1/programmes/{programme.Id()}").Expect(HttpStatusCode.OK);
        Assert.True(Holds(CacheOf(app.Factory), key));

        await app.Admin().PostJson($"/api/v1/users/{user}/disable", new { }).Expect(HttpStatusCode.OK);
        await client.Get($"/api/v1/programmes/{programme.Id()}").Expect(HttpStatusCode.Unauthorized);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Disabling_a_person_or_signing_out_ends_the_session_at_the_next_request(Engine engine)
    {
        var app = await apps.For(engine);
        var (person, browser) = await SignedInAsync(app);
        await ExpectPage(browser);
        var cache = CacheOf(app.Factory);
        Assert.Contains(cache.Keys, k => k.StartsWith("s:", StringComparison.Ordinal));

        await app.SendAsync(new DisableUser(person), await app.AdminActorAsync());
        await ExpectSignIn(browser);

        var (_, other) = await SignedInAsync(app);
        await ExpectPage(other);
        var form = await other.GetStringAsync("/signout", Ct);
        var signedOut = await other.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Accounts.AntiforgeryToken(form) }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        await ExpectSignIn(other);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Another_instance_on_the_same_database_refuses_within_the_bound(Engine engine)
    {
        var app = await apps.For(engine);
        await using var second = app.Factory.WithWebHostBuilder(_ => { }); // same database, key file and settings: a second instance
        var (person, _) = await SignedInAsync(app);
        var browserOnSecond = await SignInOnAsync(second, person); // signing in is a command about people: it empties the cache
        var (_, keyId, key) = await AdminKeyAsync(app);
        var onSecond = second.CreateClient();
        onSecond.DefaultRequestHeaders.Authorization = new("Bearer", key);
        await onSecond.Get("/api/v1/api-keys?limit=1").Expect(HttpStatusCode.OK);
        await ExpectPage(browserOnSecond);
        var cache = CacheOf(second);
        Assert.True(Holds(cache, key));
        Assert.Contains(cache.Keys, k => k.StartsWith("s:", StringComparison.Ordinal));

        var revoked = await app.Admin().DeleteAsync($"/api/v1/api-keys/{keyId}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await app.SendAsync(new DisableUser(person), await app.AdminActorAsync());
        await Task.Delay(cache.Bound + TimeSpan.FromMilliseconds(200), Ct); // the second instance heard of neither change: it waits out the bound

        await onSecond.Get("/api/v1/api-keys?limit=1").Expect(HttpStatusCode.Unauthorized);
        await ExpectSignIn(browserOnSecond);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_cache_holds_hashes_never_a_key_or_a_stamp_and_no_failures(Engine engine)
    {
        var app = await apps.For(engine);
        var (person, browser) = await SignedInAsync(app);
        var (_, _, key) = await AdminKeyAsync(app);
        await app.Client(key).Get("/api/v1/api-keys?limit=1").Expect(HttpStatusCode.OK);
        await ExpectPage(browser);
        var stamp = await app.StampAsync(person);
        var cache = CacheOf(app.Factory);

        Assert.True(Holds(cache, key));
        Assert.Contains(AuthenticationCache.SessionOf(person, stamp), cache.Keys);
        foreach (var held in cache.Keys)
        {
            Assert.DoesNotContain(key, held);
            Assert.DoesNotContain(key["aid_".Length..], held);
            Assert.DoesNotContain(stamp, held);
        }

        var wrong = ApiKeyToken.Generate();
        await app.Client(wrong).Get("/api/v1/api-keys?limit=1").Expect(HttpStatusCode.Unauthorized);
        Assert.False(Holds(cache, wrong));
    }

    private static async Task ExpectPage(HttpClient browser)
    {
        var response = await browser.GetAsync("/account", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task ExpectSignIn(HttpClient browser)
    {
        var response = await browser.GetAsync("/account", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery);
    }

    /// <summary>A new manager and a client holding their page session (cookies kept by the client).</summary>
    private static async Task<(Guid Person, HttpClient Browser)> SignedInAsync(AidApp app)
    {
        var person = await app.PersonAsync("manager", [(await app.Admin().CreateProgramme()).Id()]);
        return (person.Id, await SignInOnAsync(app.Factory, person.Id, person.Login!));
    }

    private static async Task<HttpClient> SignInOnAsync(WebApplicationFactory<Program> factory, Guid person, string? login = null)
    {
        if (login is null)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            login = (await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(new GetUser(person), Ct))!.Login!;
        }
        return await factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true }).SignInWithFormAsync(login);
    }
}

internal static class CredentialCacheTestData
{
    /// <summary>The person's security stamp as stored.</summary>
    public static async Task<string> StampAsync(this AidApp app, Guid person)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT security_stamp FROM users WHERE id = @person", new { person }) ?? "";
    }
}
