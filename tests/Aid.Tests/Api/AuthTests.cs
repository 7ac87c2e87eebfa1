using System.Net.Http.Headers;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

public sealed class AuthTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task No_key_wrong_key_and_malformed_header_are_401_problems(Engine engine)
    {
        var app = await apps.For(engine);
        var anonymous = app.Client();
        var problem = await anonymous.Get("/api/v1/programmes").Expect(HttpStatusCode.Unauthorized);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        await app.Client("aid_not-a-real-key").Get("/api/v1/programmes").Expect(HttpStatusCode.Unauthorized);
        var basic = app.Client();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");
        await basic.Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized);
        await anonymous.Get("/health").Expect(HttpStatusCode.OK);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_revoked_key_stops_working_at_once_and_is_listed_without_secrets(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var created = await admin.PostJson("/api/v1/api-keys", new { name = "临时管理员", role = "admin" }).Expect(HttpStatusCode.Created);
        var key = created.Str("key");
        Assert.StartsWith("aid_", key);
        Assert.True(key.Length >= 40);
        await app.Client(key).Get("/api/v1/donors").Expect(HttpStatusCode.OK);

        var listed = await admin.Get("/api/v1/api-keys?limit=500").Expect(HttpStatusCode.OK);
        var raw = listed.GetRawText();
        Assert.DoesNotContain(key, raw);
        Assert.DoesNotContain("hash", raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), k => k.Id() == created.Id() && k.Str("name") == "临时管理员");

        await admin.DeleteAsync($"/api/v1/api-keys/{created.Id()}", TestContext.Current.CancellationToken);
        await app.Client(key).Get("/api/v1/donors").Expect(HttpStatusCode.Unauthorized);
        var again = await admin.DeleteAsync($"/api/v1/api-keys/{created.Id()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var unknown = await admin.DeleteAsync($"/api/v1/api-keys/{Guid.CreateVersion7()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Keys_are_stored_only_as_hashes(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var key = await admin.CreateKey("admin");
        await using var connection = await app.OpenDatabaseAsync();
        var stored = (await connection.QueryAsync<string>("SELECT key_hash FROM api_keys")).ToList();
        Assert.DoesNotContain(key, stored);
        Assert.Contains(Aid.Application.ApiKeys.ApiKeyToken.Hash(key), stored);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Auditors_cannot_write_and_managers_stay_inside_their_programmes(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var mine = await admin.CreateProgramme();
        var other = await admin.CreateProgramme(name: "别人的项目");
        var auditor = app.Client(await admin.CreateKey("auditor", [mine.Id()]));
        var manager = app.Client(await admin.CreateKey("manager", [mine.Id()]));

        var forbidden = await auditor.PostJson("/api/v1/donors", new { kind = "person", name = "x" }).Expect(HttpStatusCode.Forbidden);
        Assert.Equal(403, forbidden.GetProperty("status").GetInt32());
        await auditor.PatchJson($"/api/v1/programmes/{mine.Id()}", new { name = "x" }).Expect(HttpStatusCode.Forbidden);
        await auditor.Get($"/api/v1/programmes/{mine.Id()}").Expect(HttpStatusCode.OK);
        await manager.PostJson("/api/v1/programmes", Scenario.ProgrammeBody()).Expect(HttpStatusCode.Forbidden);
        await manager.Get("/api/v1/api-keys").Expect(HttpStatusCode.Forbidden);

        var hidden = await manager.Get($"/api/v1/programmes/{other.Id()}").Expect(HttpStatusCode.NotFound);
        Assert.DoesNotContain("别人的项目", hidden.GetRawText());
        await manager.PatchJson($"/api/v1/programmes/{other.Id()}", new { name = "改名" }).Expect(HttpStatusCode.NotFound);
        var list = await manager.Get("/api/v1/programmes?limit=500").Expect(HttpStatusCode.OK);
        Assert.Equal([mine.Id()], list.GetProperty("items").EnumerateArray().Select(p => p.Id()).ToArray());
        var unchanged = await admin.Get($"/api/v1/programmes/{other.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal("别人的项目", unchanged.Str("name"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_donor_key_sees_only_its_own_donor_record(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var me = await admin.CreateDonor("王小明");
        var someoneElse = await admin.CreateDonor("李四");
        var donor = app.Client(await admin.CreateKey("donor", donorId: me.Id()));

        await donor.Get($"/api/v1/donors/{me.Id()}").Expect(HttpStatusCode.OK);
        await donor.Get($"/api/v1/donors/{someoneElse.Id()}").Expect(HttpStatusCode.NotFound);
        var list = await donor.Get("/api/v1/donors?limit=500").Expect(HttpStatusCode.OK);
        Assert.Equal([me.Id()], list.GetProperty("items").EnumerateArray().Select(d => d.Id()).ToArray());
        await donor.Get("/api/v1/programmes").Expect(HttpStatusCode.Forbidden);
        await donor.Get("/api/v1/audit").Expect(HttpStatusCode.Forbidden);
        await donor.PostJson("/api/v1/donors", new { kind = "person", name = "x" }).Expect(HttpStatusCode.Forbidden);
    }

    public static TheoryData<Engine, string, string> BadKeyRequests => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { """{"name":"k","role":"root"}""", "role" },
        { """{"name":"k","role":"manager"}""", "programmeIds" },
        { """{"name":"k","role":"donor"}""", "donorId" },
        { """{"name":"k","role":"admin","donorId":"0190b6a4-0000-7000-8000-000000000000"}""", "donorId" },
        { """{"name":"k","role":"manager","programmeIds":["0190b6a4-0000-7000-8000-000000000000"]}""", "programmeIds" },
        { """{"name":"k","role":"manager","programmeIds":["not-a-guid"]}""", "programmeIds[0]" },
    });

    [Theory]
    [MemberData(nameof(BadKeyRequests))]
    public async Task Bad_key_requests_are_400s(Engine engine, string json, string field)
    {
        var app = await apps.For(engine);
        var before = await app.CountAsync("api_keys");
        var problem = await app.Admin().PostRaw("/api/v1/api-keys", json).Expect(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(before, await app.CountAsync("api_keys"));
    }
}
