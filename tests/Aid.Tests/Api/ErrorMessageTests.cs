using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class ErrorMessageTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Fact]
    public async Task A_value_of_the_wrong_type_says_what_was_expected_and_titles_follow_Accept_Language()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();

        var amount = await admin.PostRaw("/api/v1/gifts",
            $$"""{"programmeId":"{{programme}}","donorId":"{{donor}}","receivedOn":"2024-09-05","kind":"cash","amount":1000,"method":"cash"}""")
            .Expect(HttpStatusCode.BadRequest);
        Assert.Equal("Invalid request", amount.Str("title"));
        Assert.Contains("amount must be a string such as \"1000.00\"", amount.GetProperty("errors").GetProperty("amount")[0].GetString());

        var date = await admin.PostRaw("/api/v1/gifts",
            $$"""{"programmeId":"{{programme}}","donorId":"{{donor}}","receivedOn":"5.9.2024","kind":"cash","amount":"1000.00","method":"cash"}""")
            .Expect(HttpStatusCode.BadRequest);
        Assert.Equal("receivedOn must be a date yyyy-MM-dd.", date.GetProperty("errors").GetProperty("receivedOn")[0].GetString());

        // Two wrong values at once: both are named, not only the first the reader met.
        var both = await admin.PostRaw("/api/v1/gifts",
            $$"""{"programmeId":"{{programme}}","donorId":"{{donor}}","receivedOn":"2024/09/05","kind":"cash","amount":1000,"method":"cash","excessAsGift":"yes"}""")
            .Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["amount", "excessAsGift", "receivedOn"], both.ErrorFields().Order().ToArray());
        Assert.Equal("excessAsGift must be true or false.", both.GetProperty("errors").GetProperty("excessAsGift")[0].GetString());

        using var chinese = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/gifts/{Guid.NewGuid()}");
        chinese.Headers.AcceptLanguage.ParseAdd("zh-CN,zh;q=0.9,en;q=0.8");
        var notFound = await admin.SendAsync(chinese, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("未找到", (await notFound.Json()).Str("title"));
        Assert.Equal(0, await app.CountAsync("gifts"));
    }
}
