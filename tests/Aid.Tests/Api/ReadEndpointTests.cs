using Aid.Tests.Support;

namespace Aid.Tests.Api;

/// <summary>
/// The read endpoints added after their writes: the receipt list, one sponsorship, one goods distribution. Each answers
/// what the resource's own GET/POST answered, and only to those who may see it (others get 404, lists leave it out).
/// </summary>
public sealed class ReadEndpointTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).ToString("yyyy-MM-dd");

    private static int ThisYear => int.Parse(Today[..4]);

    private static string[] Numbers(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(r => r.Str("number")).Order().ToArray();

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Receipts_are_listed_by_donor_and_year_to_those_who_may_see_them(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("列表捐赠人");
        var other = (await admin.CreateProgramme()).Id();
        var otherDonor = (await admin.CreateDonor("另一位捐赠人")).Id();

        // A gift receipt in the first programme; an annual receipt over both programmes (no single programme); another donor's.
        var single = await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", receivedOn: Today));
        var one = await admin.PostJson("/api/v1/receipts", new { giftId = single.Id() }).Expect(HttpStatusCode.Created);
        await admin.Give(MoneyScenario.Cash(programme, donor, "200.00", receivedOn: Today));
        await admin.Give(MoneyScenario.Cash(other, donor, "300.00", receivedOn: Today));
        var annual = await admin.PostJson("/api/v1/receipts", new { donorId = donor, year = ThisYear }).Expect(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, annual.GetProperty("programmeId").ValueKind);
        var theirs = await admin.Give(MoneyScenario.Cash(programme, otherDonor, "400.00", receivedOn: Today));
        var someoneElses = await admin.PostJson("/api/v1/receipts", new { giftId = theirs.Id() }).Expect(HttpStatusCode.Created);

        var list = await admin.Get($"/api/v1/receipts?donorId={donor}&year={ThisYear}").Expect(HttpStatusCode.OK);
        Assert.Equal(new[] { one.Str("number"), annual.Str("number") }.Order().ToArray(), Numbers(list));
        // Each item is exactly what GET /receipts/{number} answers.
        foreach (var item in list.GetProperty("items").EnumerateArray())
            Assert.Equal((await admin.Get($"/api/v1/receipts/{item.Str("number")}").Expect(HttpStatusCode.OK)).GetRawText(), item.GetRawText());
        Assert.Empty((await admin.Get($"/api/v1/receipts?donorId={donor}&year={ThisYear - 1}").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        // The programme filter takes a receipt without a programme when any of its gifts went there.
        Assert.Equal(new[] { one.Str("number"), annual.Str("number"), someoneElses.Str("number") }.Order().ToArray(),
            Numbers(await admin.Get($"/api/v1/receipts?programmeId={programme}").Expect(HttpStatusCode.OK)));

        // A donor key sees its own receipts, whatever it asks for.
        var donorKey = app.Client(await admin.CreateKey("donor", donorId: donor));
        Assert.Equal(new[] { one.Str("number"), annual.Str("number") }.Order().ToArray(),
            Numbers(await donorKey.Get($"/api/v1/receipts?year={ThisYear}").Expect(HttpStatusCode.OK)));
        Assert.Empty((await donorKey.Get($"/api/v1/receipts?donorId={otherDonor}").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        // Staff of one programme: its receipts, not the annual one that also covers a gift elsewhere (as GET /receipts/{number}).
        var manager = app.Client(await admin.CreateKey("manager", [programme]));
        Assert.Equal(new[] { one.Str("number"), someoneElses.Str("number") }.Order().ToArray(),
            Numbers(await manager.Get("/api/v1/receipts?limit=500").Expect(HttpStatusCode.OK)));
        await manager.Get($"/api/v1/receipts/{annual.Str("number")}").Expect(HttpStatusCode.NotFound);
        var both = app.Client(await admin.CreateKey("auditor", [programme, other]));
        Assert.Contains(annual.Str("number"), Numbers(await both.Get($"/api/v1/receipts?donorId={donor}").Expect(HttpStatusCode.OK)));

        // Paged like every list.
        var first = await admin.Get($"/api/v1/receipts?programmeId={programme}&limit=2").Expect(HttpStatusCode.OK);
        var rest = await admin.Get($"/api/v1/receipts?programmeId={programme}&limit=2&cursor={first.Str("nextCursor")}").Expect(HttpStatusCode.OK);
        Assert.Equal(3, Numbers(first).Concat(Numbers(rest)).Distinct().Count());
        Assert.Equal(["year"], (await admin.Get("/api/v1/receipts?year=1900").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(["cursor"], (await admin.Get("/api/v1/receipts?cursor=nope").Expect(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_sponsorship_reads_back_as_created_to_its_donor_and_its_programme_staff(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("结对捐赠人");
        var student = await admin.Register(programme);
        var created = await admin.PostJson("/api/v1/sponsorships", new
        {
            programmeId = programme, donorId = donor, studentId = student.Id(), fromYear = 2022, toYear = 2023, annualAmount = "1000.00",
        }).Expect(HttpStatusCode.Created);
        var url = $"/api/v1/sponsorships/{created.Id()}";

        Assert.Equal(created.GetRawText(), (await admin.Get(url).Expect(HttpStatusCode.OK)).GetRawText());
        var fromList = (await admin.Get($"/api/v1/sponsorships?studentId={student.Id()}").Expect(HttpStatusCode.OK)).GetProperty("items")[0];
        Assert.Equal(fromList.GetRawText(), (await admin.Get(url).Expect(HttpStatusCode.OK)).GetRawText());

        var own = app.Client(await admin.CreateKey("donor", donorId: donor));
        Assert.Equal(student.Str("code"), (await own.Get(url).Expect(HttpStatusCode.OK)).Str("studentCode"));
        var otherDonor = app.Client(await admin.CreateKey("donor", donorId: (await admin.CreateDonor("旁人")).Id()));
        await otherDonor.Get(url).Expect(HttpStatusCode.NotFound);
        await app.Client(await admin.CreateKey("auditor", [programme])).Get(url).Expect(HttpStatusCode.OK);
        await app.Client(await admin.CreateKey("manager", [(await admin.CreateProgramme()).Id()])).Get(url).Expect(HttpStatusCode.NotFound);
        await admin.Get($"/api/v1/sponsorships/{Guid.CreateVersion7()}").Expect(HttpStatusCode.NotFound);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_goods_distribution_reads_back_as_it_was_answered_when_made(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("镇坪县医药公司", "organisation");
        var masks = await admin.Give(new
        {
            programmeId = programme, donorId = donor, receivedOn = "2022-02-15", kind = "in_kind", description = "一次性医用口罩", quantity = 3000,
            unit = "只", valuationBasis = "invoice", value = "1000.00",
        });
        object Hand(decimal quantity, string school) => new { giftId = masks.Id(), quantity, recipient = school, distributedOn = "2022-02-21", reference = "签收单" };
        var first = await admin.PostJson("/api/v1/goods-distributions", Hand(1000, "镇坪县中学")).Expect(HttpStatusCode.Created);
        var second = await admin.PostJson("/api/v1/goods-distributions", Hand(1500.5m, "曾家镇中学")).Expect(HttpStatusCode.Created);
        var last = await admin.PostJson("/api/v1/goods-distributions", Hand(499.5m, "钟宝镇中学")).Expect(HttpStatusCode.Created);

        // What was left right after each hand-out, not what is left now.
        foreach (var made in new[] { first, second, last })
            Assert.Equal(made.GetRawText(), (await admin.Get($"/api/v1/goods-distributions/{made.Id()}").Expect(HttpStatusCode.OK)).GetRawText());
        Assert.Equal(2000m, first.GetProperty("remainingQuantity").GetDecimal());
        Assert.Equal("0.00", last.Str("remainingValue"));

        var url = $"/api/v1/goods-distributions/{second.Id()}";
        await app.Client(await admin.CreateKey("auditor", [programme])).Get(url).Expect(HttpStatusCode.OK);
        await app.Client(await admin.CreateKey("donor", donorId: donor)).Get(url).Expect(HttpStatusCode.OK); // how the donor's gift was used
        await app.Client(await admin.CreateKey("manager", [(await admin.CreateProgramme()).Id()])).Get(url).Expect(HttpStatusCode.NotFound);
        await app.Client(await admin.CreateKey("donor", donorId: (await admin.CreateDonor("旁人")).Id())).Get(url).Expect(HttpStatusCode.NotFound);
        await admin.Get($"/api/v1/goods-distributions/{Guid.CreateVersion7()}").Expect(HttpStatusCode.NotFound);
    }
}
