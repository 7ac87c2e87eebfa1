namespace Aid.Tests.Support;

/// <summary>Creates the data a test needs through the public API, as a user would.</summary>
public static class Scenario
{
    private static int _counter;

    /// <summary>
    /// The default programme runs from 2021-09-01 to the end of next year's school year, so that gifts and payments dated
    /// today stay within its dates (plus one year's slack) whenever the tests run.
    /// </summary>
    public static readonly string DefaultEndDate = $"{BusinessToday.Year + 1}-08-31";

    public static string UniqueCode(string prefix = "P") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static object ProgrammeBody(string? code = null, string name = "青系镇坪，雏鹰伴翔", string annualStandard = "1000.00") => new
    {
        code = code ?? UniqueCode(),
        name,
        region = "陕西省安康市镇坪县",
        partner = "镇坪县教育局",
        startDate = "2021-09-01",
        endDate = DefaultEndDate,
        annualStandard,
        target = "360000.00",
    };

    public static Task<JsonElement> CreateProgramme(this HttpClient admin, string? code = null, string name = "青系镇坪，雏鹰伴翔") =>
        admin.PostJson("/api/v1/programmes", ProgrammeBody(code, name)).Expect(HttpStatusCode.Created);

    public static Task<JsonElement> CreateDonor(this HttpClient staff, string name = "蒋晟晖", string kind = "person", bool anonymous = false) =>
        staff.PostJson("/api/v1/donors", new { kind, name, anonymous, language = "zh-CN" }).Expect(HttpStatusCode.Created);

    public static async Task<string> CreateKey(this HttpClient admin, string role, Guid[]? programmeIds = null, Guid? donorId = null)
    {
        var created = await admin.PostJson("/api/v1/api-keys",
            new { name = $"{role} key {Interlocked.Increment(ref _counter)}", role, programmeIds = programmeIds ?? [], donorId }).Expect(HttpStatusCode.Created);
        return created.Str("key");
    }

    public static Guid Id(this JsonElement resource) => resource.GetProperty("id").GetGuid();
}

public static class MoneyScenario
{
    public static async Task<(Guid Programme, Guid Donor)> ProgrammeAndDonor(this HttpClient admin, string donorName = "蒋晟晖", string kind = "person")
    {
        var programme = await admin.CreateProgramme();
        var donor = await admin.CreateDonor(donorName, kind);
        return (programme.Id(), donor.Id());
    }

    public static object Cash(Guid programme, Guid donor, string amount, Guid? pledge = null, string? reference = null,
        string receivedOn = "2022-09-05", bool? excessAsGift = null, string method = "bank_transfer") => new
    {
        programmeId = programme, donorId = donor, pledgeId = pledge, receivedOn, kind = "cash", amount, method,
        reference = reference ?? "BANK-" + Guid.NewGuid().ToString("N")[..12], excessAsGift,
    };

    public static Task<JsonElement> Give(this HttpClient client, object gift) =>
        client.PostJson("/api/v1/gifts", gift).Expect(HttpStatusCode.Created);

    public static Task<JsonElement> Balance(this HttpClient client, Guid programme) =>
        client.Get($"/api/v1/programmes/{programme}/balance").Expect(HttpStatusCode.OK);
}
