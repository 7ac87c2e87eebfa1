using System.Data.Common;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

/// <summary>
/// The public <c>/verify</c> checks what is stored, not only the code: a receipt row or snapshot edited in the database
/// (guard triggers dropped first, as the application's own role can) answers "invalid", and the log names the receipt
/// and the column, never the donor.
/// </summary>
public sealed class ReceiptVerificationTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private const string Donor = "王秘密";

    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).ToString("yyyy-MM-dd");

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Untouched_void_wrong_code_unknown_number_and_malformed_number(Engine engine)
    {
        var app = await apps.For(engine);
        var (number, code) = await Issue(app, "520.00");
        var anonymous = Anonymous(app);

        var valid = await Verify(anonymous, number, code);
        Assert.Equal("valid", valid.Str("status"));
        Assert.Equal("520.00", valid.Str("total"));
        Assert.Equal(Today, valid.Str("issuedOn"));

        var wrong = await Verify(anonymous, number, (code[0] == 'A' ? 'B' : 'A') + code[1..]);
        Assert.Equal("invalid", wrong.Str("status"));
        Assert.Equal(JsonValueKind.Null, wrong.GetProperty("total").ValueKind);
        // A well-formed number never issued answers like a wrong code: nobody learns which numbers exist.
        var never = await Verify(anonymous, "AID-1999-999999", code);
        Assert.Equal("invalid", never.Str("status"));
        Assert.Equal(JsonValueKind.Null, never.GetProperty("total").ValueKind);
        foreach (var malformed in new[] { "AID-2026-1", "AID-26-000001", "%3Cscript%3E", "AID-2026-000000" })
            Assert.Equal("unknown", (await Verify(anonymous, malformed, code)).Str("status"));

        await app.Admin().PostJson($"/api/v1/receipts/{number}/void", new { reason = "作废测试" }).Expect(HttpStatusCode.OK);
        var voided = await Verify(anonymous, number, code);
        Assert.Equal("void", voided.Str("status"));
        Assert.Equal("520.00", voided.Str("total"));
        Assert.Equal("invalid", (await Verify(anonymous, number, "0000000000AA")).Str("status"));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains($"Receipt {number} does not verify", StringComparison.Ordinal));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_total_changed_in_the_receipt_row_is_invalid(Engine engine)
    {
        var app = await apps.For(engine);
        var (number, code) = await Issue(app, "300.00");
        await Edit(app, "UPDATE receipts SET total = 10000000 WHERE number = @number", number);

        var answer = await Verify(Anonymous(app), number, code);
        Assert.Equal("invalid", answer.Str("status"));
        Assert.DoesNotContain("100000.00", answer.GetRawText());
        AssertLogged(app, number, "total");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_amount_changed_in_the_snapshot_is_invalid_even_with_the_row_changed_to_match(Engine engine)
    {
        var app = await apps.For(engine);
        var (number, code) = await Issue(app, "300.00");
        await EditSnapshot(app, number, json => json.Replace("\"300.00\"", "\"900.00\"").Replace("人民币叁佰元整", "人民币玖佰元整"));

        Assert.Equal("invalid", (await Verify(Anonymous(app), number, code)).Str("status"));
        AssertLogged(app, number, "content");

        // The forger also brings the row in line with the snapshot: the code no longer fits what it was made over.
        await Edit(app, "UPDATE receipts SET total = 90000 WHERE number = @number", number);
        Assert.Equal("invalid", (await Verify(Anonymous(app), number, code)).Str("status"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_issue_date_changed_in_the_receipt_row_is_invalid(Engine engine)
    {
        var app = await apps.For(engine);
        var (number, code) = await Issue(app, "300.00");
        await Edit(app, engine switch
        {
            Engine.Sqlite => "UPDATE receipts SET issued_on = date(issued_on, '-1 day') WHERE number = @number",
            Engine.Postgres => "UPDATE receipts SET issued_on = issued_on - 1 WHERE number = @number",
            Engine.SqlServer => "UPDATE receipts SET issued_on = DATEADD(day, -1, issued_on) WHERE number = @number",
        }, number);

        Assert.Equal("invalid", (await Verify(Anonymous(app), number, code)).Str("status"));
        AssertLogged(app, number, "issued_on");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_code_changed_in_the_row_and_the_snapshot_together_is_invalid_for_either_code(Engine engine)
    {
        var app = await apps.For(engine);
        var (number, code) = await Issue(app, "300.00");
        const string forged = "ZZZZZZZZZZZZ";
        await EditSnapshot(app, number, json => json.Replace(code, forged));
        await Edit(app, $"UPDATE receipts SET verification_code = '{forged}' WHERE number = @number", number);

        Assert.Equal("invalid", (await Verify(Anonymous(app), number, forged)).Str("status"));
        Assert.Equal("invalid", (await Verify(Anonymous(app), number, code)).Str("status"));
        AssertLogged(app, number, "content");
    }

    // --- helpers ---

    private static async Task<(string Number, string Code)> Issue(AidApp app, string amount)
    {
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor(Donor);
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, amount, receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        return (receipt.Str("number"), receipt.Str("verificationCode"));
    }

    private static HttpClient Anonymous(AidApp app)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return client;
    }

    private static Task<JsonElement> Verify(HttpClient anonymous, string number, string code) =>
        anonymous.Get($"/verify/{number}?code={code}").Expect(HttpStatusCode.OK);

    private static void AssertLogged(AidApp app, string number, string field)
    {
        var lines = app.Logs.Lines.Where(l => l.Contains($"Receipt {number} does not verify", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.StartsWith("Warning", line));
        Assert.Contains($"its stored {field} disagrees", lines[0]);
        Assert.All(lines, line => Assert.DoesNotContain(Donor, line));
    }

    private static async Task EditSnapshot(AidApp app, string number, Func<string, string> edit)
    {
        string content;
        await using (var connection = await app.OpenDatabaseAsync())
            content = await connection.ExecuteScalarAsync<string>("SELECT content FROM receipts WHERE number = @number", new { number }) ?? "";
        var edited = edit(content);
        Assert.NotEqual(content, edited);
        await Edit(app, "UPDATE receipts SET content = @content WHERE number = @number", number, edited);
    }

    /// <summary>Runs <paramref name="sql"/> on the app's database as someone holding it would: guard triggers on receipts (if any) removed first.</summary>
    private static async Task Edit(AidApp app, string sql, string number, string? content = null)
    {
        await using var connection = await app.OpenDatabaseAsync();
        await DropGuards(app.Engine, connection, "receipts");
        Assert.Equal(1, await connection.ExecuteAsync(sql, new { number, content }));
    }

    private static async Task DropGuards(Engine engine, DbConnection connection, string table)
    {
        switch (engine)
        {
            case Engine.Sqlite:
                foreach (var trigger in await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @table", new { table }))
                    await connection.ExecuteAsync($"DROP TRIGGER \"{trigger}\"");
                break;
            case Engine.Postgres:
                await connection.ExecuteAsync($"ALTER TABLE {table} DISABLE TRIGGER USER");
                break;
            case Engine.SqlServer:
                await connection.ExecuteAsync($"DISABLE TRIGGER ALL ON {table}");
                break;
        }
    }
}
