using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

public sealed class StudentPrivacyTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_id_number_phone_and_address_are_stored_encrypted_and_shown_masked(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme(Scenario.UniqueCode("ZP"));
        var id = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var student = await admin.Register(programme.Id(), idNumber: id);
        Assert.Matches(@"^ZP-\d{4}$", student.Str("code"));
        Assert.Equal(id[..4] + "**********" + id[^4..], student.Str("idNumberMasked"));
        Assert.False(student.TryGetProperty("idNumber", out _));
        Assert.Equal("13912345678", student.Str("guardianPhone")); // managers see contact details

        await using var connection = await app.OpenDatabaseAsync();
        var row = await connection.QuerySingleAsync<(string Enc, string? Phone, string? Address)>(
            "SELECT id_number_enc, guardian_phone_enc, address_enc FROM students WHERE code = @code AND programme_id = @programme", new { code = student.Str("code"), programme = programme.Id() });
        Assert.StartsWith("v2:", row.Enc);
        Assert.DoesNotContain(id, row.Enc);
        Assert.DoesNotContain("13912345678", row.Phone!);
        Assert.DoesNotContain("城关镇", row.Address!);
        // No column of any row holds the number in clear.
        var dump = string.Join("|", (await connection.QueryAsync("SELECT * FROM students")).Select(r => string.Join(",", ((IDictionary<string, object>)r).Values)));
        Assert.DoesNotContain(id, dump);

        await admin.PostJson("/api/v1/students", StudentScenario.Body(programme.Id(), idNumber: id)).Expect(HttpStatusCode.Conflict);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Each_role_sees_only_its_share_and_a_reveal_is_audited(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme();
        var id = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var student = await admin.Register(programme.Id(), "蒋晟晖", idNumber: id);
        var unsponsored = await admin.Register(programme.Id(), "王小明");
        var donor = await admin.CreateDonor("爱心人士");
        await admin.PostJson("/api/v1/sponsorships", new
        {
            programmeId = programme.Id(), donorId = donor.Id(), studentId = student.Id(), fromYear = 2022, toYear = 2022, annualAmount = "1000.00",
        }).Expect(HttpStatusCode.Created);

        var auditor = app.Client(await admin.CreateKey("auditor", [programme.Id()]));
        var seenByAuditor = await auditor.Get($"/api/v1/students/{student.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal("蒋*晖", seenByAuditor.Str("maskedName"));
        Assert.Equal(["code", "county", "grade", "id", "idNumberMasked", "maskedName", "programmeId", "school", "status"],
            seenByAuditor.EnumerateObject().Select(p => p.Name).Order().ToArray());
        await auditor.Get($"/api/v1/students/{student.Id()}?reveal=idNumber").Expect(HttpStatusCode.Forbidden);

        var donorClient = app.Client(await admin.CreateKey("donor", donorId: donor.Id()));
        var seenByDonor = await donorClient.Get($"/api/v1/students/{student.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(["code", "givenNameInitial", "grade", "id", "programmeId", "school"], seenByDonor.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("晟", seenByDonor.Str("givenNameInitial"));
        await donorClient.Get($"/api/v1/students/{unsponsored.Id()}").Expect(HttpStatusCode.NotFound);
        var donorList = await donorClient.Get("/api/v1/students").Expect(HttpStatusCode.OK);
        Assert.Equal([student.Id()], donorList.GetProperty("items").EnumerateArray().Select(s => s.Id()).ToArray());

        var manager = app.Client(await admin.CreateKey("manager", [programme.Id()]));
        var auditBefore = await app.CountAsync("audit_log");
        var revealed = await manager.Get($"/api/v1/students/{student.Id()}?reveal=idNumber").Expect(HttpStatusCode.OK);
        Assert.Equal(id, revealed.Str("idNumber"));
        Assert.Equal(auditBefore + 1, await app.CountAsync("audit_log"));
        var trail = await admin.Get("/api/v1/audit?limit=500").Expect(HttpStatusCode.OK);
        var last = trail.GetProperty("items").EnumerateArray().Last();
        Assert.Equal("RevealStudentIdNumber", last.Str("action"));
        Assert.Equal(student.Id().ToString(), last.Str("entityId"));

        // Nowhere else: not in the audit trail, not in auditor or donor answers, not in the logs.
        Assert.DoesNotContain(id, trail.GetRawText());
        Assert.DoesNotContain("13912345678", trail.GetRawText());
        Assert.DoesNotContain("城关镇", trail.GetRawText());
        Assert.DoesNotContain(id, seenByAuditor.GetRawText());
        Assert.DoesNotContain(id, (await auditor.Get("/api/v1/students?limit=500").Expect(HttpStatusCode.OK)).GetRawText());
        Assert.DoesNotContain(id, app.Logs.All);
        Assert.DoesNotContain("13912345678", app.Logs.All);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_bad_id_number_is_a_400_that_does_not_echo_it_anywhere(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme();
        var good = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var bad = good[..17] + (good[17] == '0' ? '1' : '0');
        var before = await app.CountAsync("students");
        var problem = await admin.PostJson("/api/v1/students", StudentScenario.Body(programme.Id(), idNumber: bad)).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("idNumber", problem.ErrorFields());
        Assert.DoesNotContain(bad, problem.GetRawText());
        var mismatch = await admin.PostJson("/api/v1/students", StudentScenario.Body(programme.Id(), birthDate: new DateOnly(2009, 1, 1), idNumber: good))
            .Expect(HttpStatusCode.BadRequest);
        Assert.Contains("idNumber", mismatch.ErrorFields());
        Assert.Equal(before, await app.CountAsync("students"));
        Assert.DoesNotContain(bad, app.Logs.All);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_openapi_document_carries_no_personal_example_data(Engine engine)
    {
        var app = await apps.For(engine);
        var doc = await app.Client().Get("/openapi/v1.json").Expect(HttpStatusCode.OK);
        var text = doc.GetRawText();
        Assert.Contains("/api/v1/students", text);
        Assert.DoesNotMatch(@"\d{17}[\dX]", text);
    }
}
