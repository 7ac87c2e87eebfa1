using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class PledgeApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_three_year_pledge_paid_by_three_gifts_is_fulfilled(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "3000.00", frequency = "yearly", count = 3, firstDueDate = "2021-09-01",
        }).Expect(HttpStatusCode.Created);
        Assert.Equal("open", pledge.Str("status"));
        Assert.Equal(["1000.00", "1000.00", "1000.00"], pledge.GetProperty("instalments").EnumerateArray().Select(i => i.Str("amount")));
        var balance = await admin.Balance(programme);
        Assert.Equal("3000.00", balance.Str("pledgedOutstanding"));
        Assert.Equal("0.00", balance.Str("restrictedBalance")); // a pledge is not income

        foreach (var year in new[] { "2021-09-10", "2022-09-10", "2023-09-10" })
            await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", pledge.Id(), receivedOn: year));

        var paid = await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", paid.Str("status"));
        Assert.Equal("3000.00", paid.Str("paid"));
        Assert.Equal("0.00", paid.Str("outstanding"));
        Assert.All(paid.GetProperty("instalments").EnumerateArray(), i => Assert.Equal("paid", i.Str("status")));
        balance = await admin.Balance(programme);
        Assert.Equal("3000.00", balance.Str("cashReceived"));
        Assert.Equal("3000.00", balance.Str("restrictedBalance"));
        Assert.Equal("0.00", balance.Str("pledgedOutstanding"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Gifts_fill_the_oldest_instalments_first_and_statuses_show_partly_paid_and_overdue(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "1000.00", frequency = "term", count = 3, firstDueDate = "2022-03-01",
        }).Expect(HttpStatusCode.Created);
        Assert.Equal(["333.34", "333.33", "333.33"], pledge.GetProperty("instalments").EnumerateArray().Select(i => i.Str("amount")));

        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "400.00", pledge.Id()));
        Assert.Equal([(1, "333.34"), (2, "66.66")],
            gift.GetProperty("pledgeAllocations").EnumerateArray().Select(a => (a.GetProperty("instalment").GetInt32(), a.Str("amount"))));
        Assert.Equal("0.00", gift.Str("excessAsGift"));

        var state = await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK);
        var statuses = state.GetProperty("instalments").EnumerateArray().Select(i => i.Str("status")).ToArray();
        // Due dates 2022-03-01, 2022-09-01, 2023-03-01 are all past: unpaid parts are overdue.
        Assert.Equal(["paid", "overdue", "overdue"], statuses);
        Assert.Equal("266.67", state.GetProperty("instalments")[1].Str("outstanding"));
        Assert.Equal("600.00", state.Str("outstanding"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Explicit_instalments_must_add_up_and_future_ones_are_unpaid(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var before = await app.MoneyRowCountsAsync();
        var problem = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "1000.00",
            instalments = new[] { new { dueDate = "2030-01-01", amount = "500.00" }, new { dueDate = "2031-01-01", amount = "499.99" } },
        }).Expect(HttpStatusCode.BadRequest);
        Assert.Contains("instalments", problem.ErrorFields());
        Assert.Equal(before, await app.MoneyRowCountsAsync());

        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "1000.00",
            instalments = new[] { new { dueDate = "2030-01-01", amount = "600.00" }, new { dueDate = "2031-01-01", amount = "400.00" } },
        }).Expect(HttpStatusCode.Created);
        Assert.Equal("custom", pledge.Str("frequency"));
        Assert.Equal(["unpaid", "unpaid"], pledge.GetProperty("instalments").EnumerateArray().Select(i => i.Str("status")));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Over_payment_is_refused_unless_the_excess_is_booked_as_a_plain_gift(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "500.00", frequency = "yearly", count = 1, firstDueDate = "2022-01-01",
        }).Expect(HttpStatusCode.Created);

        var before = await app.MoneyRowCountsAsync();
        var balanceBefore = (await admin.Balance(programme)).GetRawText();
        var problem = await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "500.01", pledge.Id())).Expect(HttpStatusCode.Conflict);
        Assert.Equal("500.00", problem.Str("pledgeOutstanding"));
        Assert.Equal(before, await app.MoneyRowCountsAsync());
        Assert.Equal(balanceBefore, (await admin.Balance(programme)).GetRawText());

        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "800.00", pledge.Id(), excessAsGift: true));
        Assert.Equal("300.00", gift.Str("excessAsGift"));
        var state = await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal("fulfilled", state.Str("status"));
        Assert.Equal("500.00", state.Str("paid"));
        Assert.Equal("800.00", (await admin.Balance(programme)).Str("restrictedBalance"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Cancel_and_write_off_close_open_pledges_only_and_stop_expecting_money(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        object Body() => new { donorId = donor, programmeId = programme, total = "1200.00", frequency = "monthly", count = 12, firstDueDate = "2030-01-15" };
        var first = await admin.PostJson("/api/v1/pledges", Body()).Expect(HttpStatusCode.Created);
        var second = await admin.PostJson("/api/v1/pledges", Body()).Expect(HttpStatusCode.Created);
        await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", second.Id()));
        Assert.Equal("2300.00", (await admin.Balance(programme)).Str("pledgedOutstanding"));

        Assert.Contains("reason", (await admin.PostJson($"/api/v1/pledges/{first.Id()}/cancel", new { }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        var cancelled = await admin.PostJson($"/api/v1/pledges/{first.Id()}/cancel", new { reason = "捐赠人撤回" }).Expect(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal("0.00", cancelled.Str("outstanding"));
        var writtenOff = await admin.PostJson($"/api/v1/pledges/{second.Id()}/write-off", new { reason = "企业注销" }).Expect(HttpStatusCode.OK);
        Assert.Equal("written_off", writtenOff.Str("status"));
        Assert.Equal("100.00", writtenOff.Str("paid"));
        Assert.Equal("0.00", (await admin.Balance(programme)).Str("pledgedOutstanding"));

        await admin.PostJson($"/api/v1/pledges/{first.Id()}/write-off", new { reason = "again" }).Expect(HttpStatusCode.Conflict);
        await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "100.00", first.Id())).Expect(HttpStatusCode.Conflict);
        await admin.PostJson($"/api/v1/pledges/{Guid.CreateVersion7()}/cancel", new { reason = "x" }).Expect(HttpStatusCode.NotFound);
    }

    public static TheoryData<Engine, string, string> BadPledges => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { """{"total":"100.00","frequency":"yearly","count":1,"firstDueDate":"2030-01-01"}""", "donorId" },
        { """{"DONOR":1,"frequency":"yearly","count":1,"firstDueDate":"2030-01-01"}""", "total" },
        { """{"DONOR":1,"total":"100.001","frequency":"yearly","count":1,"firstDueDate":"2030-01-01"}""", "total" },
        { """{"DONOR":1,"total":"0","frequency":"yearly","count":1,"firstDueDate":"2030-01-01"}""", "total" },
        { """{"DONOR":1,"total":"100.00","frequency":"weekly","count":1,"firstDueDate":"2030-01-01"}""", "frequency" },
        { """{"DONOR":1,"total":"100.00","frequency":"yearly","count":0,"firstDueDate":"2030-01-01"}""", "count" },
        { """{"DONOR":1,"total":"100.00","frequency":"yearly","count":121,"firstDueDate":"2030-01-01"}""", "count" },
        { """{"DONOR":1,"total":"0.02","frequency":"yearly","count":3,"firstDueDate":"2030-01-01"}""", "count" },
        { """{"DONOR":1,"total":"100.00","frequency":"yearly","count":1}""", "firstDueDate" },
        { """{"DONOR":1,"total":"100.00","frequency":"yearly","count":1,"firstDueDate":"2030-01-01","currency":"USD"}""", "currency" },
        { """{"DONOR":1,"total":"100.00","instalments":[{"dueDate":"2031-01-01","amount":"50.00"},{"dueDate":"2030-01-01","amount":"50.00"}]}""", "instalments" },
        { """{"DONOR":1,"total":"100.00","instalments":[{"dueDate":"2031-01-01","amount":"-50.00"},{"dueDate":"2032-01-01","amount":"150.00"}]}""", "instalments[0].amount" },
        { """{"DONOR":1,"total":"100.00","frequency":"yearly","count":1,"firstDueDate":"2030-01-01","instalments":[{"dueDate":"2030-01-01","amount":"100.00"}]}""", "frequency" },
    });

    [Theory]
    [MemberData(nameof(BadPledges))]
    public async Task Bad_pledges_are_400s_and_write_nothing(Engine engine, string json, string field)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        json = json.Replace("\"DONOR\":1", $"\"donorId\":\"{donor}\",\"programmeId\":\"{programme}\"");
        if (!json.Contains("programmeId")) json = json.Replace("{", $"{{\"programmeId\":\"{programme}\",");
        var before = await app.MoneyRowCountsAsync();
        var problem = await admin.PostRaw("/api/v1/pledges", json).Expect(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(before, await app.MoneyRowCountsAsync());
    }
}
