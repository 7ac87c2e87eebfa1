using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class DonorApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Chinese_names_round_trip_and_are_found_by_any_part(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var donor = await admin.PostJson("/api/v1/donors", new
        {
            kind = "person", name = $"蒋晟晖{tag}", anonymous = false, language = "zh-CN", email = "jiang@example.cn", phone = "+86 138-0000-0000",
            address = "陕西省安康市汉滨区",
        }).Expect(HttpStatusCode.Created);
        var company = await admin.PostJson("/api/v1/donors", new
        {
            kind = "organisation", name = $"安康市爱心企业有限公司{tag}", organisationCode = "91610900MA70XXXX1Y", language = "zh-CN",
        }).Expect(HttpStatusCode.Created);

        var fetched = await admin.Get($"/api/v1/donors/{donor.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal($"蒋晟晖{tag}", fetched.Str("name"));
        Assert.Equal("陕西省安康市汉滨区", fetched.Str("address"));
        Assert.False(fetched.GetProperty("anonymous").GetBoolean());

        var byGivenName = await admin.Get($"/api/v1/donors?q={Uri.EscapeDataString("晟晖" + tag)}").Expect(HttpStatusCode.OK);
        Assert.Equal(donor.Id(), Assert.Single(byGivenName.GetProperty("items").EnumerateArray()).Id());
        var byCompany = await admin.Get($"/api/v1/donors?q={Uri.EscapeDataString("爱心企业")}&kind=organisation").Expect(HttpStatusCode.OK);
        Assert.Contains(byCompany.GetProperty("items").EnumerateArray(), d => d.Id() == company.Id());
        var wildcard = await admin.Get($"/api/v1/donors?q={Uri.EscapeDataString("%")}").Expect(HttpStatusCode.OK);
        Assert.Empty(wildcard.GetProperty("items").EnumerateArray()); // % is a character, not a wildcard
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Patch_changes_only_given_fields(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var donor = await admin.CreateDonor("刘䶮");
        var patched = await admin.PatchJson($"/api/v1/donors/{donor.Id()}", new { anonymous = true, language = "en" }).Expect(HttpStatusCode.OK);
        Assert.True(patched.GetProperty("anonymous").GetBoolean());
        Assert.Equal("en", patched.Str("language"));
        Assert.Equal("刘䶮", patched.Str("name"));
        Assert.Contains("organisationCode",
            (await admin.PatchJson($"/api/v1/donors/{donor.Id()}", new { organisationCode = "91610900MA70XXXX1Y" }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        await admin.PatchJson($"/api/v1/donors/{Guid.CreateVersion7()}", new { anonymous = true }).Expect(HttpStatusCode.NotFound);
    }

    public static TheoryData<Engine, string, string> BadDonors => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { """{"kind":"robot","name":"x"}""", "kind" },
        { """{"kind":"person"}""", "name" },
        { """{"kind":"person","name":"  "}""", "name" },
        { """{"kind":"person","name":"x","anonymous":"yes"}""", "anonymous" },
        { """{"kind":"person","name":"x","language":"fr"}""", "language" },
        { """{"kind":"person","name":"x","email":"not-an-email"}""", "email" },
        { """{"kind":"person","name":"x","phone":"call me"}""", "phone" },
        { """{"kind":"person","name":"x","organisationCode":"91610900MA70XXXX1Y"}""", "organisationCode" },
        { """{"kind":"organisation","name":"x","organisationCode":"123"}""", "organisationCode" },
        { """{"kind":"person","name":"x","name":"y"}""", "name" },
    });

    [Theory]
    [MemberData(nameof(BadDonors))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(Engine engine, string json, string field)
    {
        var app = await apps.For(engine);
        var before = await app.CountAsync("donors");
        var problem = await app.Admin().PostRaw("/api/v1/donors", json).Expect(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(before, await app.CountAsync("donors"));
    }
}
