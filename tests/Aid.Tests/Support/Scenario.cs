namespace Aid.Tests.Support;

/// <summary>Creates the data a test needs through the public API, as a user would.</summary>
public static class Scenario
{
    private static int _counter;

    public static string UniqueCode(string prefix = "P") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static object ProgrammeBody(string? code = null, string name = "青系镇坪，雏鹰伴翔", string annualStandard = "1000.00") => new
    {
        code = code ?? UniqueCode(),
        name,
        region = "陕西省安康市镇坪县",
        partner = "镇坪县教育局",
        startDate = "2021-09-01",
        endDate = "2024-08-31",
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
