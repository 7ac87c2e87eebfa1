using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

public sealed class DisbursementApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private sealed record Setup(Guid Programme, Guid Donor, HttpClient Requester, HttpClient Approver, JsonElement Student);

    private static async Task<Setup> Prepare(AidApp app, params string[] gifts)
    {
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var day = 1;
        foreach (var amount in gifts)
            await admin.Give(MoneyScenario.Cash(programme, donor, amount, receivedOn: $"2022-0{day++}-10"));
        var requester = app.Client(await admin.CreateKey("manager", [programme]));
        var approver = app.Client(await admin.CreateKey("manager", [programme]));
        var student = await requester.Register(programme);
        return new Setup(programme, donor, requester, approver, student);
    }

    private static object Request(Setup s, string amount = "500.00", Guid? student = null, string term = "秋季学期") => new
    {
        programmeId = s.Programme, studentId = student ?? s.Student.Id(), academicYear = "2022-2023", term, purpose = "助学金", amount,
        channel = "bank_card", reference = "ZP-2022-AUTUMN", requestedOn = "2022-09-01", // a past term entered now: paid 2022-09-15
    };

    private static readonly object Payment = new { payoutReference = "BOC-20220915-0001", evidenceReference = "签收单-2022-秋-01", paidOn = "2022-09-15" };

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Four_eyes_the_requester_cannot_approve_a_second_manager_can_then_it_is_paid(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app, "1000.00");
        var d = await s.Requester.PostJson("/api/v1/disbursements", Request(s)).Expect(HttpStatusCode.Created);
        Assert.Equal("requested", d.Str("status"));
        Assert.Equal("0.00", (await s.Requester.Balance(s.Programme)).Str("committed"));

        var forbidden = await s.Requester.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.Forbidden);
        Assert.Contains("Four-eyes", forbidden.Str("detail"));
        await s.Requester.PostJson($"/api/v1/disbursements/{d.Id()}/pay", Payment).Expect(HttpStatusCode.Conflict); // not approved yet

        var approved = await s.Approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", approved.Str("status"));
        var balance = await s.Approver.Balance(s.Programme);
        Assert.Equal("500.00", balance.Str("committed"));

        var paid = await s.Requester.PostJson($"/api/v1/disbursements/{d.Id()}/pay", Payment).Expect(HttpStatusCode.OK);
        Assert.Equal("paid", paid.Str("status"));
        Assert.Equal("2022-09-15", paid.Str("paidOn"));
        balance = await s.Approver.Balance(s.Programme);
        Assert.Equal("500.00", balance.Str("disbursed"));
        Assert.Equal("0.00", balance.Str("committed"));
        Assert.Equal("500.00", balance.Str("cashBalance"));
        Assert.Equal("500.00", balance.Str("restrictedBalance"));
        await app.AssertBalancedAsync();

        var auditor = app.Client(await app.Admin().CreateKey("auditor", [s.Programme]));
        await auditor.PostJson($"/api/v1/disbursements/{d.Id()}/reverse", new { reason = "x" }).Expect(HttpStatusCode.Forbidden);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Twenty_parallel_approvals_against_money_for_ten_pay_exactly_ten_and_never_overdraw(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app, "3000.00", "2000.00"); // 5,000.00 = ten payments of 500.00
        var requests = new List<Guid>();
        for (var i = 0; i < 20; i++)
            requests.Add((await s.Requester.PostJson("/api/v1/disbursements", Request(s, term: $"第{i + 1}期")).Expect(HttpStatusCode.Created)).Id());

        var approvals = await Task.WhenAll(requests.Select(id => s.Approver.PostJson($"/api/v1/disbursements/{id}/approve", new { })));
        Assert.Equal(10, approvals.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(10, approvals.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var committed = await s.Approver.Balance(s.Programme);
        Assert.Equal("5000.00", committed.Str("cashBalance"));
        Assert.Equal("5000.00", committed.Str("committed"));

        var payments = await Task.WhenAll(requests.Select(id => s.Requester.PostJson($"/api/v1/disbursements/{id}/pay", Payment)));
        Assert.Equal(10, payments.Count(r => r.StatusCode == HttpStatusCode.OK));

        var balance = await s.Approver.Balance(s.Programme);
        Assert.Equal("5000.00", balance.Str("disbursed"));
        Assert.Equal("0.00", balance.Str("cashBalance"));
        Assert.Equal("0.00", balance.Str("restrictedBalance"));
        Assert.Equal("0.00", balance.Str("committed"));
        await app.AssertBalancedAsync();
        await using var connection = await app.OpenDatabaseAsync();
        var negative = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT programme_id FROM postings WHERE account = 'cash_at_bank' GROUP BY programme_id HAVING SUM(amount) < 0) x");
        Assert.Equal(0, negative);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Payouts_trace_to_the_oldest_gifts_both_ways_and_a_reversal_restores_balance_and_allocations(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var s = await Prepare(app);
        var older = await admin.Give(MoneyScenario.Cash(s.Programme, s.Donor, "300.00", receivedOn: "2022-01-05"));
        var newer = await admin.Give(MoneyScenario.Cash(s.Programme, s.Donor, "700.00", receivedOn: "2022-02-05"));
        var d = await s.Requester.PostJson("/api/v1/disbursements", Request(s, "500.00")).Expect(HttpStatusCode.Created);
        await s.Approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        var paid = await s.Requester.PostJson($"/api/v1/disbursements/{d.Id()}/pay", Payment).Expect(HttpStatusCode.OK);

        var funding = paid.GetProperty("fundedBy").EnumerateArray().Select(f => (f.GetProperty("giftId").GetGuid(), f.Str("amount"))).ToList();
        Assert.Equal([(older.Id(), "300.00"), (newer.Id(), "200.00")], funding);
        var code = s.Student.Str("code");
        var olderGift = await admin.Get($"/api/v1/gifts/{older.Id()}").Expect(HttpStatusCode.OK);
        var paidFor = Assert.Single(olderGift.GetProperty("paidFor").EnumerateArray());
        Assert.Equal(code, paidFor.Str("studentCode"));
        Assert.Equal("2022-2023", paidFor.Str("academicYear"));
        Assert.Equal("300.00", paidFor.Str("amount"));

        // A donor sees what its gift paid for: the student's code, never the name.
        var donor = app.Client(await admin.CreateKey("donor", donorId: s.Donor));
        var seen = await donor.Get($"/api/v1/gifts/{newer.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(code, Assert.Single(seen.GetProperty("paidFor").EnumerateArray()).Str("studentCode"));
        Assert.DoesNotContain("蒋晟晖", seen.GetRawText());

        // A spent gift cannot be reversed away from under the payout.
        await admin.PostJson($"/api/v1/gifts/{older.Id()}/reverse", new { reason = "x" }).Expect(HttpStatusCode.Conflict);

        var reversed = await s.Approver.PostJson($"/api/v1/disbursements/{d.Id()}/reverse", new { reason = "卡号错误，资金退回" }).Expect(HttpStatusCode.OK);
        Assert.Equal("reversed", reversed.Str("status"));
        var balance = await admin.Balance(s.Programme);
        Assert.Equal("0.00", balance.Str("disbursed"));
        Assert.Equal("1000.00", balance.Str("cashBalance"));
        Assert.Empty((await admin.Get($"/api/v1/gifts/{older.Id()}").Expect(HttpStatusCode.OK)).GetProperty("paidFor").EnumerateArray());

        // The money is free again and goes to the oldest gift first once more.
        var again = await s.Requester.PostJson("/api/v1/disbursements", Request(s, "300.00")).Expect(HttpStatusCode.Created);
        await s.Approver.PostJson($"/api/v1/disbursements/{again.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        var repaid = await s.Requester.PostJson($"/api/v1/disbursements/{again.Id()}/pay", Payment).Expect(HttpStatusCode.OK);
        Assert.Equal(older.Id(), Assert.Single(repaid.GetProperty("fundedBy").EnumerateArray()).GetProperty("giftId").GetGuid());
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_withdrawn_student_cannot_be_paid_and_an_under_14_without_consent_cannot_be_sponsored_or_paid(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app, "2000.00");
        var d = await s.Requester.PostJson("/api/v1/disbursements", Request(s)).Expect(HttpStatusCode.Created);
        await s.Approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        await s.Requester.PatchJson($"/api/v1/students/{s.Student.Id()}", new { status = "withdrawn", statusDate = "2022-09-01" }).Expect(HttpStatusCode.OK);
        var problem = await s.Requester.PostJson($"/api/v1/disbursements/{d.Id()}/pay", Payment).Expect(HttpStatusCode.Conflict);
        Assert.Contains("withdrawn", problem.Str("detail"));
        await s.Requester.PostJson("/api/v1/disbursements", Request(s)).Expect(HttpStatusCode.Conflict);
        Assert.Equal("0.00", (await s.Requester.Balance(s.Programme)).Str("disbursed"));

        var young = await s.Requester.Register(s.Programme, "李小妹", BusinessToday.Date.AddYears(-10), consent: false);
        await s.Requester.PostJson("/api/v1/sponsorships", new
        {
            programmeId = s.Programme, donorId = s.Donor, studentId = young.Id(), fromYear = 2022, toYear = 2024, annualAmount = "500.00",
        }).Expect(HttpStatusCode.Conflict);
        var request = await s.Requester.PostJson("/api/v1/disbursements", Request(s, student: young.Id())).Expect(HttpStatusCode.Created);
        await s.Approver.PostJson($"/api/v1/disbursements/{request.Id()}/approve", new { }).Expect(HttpStatusCode.Conflict);
        await s.Requester.PatchJson($"/api/v1/students/{young.Id()}", new { consentDate = "2022-08-01", consentReference = "监护人同意书-002" }).Expect(HttpStatusCode.OK);
        await s.Approver.PostJson($"/api/v1/disbursements/{request.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Sponsorships_in_a_year_cannot_exceed_the_annual_standard(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var other = await app.Admin().CreateDonor("王五");
        object Sponsor(Guid donor, string amount, int from = 2021, int to = 2023) =>
            new { programmeId = s.Programme, donorId = donor, studentId = s.Student.Id(), fromYear = from, toYear = to, annualAmount = amount };
        var first = await s.Requester.PostJson("/api/v1/sponsorships", Sponsor(s.Donor, "600.00")).Expect(HttpStatusCode.Created);
        Assert.Equal(s.Student.Str("code"), first.Str("studentCode"));
        var problem = await s.Requester.PostJson("/api/v1/sponsorships", Sponsor(other.Id(), "400.01", 2023, 2024)).Expect(HttpStatusCode.Conflict);
        Assert.Equal("2023-2024", problem.Str("academicYear"));
        await s.Requester.PostJson("/api/v1/sponsorships", Sponsor(other.Id(), "400.00")).Expect(HttpStatusCode.Created);
        await s.Requester.PostJson("/api/v1/sponsorships", Sponsor(other.Id(), "1000.00", 2024, 2025)).Expect(HttpStatusCode.Created);
        Assert.Contains("toYear", (await s.Requester.PostJson("/api/v1/sponsorships", Sponsor(other.Id(), "1.00", 2025, 2024)).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        var list = await s.Requester.Get($"/api/v1/sponsorships?studentId={s.Student.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
    }

    public static TheoryData<Engine, string, string> BadFields => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { "academicYear", "2022-2024" },
        { "amount", "0" },
        { "amount", "1.001" },
        { "channel", "paypal" },
        { "term", "" },
        { "requestedOn", "1999-12-31" },
        { "requestedOn", "2022-02-30" },
    });

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Bad_requests_are_400s_and_write_nothing(Engine engine, string field, string value)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app, "100.00");
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(Request(s)))!;
        body[field] = value;
        var before = await app.CountAsync("disbursements");
        Assert.Contains(field, (await s.Requester.PostJson("/api/v1/disbursements", body).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(before, await app.CountAsync("disbursements"));
    }
}
