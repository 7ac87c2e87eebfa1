using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Pledges;
using Aid.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Application;

/// <summary>
/// The console's pledge queries on every engine: the overdue instalments of a programme (open pledges only, net of reversed gifts,
/// oldest first, counted in all), the programme's pledge list filtered by status and donor with its schedule summary and paging,
/// the gifts counted against a pledge; each answers only within the caller's programmes.
/// </summary>
public sealed class PledgeQueryTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static async Task<T> QueryAsync<T>(AidApp app, IQuery<T> query, Actor? actor = null)
    {
        HttpActor.Override.Value = actor;
        try
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, TestContext.Current.CancellationToken);
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }

    private static Actor Manager(params Guid[] programmes) => new(null, Guid.NewGuid(), Roles.Manager, programmes, null);

    private static DateOnly Today(AidApp app) => app.Factory.Services.GetRequiredService<BusinessClock>().Today();

    private static Task<JsonElement> Pledge(HttpClient admin, Guid programme, Guid donor, string total, string frequency, int count, DateOnly first) =>
        admin.PostJson("/api/v1/pledges", new { donorId = donor, programmeId = programme, total, frequency, count, firstDueDate = first.ToString("yyyy-MM-dd") })
            .Expect(HttpStatusCode.Created);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Overdue_instalments_are_the_unpaid_parts_of_open_pledges_past_their_date_oldest_first(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("逾期测试捐赠人");
        var other = (await admin.CreateProgramme()).Id();
        var today = Today(app);

        var none = await QueryAsync(app, new ListOverdueInstalments(programme));
        Assert.Equal((0, "0.00"), (none!.Count, none.Outstanding));
        Assert.Empty(none.Items);

        // 900 over three years, all past: 400 paid (first full, 100 on the second), and a gift of 200 that is reversed.
        var open = await Pledge(admin, programme, donor, "900.00", "yearly", 3, new DateOnly(2022, 9, 1));
        await admin.Give(MoneyScenario.Cash(programme, donor, "400.00", open.Id()));
        var reversed = await admin.Give(MoneyScenario.Cash(programme, donor, "200.00", open.Id()));
        await admin.PostJson($"/api/v1/gifts/{reversed.Id()}/reverse", new { reason = "银行退汇" }).Expect(HttpStatusCode.OK);
        // Cancelled: expects nothing, never overdue. Not yet due: not overdue. Another programme's: not listed here.
        var cancelled = await Pledge(admin, programme, donor, "500.00", "monthly", 2, new DateOnly(2022, 1, 1));
        await admin.PostJson($"/api/v1/pledges/{cancelled.Id()}/cancel", new { reason = "捐赠人撤回" }).Expect(HttpStatusCode.OK);
        await Pledge(admin, programme, donor, "600.00", "term", 2, today.AddDays(1));
        await Pledge(admin, other, donor, "100.00", "yearly", 1, new DateOnly(2022, 1, 1));
        // Due today: not overdue yet; due yesterday: one day overdue.
        await Pledge(admin, programme, donor, "50.00", "yearly", 1, today);
        var yesterday = await Pledge(admin, programme, donor, "70.00", "yearly", 1, today.AddDays(-1));

        var overdue = await QueryAsync(app, new ListOverdueInstalments(programme));
        Assert.NotNull(overdue);
        Assert.Equal(3, overdue.Count);
        Assert.Equal("570.00", overdue.Outstanding);
        Assert.Equal("CNY", overdue.Currency);
        Assert.Equal(
            [(open.Id(), 2, new DateOnly(2023, 9, 1), "300.00", "200.00"), (open.Id(), 3, new DateOnly(2024, 9, 1), "300.00", "300.00"),
             (yesterday.Id(), 1, today.AddDays(-1), "70.00", "70.00")],
            overdue.Items.Select(i => (i.PledgeId, i.Number, i.DueDate, i.Amount, i.Outstanding)));
        Assert.All(overdue.Items, i => Assert.Equal("逾期测试捐赠人", i.DonorName));
        Assert.All(overdue.Items, i => Assert.Equal(donor, i.DonorId));
        Assert.Equal(today.DayNumber - new DateOnly(2023, 9, 1).DayNumber, overdue.Items[0].DaysOverdue);
        Assert.Equal(1, overdue.Items[2].DaysOverdue);

        // The limit keeps the oldest; the count and the sum stay those of all.
        var first = await QueryAsync(app, new ListOverdueInstalments(programme, Limit: 1));
        Assert.Equal(2, Assert.Single(first!.Items).Number);
        Assert.Equal((3, "570.00"), (first.Count, first.Outstanding));

        // Scope: a manager of this programme sees them; of another, or a donor, not even that the programme exists.
        Assert.Equal(3, (await QueryAsync(app, new ListOverdueInstalments(programme), Manager(programme)))!.Count);
        Assert.Null(await QueryAsync(app, new ListOverdueInstalments(programme), Manager(other)));
        Assert.Null(await QueryAsync(app, new ListOverdueInstalments(programme), new Actor(null, Guid.NewGuid(), Roles.Donor, [], donor)));
        Assert.Null(await QueryAsync(app, new ListOverdueInstalments(Guid.NewGuid())));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_pledge_list_filters_by_status_and_donor_summarises_the_schedule_and_pages_newest_first(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("列表测试甲");
        var second = (await admin.CreateDonor("列表测试乙")).Id();
        var other = (await admin.CreateProgramme()).Id();
        var today = Today(app);

        var open = await Pledge(admin, programme, donor, "1000.00", "term", 3, new DateOnly(2022, 3, 1));
        await admin.Give(MoneyScenario.Cash(programme, donor, "400.00", open.Id()));
        var fulfilled = await Pledge(admin, programme, second, "300.00", "yearly", 1, new DateOnly(2022, 9, 1));
        await admin.Give(MoneyScenario.Cash(programme, second, "300.00", fulfilled.Id()));
        var cancelled = await Pledge(admin, programme, donor, "200.00", "monthly", 2, new DateOnly(2022, 1, 1));
        await admin.PostJson($"/api/v1/pledges/{cancelled.Id()}/cancel", new { reason = "捐赠人撤回" }).Expect(HttpStatusCode.OK);
        var writtenOff = await Pledge(admin, programme, second, "800.00", "quarterly", 4, today.AddDays(10));
        await admin.PostJson($"/api/v1/pledges/{writtenOff.Id()}/write-off", new { reason = "无法联系" }).Expect(HttpStatusCode.OK);
        await Pledge(admin, other, donor, "100.00", "yearly", 1, new DateOnly(2022, 1, 1));

        async Task<List<Guid>> Ids(string? status, Guid? donorId = null) =>
            (await QueryAsync(app, new ListProgrammePledges(programme, status, donorId, null, null))).Items.Select(p => p.Id).ToList();
        Assert.Equal([writtenOff.Id(), cancelled.Id(), fulfilled.Id(), open.Id()], await Ids(null)); // newest first
        Assert.Equal([open.Id()], await Ids(PledgeStatus.Open));
        Assert.Equal([fulfilled.Id()], await Ids(PledgeStatus.Fulfilled));
        Assert.Equal([cancelled.Id()], await Ids(PledgeStatus.Cancelled));
        Assert.Equal([writtenOff.Id()], await Ids(PledgeStatus.WrittenOff));
        Assert.Equal([cancelled.Id(), open.Id()], await Ids(null, donor));
        Assert.Equal([writtenOff.Id()], await Ids(PledgeStatus.WrittenOff, second));
        Assert.Empty(await Ids(PledgeStatus.Open, second));

        var all = (await QueryAsync(app, new ListProgrammePledges(programme, null, null, null, null))).Items.ToDictionary(p => p.Id);
        var o = all[open.Id()];
        Assert.Equal(("列表测试甲", "open", "1000.00", "400.00", "600.00"), (o.DonorName, o.Status, o.Total, o.Paid, o.Outstanding));
        Assert.Equal(("term", 3, new DateOnly(2022, 3, 1), new DateOnly(2023, 3, 1)), (o.Frequency, o.InstalmentCount, o.FirstDueDate, o.LastDueDate));
        Assert.Equal(2, o.OverdueCount); // the first is paid; the second partly, the third not at all
        Assert.Equal(("fulfilled", "0.00", 0), (all[fulfilled.Id()].Status, all[fulfilled.Id()].Outstanding, all[fulfilled.Id()].OverdueCount));
        Assert.Equal(("cancelled", "0.00", 0), (all[cancelled.Id()].Status, all[cancelled.Id()].Outstanding, all[cancelled.Id()].OverdueCount));
        Assert.Equal(("written_off", 4, "列表测试乙"), (all[writtenOff.Id()].Status, all[writtenOff.Id()].InstalmentCount, all[writtenOff.Id()].DonorName));

        // Two at a time: every pledge once, in the same order.
        var walked = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await QueryAsync(app, new ListProgrammePledges(programme, null, null, 2, cursor));
            Assert.True(page.Items.Count <= 2);
            walked.AddRange(page.Items.Select(p => p.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(await Ids(null), walked);

        // Scope, and what the list refuses.
        Assert.Equal(4, (await QueryAsync(app, new ListProgrammePledges(programme, null, null, null, null), Manager(programme))).Items.Count);
        Assert.Empty((await QueryAsync(app, new ListProgrammePledges(programme, null, null, null, null), Manager(other))).Items);
        var bad = await Assert.ThrowsAsync<InputException>(() => QueryAsync(app, new ListProgrammePledges(programme, "paid", null, null, null)));
        Assert.Contains("status", bad.Errors.Keys, StringComparer.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<InputException>(() => QueryAsync(app, new ListProgrammePledges(programme, null, null, null, "not-a-cursor")));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_gifts_of_a_pledge_show_what_each_paid_per_instalment_and_a_reversed_one_counts_for_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var other = (await admin.CreateProgramme()).Id();
        var pledge = await Pledge(admin, programme, donor, "900.00", "yearly", 3, new DateOnly(2022, 9, 1));
        Assert.Empty((await QueryAsync(app, new ListPledgeGifts(pledge.Id())))!);

        var first = await admin.Give(MoneyScenario.Cash(programme, donor, "400.00", pledge.Id(), receivedOn: "2022-09-05"));
        var second = await admin.Give(MoneyScenario.Cash(programme, donor, "100.00", pledge.Id(), receivedOn: "2022-10-05"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "50.00", receivedOn: "2022-10-06")); // not against the pledge
        await admin.PostJson($"/api/v1/gifts/{second.Id()}/reverse", new { reason = "银行退汇" }).Expect(HttpStatusCode.OK);

        var gifts = await QueryAsync(app, new ListPledgeGifts(pledge.Id()));
        Assert.NotNull(gifts);
        Assert.Equal([first.Id(), second.Id()], gifts.Select(g => g.GiftId));
        Assert.Equal((new DateOnly(2022, 9, 5), "400.00", "400.00", false), (gifts[0].ReceivedOn, gifts[0].Amount, gifts[0].Counted, gifts[0].Reversed));
        Assert.Equal([(1, "300.00"), (2, "100.00")], gifts[0].Parts.Select(p => (p.Instalment, p.Amount)));
        Assert.Equal(("100.00", "0.00", true), (gifts[1].Amount, gifts[1].Counted, gifts[1].Reversed));

        Assert.NotNull(await QueryAsync(app, new ListPledgeGifts(pledge.Id()), Manager(programme)));
        Assert.Null(await QueryAsync(app, new ListPledgeGifts(pledge.Id()), Manager(other)));
        Assert.NotNull(await QueryAsync(app, new ListPledgeGifts(pledge.Id()), new Actor(null, Guid.NewGuid(), Roles.Donor, [], donor)));
        Assert.Null(await QueryAsync(app, new ListPledgeGifts(pledge.Id()), new Actor(null, Guid.NewGuid(), Roles.Donor, [], Guid.NewGuid())));
        Assert.Null(await QueryAsync(app, new ListPledgeGifts(Guid.NewGuid())));
    }
}
