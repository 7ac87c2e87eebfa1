using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Aid.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>The Aid meter counts what was done once: after commit, not for an idempotent replay, not for a refused request.</summary>
public sealed class MetricsTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Gifts_and_receipts_are_counted_once_each_and_replays_and_refusals_not_at_all(Engine engine)
    {
        var app = await apps.For(engine);
        using var counters = new AidCounters(app);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();

        var body = MoneyScenario.Cash(programme, donor, "100.00", reference: "METRICS-0001", receivedOn: "2022-03-01");
        var gift = await admin.PostJson("/api/v1/gifts", body, "metrics-gift-1").Expect(HttpStatusCode.Created);
        await admin.PostJson("/api/v1/gifts", body, "metrics-gift-1").Expect(HttpStatusCode.Created); // replayed, not recorded again
        await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "-1.00")).Expect(HttpStatusCode.BadRequest);
        await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "5.00", reference: "METRICS-0001"))
            .Expect(HttpStatusCode.Conflict); // the same bank reference twice: rolled back
        Assert.Equal(1, counters["aid.gifts.recorded"]);

        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        Assert.Equal(1, counters["aid.receipts.issued"]);
        // A void with reissue issues one more receipt; a void without reissue none.
        await admin.PostJson($"/api/v1/receipts/{receipt.Str("number")}/void", new { reason = "抬头有误", reissue = true }).Expect(HttpStatusCode.OK);
        Assert.Equal(2, counters["aid.receipts.issued"]);

        // A receipt run counts each receipt its chunks issued.
        await admin.Give(MoneyScenario.Cash(programme, donor, "20.00", receivedOn: "2022-04-01"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "30.00", receivedOn: "2022-05-01"));
        var run = await admin.PostJson("/api/v1/receipt-runs", new { programmeId = programme, year = 2022, kind = "per-gift" }).Expect(HttpStatusCode.Created);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await admin.Get($"/api/v1/receipt-runs/{run.Id()}").Expect(HttpStatusCode.OK)).Str("status") != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the receipt run did not complete in time");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        // The worker adds a chunk's receipts to the counter right after the chunk's commit: wait for it, bounded.
        while (counters["aid.receipts.issued"] < 4 && DateTime.UtcNow < deadline)
            await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.Equal(3, counters["aid.gifts.recorded"]);
        Assert.Equal(4, counters["aid.receipts.issued"]);
        Assert.Equal(0, counters["aid.disbursements.paid"]);

        // An import counts each gift its chunks booked, once (committing it again books nothing more).
        var file = Imports.ImportApiTests.Template(("2022-06-01", "指标捐赠人", "10.00", "现金", "", ""), ("2022-06-02", "指标捐赠人", "20.00", "现金", "", ""));
        var import = (await Imports.ImportApiTests.Upload(admin, programme, file, "捐赠.csv").Expect(HttpStatusCode.Created)).Id();
        await admin.PatchJson($"/api/v1/imports/{import}/rows/1", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/imports/{import}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await Imports.ImportApiTests.WaitFor(admin, import, i => i.Str("status") == "committed");
        await admin.PostJson($"/api/v1/imports/{import}/commit", new { }).Expect(HttpStatusCode.Accepted);
        while (counters["aid.gifts.recorded"] < 5 && DateTime.UtcNow < deadline)
            await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.Equal(5, counters["aid.gifts.recorded"]);
    }

    /// <summary>Adds up the Aid meter's counters of one app (the meters its own IMeterFactory made) while alive.</summary>
    private sealed class AidCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _totals = new();

        public AidCounters(AidApp app)
        {
            var factory = app.Factory.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Aid" && ReferenceEquals(instrument.Meter.Scope, factory))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
            _listener.Start();
        }

        public long this[string name] => _totals.GetValueOrDefault(name);

        public void Dispose() => _listener.Dispose();
    }
}
