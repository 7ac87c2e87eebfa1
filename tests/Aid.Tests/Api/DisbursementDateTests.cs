using System.Text.RegularExpressions;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

/// <summary>
/// A disbursement request carries its business date (<c>requestedOn</c>, default today in Asia/Shanghai), bounded like every
/// business date; paid not before requested: <c>paidOn</c> earlier than that date is a field error on paidOn, and nothing is
/// written. Records of past terms are entered now with their own dates (back-entry of historical aid).
/// </summary>
public sealed class DisbursementDateTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);

    private sealed record Setup(Guid Programme, HttpClient Requester, HttpClient Approver, Guid Student);

    /// <summary>A programme (2021-09-01 to next year) with 1,000.00 of cash received 2022-01-10, two managers and a student.</summary>
    private static async Task<Setup> Prepare(AidApp app)
    {
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", receivedOn: "2022-01-10"));
        var requester = app.Client(await admin.CreateKey("manager", [programme]));
        var approver = app.Client(await admin.CreateKey("manager", [programme]));
        var student = await requester.Register(programme);
        return new Setup(programme, requester, approver, student.Id());
    }

    private static int _term;

    /// <summary>A request for a term of its own: a student has one live disbursement per academic year and term.</summary>
    private static Dictionary<string, object?> Request(Setup s, string? requestedOn = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["programmeId"] = s.Programme, ["studentId"] = s.Student, ["academicYear"] = "2022-2023", ["term"] = $"第{Interlocked.Increment(ref _term)}期", ["purpose"] = "助学金",
            ["amount"] = "500.00", ["channel"] = "bank_card", ["reference"] = "ZP-2022-AUTUMN",
        };
        if (requestedOn is not null) body["requestedOn"] = requestedOn;
        return body;
    }

    /// <summary>One approved disbursement of 500.00, requested on <paramref name="requestedOn"/> (default: today).</summary>
    private static async Task<Guid> Approved(Setup s, string? requestedOn = null)
    {
        var d = await s.Requester.PostJson("/api/v1/disbursements", Request(s, requestedOn)).Expect(HttpStatusCode.Created);
        await s.Approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        return d.Id();
    }

    private static object Payment(DateOnly paidOn) =>
        new { payoutReference = "BOC-0001", evidenceReference = "签收单-01", paidOn = paidOn.ToString("yyyy-MM-dd") };

    private static object Key(Engine engine, Guid id) => engine == Engine.Sqlite ? id.ToString() : id;

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_request_without_requestedOn_is_dated_today_and_paying_before_that_is_a_400_on_paidOn_that_writes_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var d = await Approved(s);
        Assert.Equal(Today.ToString("yyyy-MM-dd"), (await s.Requester.Get($"/api/v1/disbursements/{d}").Expect(HttpStatusCode.OK)).Str("requestedOn"));
        var (entries, allocations) = (await app.CountAsync("journal_entries"), await app.CountAsync("disbursement_allocations"));

        var refused = await s.Requester.PostJson($"/api/v1/disbursements/{d}/pay", Payment(Today.AddDays(-1))).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "paidOn" }, refused.ErrorFields());
        Assert.Equal(
            $"paidOn {Today.AddDays(-1):yyyy-MM-dd} is before the disbursement was requested on {Today:yyyy-MM-dd}: money is not paid before it is requested.",
            refused.GetProperty("errors").GetProperty("paidOn")[0].GetString());
        Assert.Equal("approved", (await s.Requester.Get($"/api/v1/disbursements/{d}").Expect(HttpStatusCode.OK)).Str("status"));
        Assert.Equal(entries, await app.CountAsync("journal_entries"));
        Assert.Equal(allocations, await app.CountAsync("disbursement_allocations"));

        var chinese = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/disbursements/{d}/pay") { Content = JsonContent.Create(Payment(Today.AddDays(-1))) };
        chinese.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var zh = await s.Requester.SendAsync(chinese, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, zh.StatusCode);
        Assert.Equal($"paidOn {Today.AddDays(-1):yyyy-MM-dd} 早于该发放的申请日期（{Today:yyyy-MM-dd}）：款项不能在申请之前支付。",
            (await zh.Json()).GetProperty("errors").GetProperty("paidOn")[0].GetString());

        var paid = await s.Requester.PostJson($"/api/v1/disbursements/{d}/pay", Payment(Today)).Expect(HttpStatusCode.OK);
        Assert.Equal("paid", paid.Str("status"));
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_back_dated_request_is_paid_on_a_later_past_date(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var requested = await s.Requester.PostJson("/api/v1/disbursements", Request(s, "2022-09-01")).Expect(HttpStatusCode.Created);
        Assert.Equal("2022-09-01", requested.Str("requestedOn"));
        await s.Approver.PostJson($"/api/v1/disbursements/{requested.Id()}/approve", new { }).Expect(HttpStatusCode.OK);

        var paid = await s.Requester.PostJson($"/api/v1/disbursements/{requested.Id()}/pay", Payment(new DateOnly(2022, 9, 15))).Expect(HttpStatusCode.OK);
        Assert.Equal("paid", paid.Str("status"));
        Assert.Equal("2022-09-01", paid.Str("requestedOn"));
        Assert.Equal("2022-09-15", paid.Str("paidOn"));
        var listed = (await s.Requester.Get($"/api/v1/disbursements?programmeId={s.Programme}").Expect(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal("2022-09-01", Assert.Single(listed.EnumerateArray()).Str("requestedOn"));
        await using (var connection = await app.OpenDatabaseAsync())
            Assert.Equal(new DateOnly(2022, 9, 1), await connection.QuerySingleAsync<DateOnly>(
                "SELECT requested_on FROM disbursements WHERE id = @id", new { id = Key(engine, requested.Id()) }));
        await app.AssertBalancedAsync();

        // Paid on the day it was requested is fine too.
        var sameDay = await Approved(s, "2022-09-20");
        await s.Requester.PostJson($"/api/v1/disbursements/{sameDay}/pay", Payment(new DateOnly(2022, 9, 20))).Expect(HttpStatusCode.OK);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Paying_before_a_back_dated_request_is_a_400_on_paidOn_and_writes_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var d = await Approved(s, "2023-03-10");
        var (entries, postings, allocations) =
            (await app.CountAsync("journal_entries"), await app.CountAsync("postings"), await app.CountAsync("disbursement_allocations"));

        var refused = await s.Requester.PostJson($"/api/v1/disbursements/{d}/pay", Payment(new DateOnly(2023, 3, 9))).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "paidOn" }, refused.ErrorFields());
        Assert.Equal("paidOn 2023-03-09 is before the disbursement was requested on 2023-03-10: money is not paid before it is requested.",
            refused.GetProperty("errors").GetProperty("paidOn")[0].GetString());
        var row = await s.Requester.Get($"/api/v1/disbursements/{d}").Expect(HttpStatusCode.OK);
        Assert.Equal("approved", row.Str("status"));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("paidOn").ValueKind);
        Assert.Equal(entries, await app.CountAsync("journal_entries"));
        Assert.Equal(postings, await app.CountAsync("postings"));
        Assert.Equal(allocations, await app.CountAsync("disbursement_allocations"));
        Assert.Equal("500.00", (await s.Requester.Balance(s.Programme)).Str("committed"));
    }

    public static TheoryData<Engine, string, string> BadRequestedOn => EngineMatrix.Cross(new TheoryData<string, string>
    {
        { "future", "requestedOn cannot be in the future." },
        { "1999-12-31", "requestedOn must be between 2000-01-01 and 2100-12-31." },
        { "0001-01-01", "requestedOn must be between 2000-01-01 and 2100-12-31." },
    });

    [Theory]
    [MemberData(nameof(BadRequestedOn))]
    public async Task A_requestedOn_in_the_future_or_before_2000_is_a_400_on_requestedOn_and_writes_nothing(Engine engine, string requestedOn, string message)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var before = await app.CountAsync("disbursements");
        var date = requestedOn == "future" ? Today.AddDays(1).ToString("yyyy-MM-dd") : requestedOn;

        var refused = await s.Requester.PostJson("/api/v1/disbursements", Request(s, date)).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "requestedOn" }, refused.ErrorFields());
        Assert.Equal(message, refused.GetProperty("errors").GetProperty("requestedOn")[0].GetString());
        Assert.Equal(before, await app.CountAsync("disbursements"));
    }

    [Fact]
    public async Task A_requestedOn_in_the_future_is_refused_in_Chinese_too()
    {
        var app = await apps.For(Engine.Sqlite);
        var s = await Prepare(app);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/disbursements")
        {
            Content = JsonContent.Create(Request(s, Today.AddDays(1).ToString("yyyy-MM-dd"))),
        };
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var response = await s.Requester.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("requestedOn 不能晚于今天。", (await response.Json()).GetProperty("errors").GetProperty("requestedOn")[0].GetString());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_requestedOn_outside_the_programme_s_dates_is_a_conflict_like_paidOn(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var before = await app.CountAsync("disbursements");
        var conflict = await s.Requester.PostJson("/api/v1/disbursements", Request(s, "2020-08-31")).Expect(HttpStatusCode.Conflict);
        Assert.StartsWith("requestedOn 2020-08-31 is outside programme ", conflict.Str("detail"));
        Assert.Equal(before, await app.CountAsync("disbursements"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_requested_date_edited_by_hand_is_refused_before_any_payment(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var d = await Approved(s);
        // Moving the request date back by hand (to allow an earlier payment) is an edit behind the service's back: the row no longer
        // matches its audit digest, so paying it is refused before anything is written.
        await using (var connection = await app.OpenDatabaseAsync())
            Assert.Equal(1, await connection.ExecuteAsync(engine switch
            {
                Engine.Sqlite => "UPDATE disbursements SET requested_on = NULL, requested_at = '2023-03-14T17:30:00.000000Z' WHERE id = @id",
                Engine.Postgres => "UPDATE disbursements SET requested_on = NULL, requested_at = TIMESTAMPTZ '2023-03-14 17:30:00+00' WHERE id = @id",
                Engine.SqlServer => "UPDATE disbursements SET requested_on = NULL, requested_at = '2023-03-14T17:30:00+00:00' WHERE id = @id",
            }, new { id = Key(engine, d) }));
        var entries = await app.CountAsync("journal_entries");
        var refused = await s.Requester.PostJson($"/api/v1/disbursements/{d}/pay", Payment(new DateOnly(2023, 3, 15))).Expect(HttpStatusCode.Conflict);
        Assert.Contains($"disbursements/{d}", refused.Str("auditProblem"));
        Assert.Contains("run audit verification", refused.Str("detail"));
        Assert.Equal(entries, await app.CountAsync("journal_entries"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Migration_0008_dates_existing_requests_by_the_business_day_they_were_entered(Engine engine)
    {
        var app = await apps.For(engine);
        var s = await Prepare(app);
        var d = await Approved(s);
        var late = await Approved(s); // 15:59:59 UTC is 23:59:59 in Asia/Shanghai: still the 14th
        await using var connection = await app.OpenDatabaseAsync();
        foreach (var (id, at) in new[] { (d, "2023-03-14 17:30:00"), (late, "2023-03-14 15:59:59") })
            await connection.ExecuteAsync(engine switch
            {
                Engine.Sqlite => $"UPDATE disbursements SET requested_on = NULL, requested_at = '{at.Replace(' ', 'T')}.000000Z' WHERE id = @id",
                Engine.Postgres => $"UPDATE disbursements SET requested_on = NULL, requested_at = TIMESTAMPTZ '{at}+00' WHERE id = @id",
                Engine.SqlServer => $"UPDATE disbursements SET requested_on = NULL, requested_at = '{at.Replace(' ', 'T')}+00:00' WHERE id = @id",
            }, new { id = Key(engine, id) });

        // The migration's fill, as shipped for this engine, run again over the rows it finds without a date.
        var folder = engine switch { Engine.Sqlite => "sqlite", Engine.Postgres => "postgres", Engine.SqlServer => "sqlserver" };
        var script = MigrationRunner.Embedded(folder).Single(m => m.Id == "0008").Sql;
        var fill = Regex.Match(script, @"UPDATE disbursements [^;]+;").Value;
        Assert.Contains("requested_on IS NULL", fill);
        Assert.True(await connection.ExecuteAsync(fill) >= 2); // the class's other tests may have left rows without a date too

        Assert.Equal(new DateOnly(2023, 3, 15), await connection.QuerySingleAsync<DateOnly>(
            "SELECT requested_on FROM disbursements WHERE id = @id", new { id = Key(engine, d) }));
        Assert.Equal(new DateOnly(2023, 3, 14), await connection.QuerySingleAsync<DateOnly>(
            "SELECT requested_on FROM disbursements WHERE id = @id", new { id = Key(engine, late) }));
    }
}
