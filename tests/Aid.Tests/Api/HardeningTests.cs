using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

/// <summary>Findings of the hardening list: each reproduced on every engine, then answered as designed.</summary>
public sealed class HardeningTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private sealed record Setup(Guid Programme, Guid Donor, HttpClient Requester, HttpClient Approver, JsonElement Student, List<JsonElement> Gifts);

    private static async Task<Setup> Prepare(AidApp app, params string[] gifts)
    {
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var day = 1;
        var given = new List<JsonElement>();
        foreach (var amount in gifts)
            given.Add(await admin.Give(MoneyScenario.Cash(programme, donor, amount, receivedOn: $"2022-0{day++}-10")));
        var requester = app.Client(await admin.CreateKey("manager", [programme]));
        var approver = app.Client(await admin.CreateKey("manager", [programme]));
        var student = await requester.Register(programme);
        return new Setup(programme, donor, requester, approver, student, given);
    }

    private static async Task<Guid> Approved(Setup s, string amount, int term)
    {
        var d = await s.Requester.PostJson("/api/v1/disbursements", new
        {
            programmeId = s.Programme, studentId = s.Student.Id(), academicYear = "2022-2023", term = $"第{term}期", purpose = "助学金", amount,
            channel = "bank_card", reference = "ZP-2022-AUTUMN", requestedOn = "2022-09-01", // paid 2022-09-15
        }).Expect(HttpStatusCode.Created);
        await s.Approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        return d.Id();
    }

    private static readonly object Payment = new { payoutReference = "BOC-20220915-0001", evidenceReference = "签收单-2022-秋-01", paidOn = "2022-09-15" };

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Reversing_a_gift_committed_to_approved_aid_needs_confirmation_and_names_the_newest_approvals_left_unfunded(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var s = await Prepare(app, "1000.00", "600.00");
        var first = await Approved(s, "500.00", 1);
        var second = await Approved(s, "500.00", 2);
        var newest = await Approved(s, "400.00", 3); // 1,400.00 committed of 1,600.00; reversing 600.00 leaves 1,000.00
        var bounced = s.Gifts[1].Id();

        var refused = await admin.PostJson($"/api/v1/gifts/{bounced}/reverse", new { reason = "银行退汇" }).Expect(HttpStatusCode.Conflict);
        Assert.Equal("-400.00", refused.Str("shortfall"));
        Assert.Equal([newest], refused.GetProperty("unfundedDisbursementIds").EnumerateArray().Select(e => e.GetGuid()).ToArray());
        Assert.Equal("recorded", (await admin.Get($"/api/v1/gifts/{bounced}").Expect(HttpStatusCode.OK)).Str("status"));
        await admin.PostJson($"/api/v1/gifts/{bounced}/reverse", new { confirmShortfall = true }).Expect(HttpStatusCode.BadRequest); // reason still required

        var reversed = await admin.PostJson($"/api/v1/gifts/{bounced}/reverse", new { reason = "银行退汇", confirmShortfall = true }).Expect(HttpStatusCode.OK);
        Assert.Equal("reversed", reversed.Str("status"));
        var unfunded = Assert.Single(reversed.GetProperty("unfundedDisbursements").EnumerateArray());
        Assert.Equal(newest, unfunded.GetProperty("disbursementId").GetGuid());
        Assert.Equal("400.00", unfunded.Str("amount"));

        // The older approvals still fit and are paid; only the one named stays short.
        await s.Requester.PostJson($"/api/v1/disbursements/{first}/pay", Payment).Expect(HttpStatusCode.OK);
        await s.Requester.PostJson($"/api/v1/disbursements/{second}/pay", Payment).Expect(HttpStatusCode.OK);
        await s.Requester.PostJson($"/api/v1/disbursements/{newest}/pay", Payment).Expect(HttpStatusCode.Conflict);
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_reversal_the_remaining_cash_covers_needs_no_confirmation(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app, "1000.00", "600.00");
        await Approved(s, "500.00", 1);
        var reversed = await app.Admin().PostJson($"/api/v1/gifts/{s.Gifts[1].Id()}/reverse", new { reason = "录入错误" }).Expect(HttpStatusCode.OK);
        Assert.Equal("reversed", reversed.Str("status"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Paying_a_row_rolled_back_to_approved_by_hand_is_a_conflict_and_writes_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app, "1000.00");
        var d = await Approved(s, "300.00", 1);
        await s.Requester.PostJson($"/api/v1/disbursements/{d}/pay", Payment).Expect(HttpStatusCode.OK);

        await using (var connection = await app.OpenDatabaseAsync())
            await connection.ExecuteAsync("UPDATE disbursements SET status = 'approved' WHERE id = @d", new { d = Key(engine, d) });
        var before = await Count(app, "journal_entries");

        var conflict = await s.Requester.PostJson($"/api/v1/disbursements/{d}/pay", Payment).Expect(HttpStatusCode.Conflict);
        // Caught before the ledger check now: the row no longer matches its audit digest.
        Assert.Contains($"disbursements/{d}", conflict.Str("auditProblem"));
        Assert.Contains("audit verification", conflict.Str("detail"));
        Assert.Equal(before, await Count(app, "journal_entries"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Restarting_with_keys_in_the_database_writes_no_audit_record(Engine engine)
    {
        var app = await apps.For(engine);
        await app.Admin().CreateProgramme();
        var before = await Count(app, "audit_log");
        await app.RestartAsync();
        await app.RestartAsync();
        Assert.Equal(before, await Count(app, "audit_log"));
        var verified = await app.Admin().Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        // The chains are intact (another test of this class edits a disbursement row by hand: that is a row problem, not a chain one).
        Assert.DoesNotContain(verified.GetProperty("problems").EnumerateArray(), p => p.Str("kind") is "record" or "chain" or "checkpoint");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_manager_edits_only_donors_of_their_programmes_new_donors_and_their_own(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var a = (await admin.CreateProgramme()).Id();
        var b = (await admin.CreateProgramme()).Id();
        var giverToB = (await admin.CreateDonor("林晓")).Id();
        await admin.Give(MoneyScenario.Cash(b, giverToB, "100.00"));
        var giverToA = (await admin.CreateDonor("周明")).Id();
        await admin.Give(MoneyScenario.Cash(a, giverToA, "100.00"));
        var manager = app.Client(await admin.CreateKey("manager", [a]));

        await manager.PatchJson($"/api/v1/donors/{giverToB}", new { phone = "13900000000" }).Expect(HttpStatusCode.NotFound);
        Assert.DoesNotContain("13900000000", (await admin.Get($"/api/v1/donors/{giverToB}").Expect(HttpStatusCode.OK)).GetRawText());

        var edited = await manager.PatchJson($"/api/v1/donors/{giverToA}", new { phone = "13900000001" }).Expect(HttpStatusCode.OK);
        Assert.Contains("13900000001", edited.GetRawText());

        var fresh = (await admin.CreateDonor("新捐赠人")).Id(); // no gift, pledge or sponsorship yet
        await manager.PatchJson($"/api/v1/donors/{fresh}", new { phone = "13900000002" }).Expect(HttpStatusCode.OK);
        await admin.PatchJson($"/api/v1/donors/{giverToB}", new { phone = "13900000003" }).Expect(HttpStatusCode.OK);
    }

    private static async Task<long> Count(AidApp app, string table)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    /// <summary>Ids as each engine stores them (SQLite: lower-case text).</summary>
    private static object Key(Engine engine, Guid id) => engine == Engine.Sqlite ? id.ToString() : id;
}
