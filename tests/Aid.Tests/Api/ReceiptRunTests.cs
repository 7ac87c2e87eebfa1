using System.IO.Compression;
using Aid.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Hosting;

namespace Aid.Tests.Api;

/// <summary>Small chunks with a pause between them, so a run can be caught half done.</summary>
public sealed class SlowRunApps : EngineApps
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Receipts:RunChunkSize", "4");
        builder.UseSetting("Aid:Receipts:RunChunkDelayMs", "150");
    }
}

public sealed class ReceiptRunTests(SlowRunApps apps) : IClassFixture<SlowRunApps>
{
    private static int ThisYear => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Year;

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_run_stopped_halfway_resumes_after_a_restart_with_one_valid_receipt_per_gift_and_no_gaps(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var other = await admin.CreateDonor("李四");
        const int gifts = 40;
        for (var i = 0; i < gifts; i++)
            await admin.Give(MoneyScenario.Cash(programme, i % 2 == 0 ? donor : other.Id(), $"{i + 1}.00", receivedOn: $"{ThisYear}-01-0{1 + i % 9}"));

        var run = await admin.PostJson("/api/v1/receipt-runs", new { programmeId = programme, year = ThisYear, kind = "per-gift" }).Expect(HttpStatusCode.Created);
        Assert.Equal(gifts, run.GetProperty("total").GetInt64());
        var id = run.Id();
        await admin.PostJson("/api/v1/receipt-runs", new { programmeId = programme, year = ThisYear, kind = "per-gift" }).Expect(HttpStatusCode.Conflict);

        var progress = await WaitFor(admin, id, r => r.GetProperty("done").GetInt64() >= 8);
        Assert.Equal("running", progress.Str("status"));
        await app.RestartAsync(); // the process goes away mid-run

        admin = app.Admin();
        var finished = await WaitFor(admin, id, r => r.Str("status") == "completed");
        Assert.Equal(gifts, finished.GetProperty("done").GetInt64());
        Assert.Equal(0, finished.GetProperty("errors").GetInt64());
        Assert.True(finished.GetProperty("receiptsPerSecond").GetDouble() > 0);

        await using var connection = await app.OpenDatabaseAsync();
        var perGift = (await connection.QueryAsync<long>($"""
            SELECT COUNT(r.id) FROM gifts g
            LEFT JOIN receipt_gifts rg ON rg.gift_id = g.id LEFT JOIN receipts r ON r.id = rg.receipt_id AND r.status = 'valid'
            WHERE g.programme_id = '{programme}' GROUP BY g.id
            """)).ToList();
        Assert.Equal(gifts, perGift.Count);
        Assert.All(perGift, count => Assert.Equal(1, count));
        var sequences = (await connection.QueryAsync<long>("SELECT sequence FROM receipts ORDER BY sequence")).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);

        var zip = await admin.Bytes($"/api/v1/receipt-runs/{id}/receipts.zip", "application/zip");
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(gifts, archive.Entries.Count);
        var entry = archive.Entries[0];
        using var pdf = new MemoryStream();
        await entry.Open().CopyToAsync(pdf, TestContext.Current.CancellationToken);
        Assert.Contains(entry.Name.Replace(".pdf", ""), Pdf.Text(pdf.ToArray()));
        Assert.Contains("副本COPY", Pdf.Text(pdf.ToArray())); // the originals are the donors'
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_annual_run_issues_one_receipt_per_donor(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var other = await admin.CreateDonor("王五", "organisation");
        foreach (var (who, amount) in new[] { (donor, "100.00"), (donor, "200.00"), (other.Id(), "50.00") })
            await admin.Give(MoneyScenario.Cash(programme, who, amount, receivedOn: $"{ThisYear}-01-02"));
        var run = await admin.PostJson("/api/v1/receipt-runs", new { programmeId = programme, year = ThisYear, kind = "annual" }).Expect(HttpStatusCode.Created);
        Assert.Equal(2, run.GetProperty("total").GetInt64());
        var finished = await WaitFor(admin, run.Id(), r => r.Str("status") == "completed");
        Assert.Equal(2, finished.GetProperty("done").GetInt64());
        await using var connection = await app.OpenDatabaseAsync();
        var totals = (await connection.QueryAsync<long>($"SELECT total FROM receipts WHERE run_id = '{run.Id()}' ORDER BY total")).ToList();
        Assert.Equal([5000L, 30000L], totals);
        Assert.Contains("kind", (await admin.PostJson("/api/v1/receipt-runs", new { programmeId = programme, year = ThisYear, kind = "weekly" })
            .Expect(HttpStatusCode.BadRequest)).ErrorFields());
    }

    private static async Task<JsonElement> WaitFor(HttpClient client, Guid run, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var state = await client.Get($"/api/v1/receipt-runs/{run}").Expect(HttpStatusCode.OK);
            if (done(state)) return state;
            Assert.True(DateTime.UtcNow < deadline, $"run did not get there in time: {state.GetRawText()}");
            Assert.NotEqual("failed", state.Str("status"));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>A font setting that names no file; the test runs on SQLite only.</summary>
public sealed class NoFontApps : EngineApps
{
    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Aid:Pdf:Fonts:0", "/nonexistent/font.ttf");
}

public sealed class NoFontTests(NoFontApps apps) : IClassFixture<NoFontApps>
{
    [Fact]
    public async Task Without_a_CJK_font_health_is_degraded_and_receipts_answer_503_naming_the_setting()
    {
        var app = await apps.For(Engine.Sqlite);
        var health = await app.Client().Get("/health").Expect(HttpStatusCode.OK);
        Assert.Equal("degraded", health.Str("status"));
        Assert.Equal("degraded", health.GetProperty("components").GetProperty("pdf").Str("status"));
        Assert.Equal("healthy", health.GetProperty("components").GetProperty("database").Str("status"));

        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "10.00", receivedOn: BusinessToday.Text));
        var problem = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Aid:Pdf:Fonts", problem.Str("setting"));
        Assert.Equal(0, await app.CountAsync("receipts"));
        Assert.Equal(0, await app.CountAsync("receipt_sequences"));
    }
}
