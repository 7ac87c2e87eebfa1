using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

/// <summary>One test per class: the tamper step breaks the chain of that class's app (one per engine) for good.</summary>
public sealed class AuditTrailTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Every_command_appends_one_linked_record_and_the_chain_verifies_until_a_row_is_edited(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme();
        var donor = await admin.PostJson("/api/v1/donors", new
        {
            kind = "person", name = "蒋晟晖", phone = "13800000000", address = "镇坪县城关镇", email = "a@b.cn",
        }).Expect(HttpStatusCode.Created);
        await admin.PatchJson($"/api/v1/programmes/{programme.Id()}", new { status = "active" }).Expect(HttpStatusCode.OK);

        var verified = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK); // seals what is committed
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());
        Assert.Equal(4, verified.GetProperty("records").GetInt64());

        var page = await admin.Get("/api/v1/audit?limit=500").Expect(HttpStatusCode.OK);
        var records = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["BootstrapAdminKey", "CreateProgramme", "CreateDonor", "UpdateProgramme"], records.Select(r => r.Str("action")).ToArray());
        Assert.Equal(Enumerable.Range(1, 4).Select(i => (long)i), records.Select(r => r.GetProperty("sequence").GetInt64()));
        // Two chains: the organisation's (the key, the donor) and the programme's (created, activated), each linked from position 1.
        var programmeChain = programme.Id().ToString();
        Assert.Equal(["org", programmeChain, "org", programmeChain], records.Select(r => r.Str("chain")).ToArray());
        Assert.Equal([1L, 1L, 2L, 2L], records.Select(r => r.GetProperty("position").GetInt64()).ToArray());
        Assert.All(records, r => Assert.Matches("^[0-9a-f]{64}$", r.Str("chainHash")));
        var chains = verified.GetProperty("chains").EnumerateArray().ToDictionary(c => c.Str("chain"), c => c);
        Assert.Equal(records[3].Str("chainHash"), chains[programmeChain].Str("headHash"));
        Assert.Equal(records[2].Str("chainHash"), chains["org"].Str("headHash"));
        var donorRecord = records[2];
        Assert.Equal(donor.Id().ToString(), donorRecord.Str("entityId"));
        Assert.DoesNotContain("13800000000", donorRecord.GetRawText());
        Assert.DoesNotContain("城关镇", donorRecord.GetRawText());

        await using (var connection = await app.OpenDatabaseAsync())
        {
            // The application cannot change audit rows...
            await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync("UPDATE audit_log SET summary = '{}' WHERE sequence = 3"));
            // ...someone with the database can, after removing the guard; verification must then name the row.
            await connection.ExecuteAsync(engine switch
            {
                Engine.Sqlite => "DROP TRIGGER audit_log_no_update",
                Engine.Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
                Engine.SqlServer => "DISABLE TRIGGER audit_log_no_change ON audit_log",
            });
            await connection.ExecuteAsync("UPDATE audit_log SET summary = '{\"kind\":\"organisation\"}' WHERE sequence = 3");
        }
        var broken = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.False(broken.GetProperty("valid").GetBoolean());
        Assert.Equal(3, broken.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains("Record 3", broken.Str("problem"));
    }
}

public sealed class AuditScopeTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Managers_see_only_their_programmes_records(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var mine = await admin.CreateProgramme();
        await admin.CreateProgramme();
        var manager = app.Client(await admin.CreateKey("manager", [mine.Id()]));
        await manager.PatchJson($"/api/v1/programmes/{mine.Id()}", new { partner = "镇坪县教育体育和科技局" }).Expect(HttpStatusCode.OK);
        var page = await manager.Get("/api/v1/audit?limit=500").Expect(HttpStatusCode.OK);
        var records = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal(mine.Id().ToString(), r.Str("programmeId")));
    }
}
