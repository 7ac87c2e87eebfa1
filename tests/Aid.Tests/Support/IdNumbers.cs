namespace Aid.Tests.Support;

/// <summary>Valid resident ID numbers for tests (GB 11643 check character), with a chosen birth date.</summary>
public static class IdNumbers
{
    private static int _sequence = 100;

    public static string Make(DateOnly birthDate, string region = "610927")
    {
        var body = $"{region}{birthDate:yyyyMMdd}{Interlocked.Increment(ref _sequence) % 1000:000}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }
}

public static class StudentScenario
{
    public static object Body(Guid programme, string name = "蒋晟晖", DateOnly? birthDate = null, string? idNumber = null, bool consent = true)
    {
        var birth = birthDate ?? new DateOnly(2008, 3, 14);
        return new
        {
            programmeId = programme, name, gender = "male", birthDate = birth.ToString("yyyy-MM-dd"), idNumber = idNumber ?? IdNumbers.Make(birth),
            school = "镇坪县中学", grade = "高一", county = "镇坪县", povertyRegistered = true, guardianName = "蒋父", guardianPhone = "13912345678",
            address = "镇坪县城关镇新华街1号", consentDate = consent ? "2021-08-20" : null, consentReference = consent ? "同意书-2021-001" : null,
        };
    }

    public static Task<JsonElement> Register(this HttpClient client, Guid programme, string name = "蒋晟晖", DateOnly? birthDate = null,
        string? idNumber = null, bool consent = true) =>
        client.PostJson("/api/v1/students", Body(programme, name, birthDate, idNumber, consent)).Expect(HttpStatusCode.Created);
}
