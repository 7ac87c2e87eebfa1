using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class ProgrammeApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Create_get_list_and_search_round_trip_chinese_text(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var code = Scenario.UniqueCode("ZP");
        var name = "青系镇坪，雏鹰伴翔" + code[^4..];
        var response = await admin.PostJson("/api/v1/programmes", Scenario.ProgrammeBody(code, name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Json();
        Assert.Equal($"/api/v1/programmes/{created.Id()}", response.Headers.Location!.OriginalString);
        Assert.Equal(7, created.Id().ToString()[14] - '0'); // UUIDv7

        var fetched = await admin.Get($"/api/v1/programmes/{created.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(name, fetched.Str("name"));
        Assert.Equal("陕西省安康市镇坪县", fetched.Str("region"));
        Assert.Equal("镇坪县教育局", fetched.Str("partner"));
        Assert.Equal("1000.00", fetched.Str("annualStandard"));
        Assert.Equal("360000.00", fetched.Str("target"));
        Assert.Equal("CNY", fetched.Str("currency"));
        Assert.Equal("2021-09-01", fetched.Str("startDate"));
        Assert.Equal(Scenario.DefaultEndDate, fetched.Str("endDate"));
        Assert.Equal("planned", fetched.Str("status"));

        var found = await admin.Get($"/api/v1/programmes?q={Uri.EscapeDataString("雏鹰伴翔" + code[^4..])}").Expect(HttpStatusCode.OK);
        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(name, item.Str("name"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Patch_changes_only_the_given_fields_and_moves_status_forward(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var created = await admin.CreateProgramme();
        var patched = await admin.PatchJson($"/api/v1/programmes/{created.Id()}", new { status = "active", annualStandard = "1200.00" }).Expect(HttpStatusCode.OK);
        Assert.Equal("active", patched.Str("status"));
        Assert.Equal("1200.00", patched.Str("annualStandard"));
        Assert.Equal(created.Str("name"), patched.Str("name"));

        await admin.PatchJson($"/api/v1/programmes/{created.Id()}", new { status = "planned" }).Expect(HttpStatusCode.Conflict);
        var problem = await admin.PatchJson($"/api/v1/programmes/{created.Id()}", new { endDate = "2020-01-01" }).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("endDate", problem.ErrorFields());
        var again = await admin.Get($"/api/v1/programmes/{created.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(Scenario.DefaultEndDate, again.Str("endDate"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Paging_walks_every_programme_once(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var prefix = Scenario.UniqueCode("PG");
        for (var i = 0; i < 7; i++) await admin.CreateProgramme($"{prefix}-{i}", $"分页测试 {prefix}");
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await admin.Get($"/api/v1/programmes?q={prefix}&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}").Expect(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.Str("code")));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        // Pages run in id order (UUIDv7: time, then random within the same millisecond), so two programmes created in one
        // millisecond may come in either order; what paging owes is every programme exactly once.
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"{prefix}-{i}"), seen.Order());
    }

    public static TheoryData<Engine, string, string> BadBodies => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { "{\"code\":\"A1\",\"name\":\"x\",\"startDate\":\"2021-09-01\",\"endDate\":\"2024-08-31\",\"annualStandard\":\"1000.00\"", "body" },
        { """not json""", "body" },
        { """{"code":"A1","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"1000.00","extra":1}""", "extra" },
        { """{"code":"A1","name":5,"startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"1000.00"}""", "name" },
        { """{"code":"A1","name":"x","startDate":"2021-02-30","endDate":"2024-08-31","annualStandard":"1000.00"}""", "startDate" },
        { """{"code":"A1","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":1000}""", "annualStandard" },
        { """{"code":"A1","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"1000.001"}""", "annualStandard" },
        { """{"code":"A1","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"-5"}""", "annualStandard" },
        { """{"code":"A1","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"0"}""", "annualStandard" },
        { """{"code":"A1","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"1000.00"}""", "name" },
        { """{"code":"A1","name":"x","endDate":"2024-08-31","annualStandard":"1000.00"}""", "startDate" },
        { """{"code":"A1","name":"x","startDate":"2024-09-01","endDate":"2024-08-31","annualStandard":"1000.00"}""", "endDate" },
        { """{"code":"A1","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"1000.00","currency":"XYZ"}""", "currency" },
        { "{\"code\":\"A1\",\"name\":\"" + new string('长', 201) + "\",\"startDate\":\"2021-09-01\",\"endDate\":\"2024-08-31\",\"annualStandard\":\"1000.00\"}", "name" },
        { """{"code":"有 空格","name":"x","startDate":"2021-09-01","endDate":"2024-08-31","annualStandard":"1000.00"}""", "code" },
    });

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(Engine engine, string json, string field)
    {
        var app = await apps.For(engine);
        var before = await app.CountAsync("programmes");
        var auditBefore = await app.CountAsync("audit_log");
        var problem = await app.Admin().PostRaw("/api/v1/programmes", json).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(before, await app.CountAsync("programmes"));
        Assert.Equal(auditBefore, await app.CountAsync("audit_log"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Duplicate_code_is_a_conflict(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var created = await admin.CreateProgramme();
        var problem = await admin.PostJson("/api/v1/programmes", Scenario.ProgrammeBody(created.Str("code"))).Expect(HttpStatusCode.Conflict);
        Assert.Equal(created.Id().ToString(), problem.Str("existingId"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Unknown_id_is_404_and_bad_paging_is_400(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var problem = await admin.Get($"/api/v1/programmes/{Guid.CreateVersion7()}").Expect(HttpStatusCode.NotFound);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Contains("limit", (await admin.Get("/api/v1/programmes?limit=0").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("limit", (await admin.Get("/api/v1/programmes?limit=501").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("limit", (await admin.Get("/api/v1/programmes?limit=ten").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("limit", (await admin.Get("/api/v1/programmes?limit=1&limit=2").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("cursor", (await admin.Get("/api/v1/programmes?cursor=%%%").Expect(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Oversized_body_is_rejected(Engine engine)
    {
        var app = await apps.For(engine);
        var huge = "{\"code\":\"A1\",\"name\":\"" + new string('x', 1_100_000) + "\"}";
        var response = await app.Admin().PostRaw("/api/v1/programmes", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
