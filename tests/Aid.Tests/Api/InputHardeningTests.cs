using Aid.Tests.Support;

namespace Aid.Tests.Api;

/// <summary>One text rule for every field, query value and route value; business dates bounded and within the programme.</summary>
public sealed class InputHardeningTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static async Task<JsonElement> Refused(Task<HttpResponseMessage> request, string field, string problem)
    {
        var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Contains(field, json.ErrorFields());
        Assert.Contains(problem, json.GetProperty("errors").GetProperty(field)[0].GetString());
        return json;
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Control_characters_in_query_and_route_values_are_400_and_never_reach_the_database(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        await Refused(admin.Get("/api/v1/donors?q=%00"), "q", "contains a control character (U+0000)");
        await Refused(admin.Get("/api/v1/donors?q=%E2%80%AEabc"), "q", "contains a bidirectional override (U+202E)");
        // A NUL in the path itself (/receipts/AID%00) is refused by the server before routing (Kestrel answers 400; the test
        // host throws); every other control character reaches the route value and is refused there.
        await Refused(admin.Get("/api/v1/receipts/AID%01"), "number", "contains a control character (U+0001)");
        await Refused(admin.Get("/api/v1/receipts/AID%E2%80%AE"), "number", "contains a bidirectional override (U+202E)");
        await admin.Get("/api/v1/donors?q=%E8%92%8B").Expect(HttpStatusCode.OK); // 蒋: ordinary text still searches
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_NUL_in_a_donor_or_api_key_name_is_400_and_nothing_is_written(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (donors, keys) = (await app.CountAsync("donors"), await app.CountAsync("api_keys"));
        await Refused(admin.PostJson("/api/v1/donors", new { kind = "person", name = "蒋\0晟晖" }), "name", "contains a control character (U+0000)");
        await Refused(admin.PostJson("/api/v1/donors", new { kind = "person", name = "蒋晟晖\n" }), "name", "contains a control character (U+000A)");
        await Refused(admin.PostJson("/api/v1/donors", new { kind = "person", name = "蒋晟晖", email = "a\0@example.cn" }), "email", "U+0000");
        await Refused(admin.PostJson("/api/v1/api-keys", new { name = "key\0", role = "admin" }), "name", "contains a control character (U+0000)");
        Assert.Equal(donors, await app.CountAsync("donors"));
        Assert.Equal(keys, await app.CountAsync("api_keys"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_bidi_override_in_a_gift_reference_is_400_and_nothing_is_written(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gifts = await app.CountAsync("gifts");
        await Refused(admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "100.00", reference: "BOC-\u202E1000")),
            "reference", "contains a bidirectional override (U+202E)");
        Assert.Equal(gifts, await app.CountAsync("gifts"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Emoji_sequences_and_CJK_extension_B_are_accepted_and_read_back_identical(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        const string name = "👨‍👩‍👧 𠮷野家 ❤️";
        var created = await admin.CreateDonor(name);
        Assert.Equal(name, created.Str("name"));
        var fetched = await admin.Get($"/api/v1/donors/{created.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(name, fetched.Str("name"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Business_dates_out_of_span_are_400_and_nothing_is_written(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var (gifts, pledges, programmes) = (await app.CountAsync("gifts"), await app.CountAsync("pledges"), await app.CountAsync("programmes"));
        foreach (var date in new[] { "0001-01-01", "9999-12-31" })
        {
            await Refused(admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "100.00", receivedOn: date)),
                "receivedOn", "must be between 2000-01-01 and 2100-12-31");
            await Refused(admin.PostJson("/api/v1/pledges", new { donorId = donor, programmeId = programme, total = "300.00", frequency = "yearly", count = 3, firstDueDate = date }),
                "firstDueDate", "must be between 2000-01-01 and 2100-12-31");
            var body = new Dictionary<string, object>
            {
                ["code"] = Scenario.UniqueCode(), ["name"] = "x", ["startDate"] = date, ["endDate"] = "2100-12-31", ["annualStandard"] = "1000.00",
            };
            await Refused(admin.PostJson("/api/v1/programmes", body), "startDate", "must be between 2000-01-01 and 2100-12-31");
        }
        Assert.Equal(gifts, await app.CountAsync("gifts"));
        Assert.Equal(pledges, await app.CountAsync("pledges"));
        Assert.Equal(programmes, await app.CountAsync("programmes"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_gift_dated_two_years_before_the_programme_is_409_naming_its_dates(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor(); // 2021-09-01 to the default end date
        var gifts = await app.CountAsync("gifts");
        var problem = await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "100.00", receivedOn: "2019-09-01"))
            .Expect(HttpStatusCode.Conflict);
        Assert.Contains("2021-09-01", problem.GetProperty("detail").GetString());
        Assert.Contains("2020-09-01", problem.GetProperty("detail").GetString()); // one year's slack
        Assert.Equal(gifts, await app.CountAsync("gifts"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", receivedOn: "2020-09-01")); // within the slack
    }
}
