using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class IdempotencyTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Same_key_and_body_replays_the_first_response_and_writes_once(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var key = Guid.NewGuid().ToString();
        var body = new { kind = "person", name = "重试的捐赠人", language = "zh-CN" };
        var before = await app.CountAsync("donors");
        var auditBefore = await app.CountAsync("audit_log");

        var first = await admin.PostJson("/api/v1/donors", body, key).Expect(HttpStatusCode.Created);
        var second = await admin.PostJson("/api/v1/donors", body, key).Expect(HttpStatusCode.Created);

        Assert.Equal(first.GetRawText(), second.GetRawText());
        Assert.Equal(before + 1, await app.CountAsync("donors"));
        Assert.Equal(auditBefore + 1, await app.CountAsync("audit_log"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Same_key_with_a_different_body_is_a_conflict(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var key = Guid.NewGuid().ToString();
        await admin.PostJson("/api/v1/donors", new { kind = "person", name = "甲" }, key).Expect(HttpStatusCode.Created);
        var before = await app.CountAsync("donors");
        var problem = await admin.PostJson("/api/v1/donors", new { kind = "person", name = "乙" }, key).Expect(HttpStatusCode.Conflict);
        Assert.Equal(key, problem.Str("idempotencyKey"));
        Assert.Equal(before, await app.CountAsync("donors"));
        // The key belongs to one use case: reusing it for a programme is a conflict too.
        await admin.PostJson("/api/v1/programmes", Scenario.ProgrammeBody(), key).Expect(HttpStatusCode.Conflict);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Keys_are_per_api_key(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var other = app.Client(await admin.CreateKey("admin"));
        var key = Guid.NewGuid().ToString();
        var a = await admin.PostJson("/api/v1/donors", new { kind = "person", name = "丙" }, key).Expect(HttpStatusCode.Created);
        var b = await other.PostJson("/api/v1/donors", new { kind = "person", name = "丙" }, key).Expect(HttpStatusCode.Created);
        Assert.NotEqual(a.Id(), b.Id());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Concurrent_duplicates_create_exactly_one_record(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var key = Guid.NewGuid().ToString();
        var name = "并发" + Guid.NewGuid().ToString("N")[..8];
        var body = new { kind = "person", name };
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => admin.PostJson("/api/v1/donors", body, key)));
        var ids = new HashSet<Guid>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await response.Json()).Id());
        }
        Assert.Single(ids);
        var found = await admin.Get($"/api/v1/donors?q={Uri.EscapeDataString(name)}").Expect(HttpStatusCode.OK);
        Assert.Single(found.GetProperty("items").EnumerateArray());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_malformed_key_is_a_400(Engine engine)
    {
        var app = await apps.For(engine);
        var problem = await app.Admin().PostJson("/api/v1/donors", new { kind = "person", name = "丁" }, new string('k', 201)).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", problem.ErrorFields());
    }
}
