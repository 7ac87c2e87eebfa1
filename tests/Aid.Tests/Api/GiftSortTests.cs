using Aid.Application.Common;
using Aid.Application.Gifts;
using Aid.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>Gift lists sorted by received date or amount: ties broken by id, pages that neither skip nor repeat a gift.</summary>
public sealed class GiftSortTests(EngineApps apps) : IClassFixture<EngineApps>
{
    /// <summary>Seven gifts, with three received on each of two dates and three of the same amount.</summary>
    private static readonly (string Amount, string ReceivedOn)[] Gifts =
    [
        ("100.00", "2022-09-05"), ("50.00", "2022-09-01"), ("100.00", "2022-09-05"), ("75.00", "2022-09-01"),
        ("50.00", "2022-09-03"), ("100.00", "2022-09-01"), ("20.00", "2022-09-05"),
    ];

    private sealed record Recorded(Guid Id, long Amount, string ReceivedOn);

    private static async Task<(Guid Programme, List<Recorded> Gifts)> SevenGiftsAsync(AidApp app)
    {
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var recorded = new List<Recorded>();
        foreach (var (amount, receivedOn) in Gifts)
        {
            var gift = await admin.Give(MoneyScenario.Cash(programme, donor, amount, receivedOn: receivedOn));
            recorded.Add(new Recorded(gift.Id(), Money.Parse(amount), receivedOn));
        }
        return (programme, recorded);
    }

    /// <summary>The order each sort must give: by the value, then by id as the engines order uuids (their canonical text).</summary>
    private static List<Guid> Expected(List<Recorded> gifts, string sort)
    {
        Comparison<Recorded> byValue = sort.TrimStart('-') switch
        {
            "amount" => (a, b) => a.Amount.CompareTo(b.Amount),
            _ => (a, b) => string.CompareOrdinal(a.ReceivedOn, b.ReceivedOn),
        };
        var ordered = gifts.ToList();
        ordered.Sort((a, b) => byValue(a, b) is var c and not 0 ? c : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString()));
        if (sort.StartsWith('-')) ordered.Reverse();
        return ordered.Select(g => g.Id).ToList();
    }

    private static async Task<T> SendAsync<T>(AidApp app, IQuery<T> query)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, TestContext.Current.CancellationToken);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Each_sort_walked_two_at_a_time_gives_the_exact_order_and_every_gift_once(Engine engine)
    {
        var app = await apps.For(engine);
        var (programme, gifts) = await SevenGiftsAsync(app);
        foreach (var sort in GiftSorts.All)
        {
            var seen = new List<Guid>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await SendAsync(app, new ListGifts(programme, null, null, null, 2, cursor, sort));
                Assert.True(page.Items.Count <= 2);
                seen.AddRange(page.Items.Select(g => g.Id));
                cursor = page.NextCursor;
                Assert.True(++pages <= 4, $"{sort}: more pages than seven gifts need");
            } while (cursor is not null);
            Assert.Equal(Expected(gifts, sort), seen);
        }

        // Without a sort: by id, as before.
        var byId = await SendAsync(app, new ListGifts(programme, null, null, null, 10, null));
        Assert.Equal(gifts.Select(g => g.Id).OrderBy(id => id.ToString(), StringComparer.Ordinal), byId.Items.Select(g => g.Id));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_cursor_only_works_in_the_sort_it_came_from(Engine engine)
    {
        var app = await apps.For(engine);
        var (programme, _) = await SevenGiftsAsync(app);
        var byAmount = (await SendAsync(app, new ListGifts(programme, null, null, null, 2, null, "amount"))).NextCursor!;
        var byId = (await SendAsync(app, new ListGifts(programme, null, null, null, 2, null))).NextCursor!;

        async Task<string> Refused(ListGifts query, string field)
        {
            var e = await Assert.ThrowsAsync<InputException>(async () => await SendAsync(app, query));
            Assert.Equal([field], e.Errors.Keys.ToArray());
            return e.Errors[field].Single();
        }
        const string notOurs = "cursor is not a cursor returned by this list.";
        Assert.Equal(notOurs, await Refused(new ListGifts(programme, null, null, null, 2, byAmount, "-amount"), "cursor"));
        Assert.Equal(notOurs, await Refused(new ListGifts(programme, null, null, null, 2, byAmount, "receivedOn"), "cursor"));
        Assert.Equal(notOurs, await Refused(new ListGifts(programme, null, null, null, 2, byAmount), "cursor"));
        Assert.Equal(notOurs, await Refused(new ListGifts(programme, null, null, null, 2, byId, "amount"), "cursor"));
        Assert.Equal("sort must be one of receivedOn, -receivedOn, amount, -amount.",
            await Refused(new ListGifts(programme, null, null, null, 2, null, "donor"), "sort"));
        Assert.Equal(2, (await SendAsync(app, new ListGifts(programme, null, null, null, 2, byAmount, "amount"))).Items.Count);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_gift_list_takes_sort_over_HTTP(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, gifts) = await SevenGiftsAsync(app);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await admin.Get($"/api/v1/gifts?programmeId={programme}&sort=-amount&limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}")
                .Expect(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(g => g.Id()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(Expected(gifts, "-amount"), seen);

        var first = await admin.Get($"/api/v1/gifts?programmeId={programme}&sort=amount&limit=2").Expect(HttpStatusCode.OK);
        var problem = await admin.Get($"/api/v1/gifts?programmeId={programme}&sort=-amount&limit=2&cursor={Uri.EscapeDataString(first.Str("nextCursor"))}")
            .Expect(HttpStatusCode.BadRequest);
        Assert.Equal("cursor is not a cursor returned by this list.", problem.GetProperty("errors").GetProperty("cursor")[0].GetString());
        var badSort = await admin.Get($"/api/v1/gifts?sort=name").Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["sort"], badSort.ErrorFields());
    }
}
