using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class GiftApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_cash_gift_books_a_balanced_entry_and_reads_back_exactly(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("安康市爱心企业有限公司", "organisation");
        var response = await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "12345.67", reference: "WX-20220905-0001", method: "wechat_pay"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var gift = await response.Json();
        Assert.Equal($"/api/v1/gifts/{gift.Id()}", response.Headers.Location!.OriginalString);
        Assert.Equal("12345.67", gift.Str("amount"));
        Assert.Equal("CNY", gift.Str("currency"));
        Assert.Equal("recorded", gift.Str("status"));

        var fetched = await admin.Get($"/api/v1/gifts/{gift.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal(gift.GetRawText(), fetched.GetRawText());
        var balance = await admin.Balance(programme);
        Assert.Equal("12345.67", balance.Str("cashReceived"));
        Assert.Equal("12345.67", balance.Str("cashBalance"));
        Assert.Equal("12345.67", balance.Str("restrictedBalance"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task In_kind_gifts_book_their_value_or_nothing_when_not_valued(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("镇坪县医药公司", "organisation");
        var masks = await admin.Give(new
        {
            programmeId = programme, donorId = donor, receivedOn = "2022-02-10", kind = "in_kind", description = "一次性医用口罩",
            quantity = 5000, unit = "只", valuationBasis = "invoice", value = "2500.00", reference = "INV-2022-0210",
        });
        Assert.Equal("2500.00", masks.Str("value"));
        Assert.Equal(5000m, masks.GetProperty("quantity").GetDecimal());
        var books = await admin.Give(new
        {
            programmeId = programme, donorId = donor, receivedOn = "2022-02-11", kind = "in_kind", description = "课外读物",
            quantity = 12.5, unit = "箱", valuationBasis = "not_valued",
        });
        Assert.Equal("0.00", books.Str("amount"));
        Assert.Equal(12.5m, books.GetProperty("quantity").GetDecimal());

        var balance = await admin.Balance(programme);
        Assert.Equal("2500.00", balance.Str("goodsReceived"));
        Assert.Equal("2500.00", balance.Str("goodsInStock"));
        Assert.Equal("0.00", balance.Str("cashReceived"));
        Assert.Equal("2500.00", balance.Str("restrictedBalance"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Reversal_reopens_the_pledge_restores_the_balance_and_keeps_the_gift(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "2000.00", frequency = "yearly", count = 2, firstDueDate = "2030-09-01",
        }).Expect(HttpStatusCode.Created);
        await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", pledge.Id()));
        var second = await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", pledge.Id()));
        Assert.Equal("fulfilled", (await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK)).Str("status"));

        var reversed = await admin.PostJson($"/api/v1/gifts/{second.Id()}/reverse", new { reason = "银行退票" }).Expect(HttpStatusCode.OK);
        Assert.Equal("reversed", reversed.Str("status"));
        Assert.Equal("银行退票", reversed.GetProperty("reversal").Str("reason"));
        Assert.Equal("1000.00", reversed.Str("amount")); // the gift itself is unchanged

        var state = await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK);
        Assert.Equal("open", state.Str("status"));
        Assert.Equal("1000.00", state.Str("outstanding"));
        Assert.Equal(["paid", "unpaid"], state.GetProperty("instalments").EnumerateArray().Select(i => i.Str("status")));
        var balance = await admin.Balance(programme);
        Assert.Equal("2000.00", balance.Str("cashReceived"));
        Assert.Equal("1000.00", balance.Str("reversed"));
        Assert.Equal("1000.00", balance.Str("restrictedBalance"));
        Assert.Equal("1000.00", balance.Str("pledgedOutstanding"));

        await admin.PostJson($"/api/v1/gifts/{second.Id()}/reverse", new { reason = "again" }).Expect(HttpStatusCode.Conflict);
        await admin.PostJson($"/api/v1/gifts/{Guid.CreateVersion7()}/reverse", new { reason = "x" }).Expect(HttpStatusCode.NotFound);
        // The reopened instalment can be paid again.
        await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", pledge.Id()));
        Assert.Equal("fulfilled", (await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK)).Str("status"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_same_gift_sent_twice_is_recorded_once_by_key_and_by_reference(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var body = MoneyScenario.Cash(programme, donor, "500.00", reference: "ABC-20220905-77");
        var key = Guid.NewGuid().ToString();
        var first = await admin.PostJson("/api/v1/gifts", body, key).Expect(HttpStatusCode.Created);
        var replay = await admin.PostJson("/api/v1/gifts", body, key).Expect(HttpStatusCode.Created);
        Assert.Equal(first.GetRawText(), replay.GetRawText());

        var before = await app.MoneyRowCountsAsync();
        var duplicate = await admin.PostJson("/api/v1/gifts", body).Expect(HttpStatusCode.Conflict);
        Assert.Equal(first.Id().ToString(), duplicate.Str("existingGiftId"));
        var padded = MoneyScenario.Cash(programme, donor, "500.00", reference: "  ABC-20220905-77 ");
        await admin.PostJson("/api/v1/gifts", padded).Expect(HttpStatusCode.Conflict);
        Assert.Equal(before, await app.MoneyRowCountsAsync());
        Assert.Equal("500.00", (await admin.Balance(programme)).Str("cashReceived"));

        // The same reference in another programme is another gift.
        var (otherProgramme, _) = await admin.ProgrammeAndDonor();
        await admin.Give(MoneyScenario.Cash(otherProgramme, donor, "500.00", reference: "ABC-20220905-77"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Racing_duplicates_of_one_reference_record_one_gift_and_name_it_to_the_others(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var body = MoneyScenario.Cash(programme, donor, "77.00", reference: "RACE-" + Guid.NewGuid().ToString("N")[..8]);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => admin.PostJson("/api/v1/gifts", body)));
        var created = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var winner = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).Id();
        foreach (var loser in responses.Where(r => r != created))
        {
            Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
            Assert.Equal(winner.ToString(), (await loser.Json()).Str("existingGiftId"));
        }
        Assert.Equal("77.00", (await admin.Balance(programme)).Str("cashReceived"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Fifty_parallel_gifts_add_up_to_the_exact_sum(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var amounts = Enumerable.Range(1, 50).Select(i => i * 1234L + i % 7).ToArray(); // fen
        var responses = await Task.WhenAll(amounts.Select(a =>
            admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, $"{a / 100}.{a % 100:00}"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var expected = amounts.Sum();
        var balance = await admin.Balance(programme);
        Assert.Equal($"{expected / 100}.{expected % 100:00}", balance.Str("cashReceived"));
        Assert.Equal(balance.Str("cashReceived"), balance.Str("restrictedBalance"));
        var page = await admin.Get($"/api/v1/gifts?programmeId={programme}&limit=500").Expect(HttpStatusCode.OK);
        Assert.Equal(50, page.GetProperty("items").GetArrayLength());
        await app.AssertBalancedAsync();
        var verify = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.GetRawText());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Gift_lists_filter_by_programme_donor_and_dates_and_page(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var other = await admin.CreateDonor("李四");
        foreach (var day in new[] { "2022-01-05", "2022-02-05", "2022-03-05" })
            await admin.Give(MoneyScenario.Cash(programme, donor, "10.00", receivedOn: day));
        await admin.Give(MoneyScenario.Cash(programme, other.Id(), "20.00", receivedOn: "2022-02-06"));

        var february = await admin.Get($"/api/v1/gifts?programmeId={programme}&from=2022-02-01&to=2022-02-28").Expect(HttpStatusCode.OK);
        Assert.Equal(2, february.GetProperty("items").GetArrayLength());
        var mine = await admin.Get($"/api/v1/gifts?programmeId={programme}&donorId={donor}&limit=2").Expect(HttpStatusCode.OK);
        Assert.Equal(2, mine.GetProperty("items").GetArrayLength());
        var rest = await admin.Get($"/api/v1/gifts?programmeId={programme}&donorId={donor}&limit=2&cursor={mine.Str("nextCursor")}").Expect(HttpStatusCode.OK);
        Assert.Equal("2022-03-05", Assert.Single(rest.GetProperty("items").EnumerateArray()).Str("receivedOn"));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
        Assert.Contains("to", (await admin.Get("/api/v1/gifts?from=2022-03-01&to=2022-02-01").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("from", (await admin.Get("/api/v1/gifts?from=yesterday").Expect(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Donors_see_their_own_gifts_and_managers_stay_in_their_programmes(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var (otherProgramme, otherDonor) = await admin.ProgrammeAndDonor("王五");
        var mine = await admin.Give(MoneyScenario.Cash(programme, donor, "10.00"));
        var theirs = await admin.Give(MoneyScenario.Cash(otherProgramme, otherDonor, "20.00"));

        var donorClient = app.Client(await admin.CreateKey("donor", donorId: donor));
        await donorClient.Get($"/api/v1/gifts/{mine.Id()}").Expect(HttpStatusCode.OK);
        await donorClient.Get($"/api/v1/gifts/{theirs.Id()}").Expect(HttpStatusCode.NotFound);
        var list = await donorClient.Get("/api/v1/gifts?limit=500").Expect(HttpStatusCode.OK);
        Assert.Equal([mine.Id()], list.GetProperty("items").EnumerateArray().Select(g => g.Id()).ToArray());
        await donorClient.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "1.00")).Expect(HttpStatusCode.Forbidden);

        var manager = app.Client(await admin.CreateKey("manager", [programme]));
        await manager.Give(MoneyScenario.Cash(programme, donor, "5.00"));
        var before = await app.MoneyRowCountsAsync();
        await manager.PostJson("/api/v1/gifts", MoneyScenario.Cash(otherProgramme, donor, "5.00")).Expect(HttpStatusCode.NotFound);
        await manager.Get($"/api/v1/gifts/{theirs.Id()}").Expect(HttpStatusCode.NotFound);
        await manager.Get($"/api/v1/programmes/{otherProgramme}/balance").Expect(HttpStatusCode.NotFound);
        await manager.PostJson($"/api/v1/gifts/{theirs.Id()}/reverse", new { reason = "x" }).Expect(HttpStatusCode.NotFound);
        Assert.Equal(before, await app.MoneyRowCountsAsync());
        var auditor = app.Client(await admin.CreateKey("auditor", [programme]));
        await auditor.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "5.00")).Expect(HttpStatusCode.Forbidden);
        await auditor.Balance(programme);
    }

    public static TheoryData<Engine, string, string> BadGifts => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { """{"kind":"cash","amount":"100.001","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"-100.00","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"1e5","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"1,000.00","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"0.00","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"1000000000000.00","method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":100,"method":"bank_transfer","reference":"R1"}""", "amount" },
        { """{"kind":"cash","amount":"100.00","method":"bitcoin","reference":"R1"}""", "method" },
        { """{"kind":"cash","amount":"100.00","method":"bank_transfer"}""", "reference" },
        { """{"kind":"cash","amount":"100.00","method":"bank_transfer","reference":"R1","currency":"USD"}""", "currency" },
        { """{"kind":"cash","amount":"100.00","method":"cash","receivedOn":"2999-01-01"}""", "receivedOn" },
        { """{"kind":"cash","amount":"100.00","method":"cash","excessAsGift":true}""", "excessAsGift" },
        { """{"kind":"cash","amount":"100.00","method":"cash","donorId":"0190b6a4-0000-7000-8000-000000000000"}""", "donorId" },
        { """{"kind":"cash","amount":"100.00","method":"cash","pledgeId":"0190b6a4-0000-7000-8000-000000000000"}""", "pledgeId" },
        { """{"kind":"cash","amount":"100.00","method":"cash","description":"口罩"}""", "description" },
        { """{"kind":"gold","amount":"100.00"}""", "kind" },
        { """{"kind":"in_kind","description":"口罩","quantity":-1,"unit":"只","valuationBasis":"invoice","value":"10.00"}""", "quantity" },
        { """{"kind":"in_kind","description":"口罩","quantity":1,"unit":"只","valuationBasis":"guess","value":"10.00"}""", "valuationBasis" },
        { """{"kind":"in_kind","description":"口罩","quantity":1,"unit":"只","valuationBasis":"invoice"}""", "value" },
        { """{"kind":"in_kind","description":"口罩","quantity":1,"unit":"只","valuationBasis":"not_valued","value":"5.00"}""", "value" },
        { """{"kind":"in_kind","quantity":1,"unit":"只","valuationBasis":"invoice","value":"10.00"}""", "description" },
        { """{"kind":"in_kind","description":"口罩","quantity":1,"unit":"只","valuationBasis":"invoice","value":"10.00","amount":"10.00"}""", "amount" },
        { """{"kind":"cash","amount":"100.00","method":"cash","surprise":true}""", "surprise" },
    });

    [Theory]
    [MemberData(nameof(BadGifts))]
    public async Task Bad_gifts_are_400s_and_the_ledger_is_unchanged(Engine engine, string fields, string field)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(fields)!;
        var complete = new Dictionary<string, object>
        {
            ["programmeId"] = programme, ["donorId"] = donor, ["receivedOn"] = "2022-09-05",
        };
        foreach (var (name, value) in body) complete[name] = value;
        var before = await app.MoneyRowCountsAsync();
        var problem = await admin.PostJson("/api/v1/gifts", complete).Expect(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Equal(before, await app.MoneyRowCountsAsync());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Every_money_command_is_in_the_audit_trail_which_still_verifies(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "300.00", frequency = "yearly", count = 3, firstDueDate = "2030-01-01",
        }).Expect(HttpStatusCode.Created);
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", pledge.Id()));
        await admin.PostJson($"/api/v1/gifts/{gift.Id()}/reverse", new { reason = "录入错误" }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/pledges/{pledge.Id()}/cancel", new { reason = "撤回" }).Expect(HttpStatusCode.OK);

        var auditor = app.Client(await admin.CreateKey("auditor", [programme]));
        var trail = await auditor.Get("/api/v1/audit?limit=500").Expect(HttpStatusCode.OK);
        var actions = trail.GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("programmeId").ValueKind == JsonValueKind.String)
            .Select(r => (r.Str("action"), r.GetProperty("entityId").GetString())).ToList();
        Assert.Equal([("CreateProgramme", programme.ToString()), ("CreatePledge", pledge.Id().ToString()), ("RecordGift", gift.Id().ToString()),
            ("ReverseGift", gift.Id().ToString()), ("CancelPledge", pledge.Id().ToString())], actions);
        var verify = await auditor.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.GetRawText());
    }
}
