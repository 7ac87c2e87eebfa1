using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class GoodsTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Handing_out_goods_moves_their_value_out_of_stock_and_never_more_than_is_left(Engine engine)
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
        Assert.Equal("333.33", first.Str("value"));
        Assert.Equal(2000m, first.GetProperty("remainingQuantity").GetDecimal());
        await admin.PostJson("/api/v1/goods-distributions", Hand(1000, "曾家镇中学")).Expect(HttpStatusCode.Created);
        var before = await app.MoneyRowCountsAsync();
        var problem = await admin.PostJson("/api/v1/goods-distributions", Hand(1000.5m, "钟宝镇中学")).Expect(HttpStatusCode.Conflict);
        Assert.Equal(1000m, problem.GetProperty("remainingQuantity").GetDecimal());
        Assert.Equal(before, await app.MoneyRowCountsAsync());
        var last = await admin.PostJson("/api/v1/goods-distributions", Hand(1000, "钟宝镇中学")).Expect(HttpStatusCode.Created);
        Assert.Equal("333.34", last.Str("value")); // the last share takes what is left: 333.33 + 333.33 + 333.34
        Assert.Equal("0.00", last.Str("remainingValue"));

        var balance = await admin.Balance(programme);
        Assert.Equal("1000.00", balance.Str("goodsReceived"));
        Assert.Equal("1000.00", balance.Str("goodsDistributed"));
        Assert.Equal("0.00", balance.Str("goodsInStock"));
        Assert.Equal("0.00", balance.Str("restrictedBalance"));
        await admin.PostJson($"/api/v1/gifts/{masks.Id()}/reverse", new { reason = "x" }).Expect(HttpStatusCode.Conflict);
        var cash = await admin.Give(MoneyScenario.Cash(programme, donor, "5.00"));
        Assert.Contains("giftId", (await admin.PostJson("/api/v1/goods-distributions", new { giftId = cash.Id(), quantity = 1, recipient = "x", distributedOn = "2022-09-05" })
            .Expect(HttpStatusCode.BadRequest)).ErrorFields());
        await app.AssertBalancedAsync();
    }
}
