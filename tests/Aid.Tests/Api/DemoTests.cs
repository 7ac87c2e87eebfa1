using Aid.Api.Demo;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>The Zhenping demo, loaded through the real commands, reconciles in every statement year and format.</summary>
public sealed class DemoTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_demo_statements_reconcile_and_never_name_anonymous_donors_or_students(Engine engine)
    {
        var app = await apps.For(engine);
        var summary = await app.Factory.Services.GetRequiredService<DemoSeeder>().SeedAsync(TestContext.Current.CancellationToken);
        Assert.Contains("120 students, 300 donors", summary);
        var admin = app.Admin();
        var programme = Assert.Single((await admin.Get("/api/v1/programmes?q=ZP-2021").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        var pid = programme.Id();

        await using var connection = await app.OpenDatabaseAsync();
        // Generated names repeat: a name counts only if no one who may be named in a statement carries it too.
        var namedDonors = (await connection.QueryAsync<string>("SELECT name FROM donors WHERE anonymous = @no", new { no = false })).ToHashSet();
        var anonymousNames = (await connection.QueryAsync<string>("SELECT name FROM donors WHERE anonymous = @yes", new { yes = true }))
            .Where(n => !namedDonors.Any(named => named.Contains(n))).ToList();
        var studentNames = (await connection.QueryAsync<string>("SELECT name FROM students")).Where(n => !namedDonors.Any(named => named.Contains(n))).ToList();
        Assert.NotEmpty(anonymousNames);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM gift_reversals"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM receipts WHERE status = 'void' AND replaced_by_id IS NOT NULL"));

        long? previous = null;
        foreach (var year in new[] { 2021, 2022, 2023, 2024 })
        {
            var files = await StatementFilesReader.Fetch(admin, pid, year);
            var fund = StatementFilesReader.Rows(files.Csv["fund_movement.csv"]).Skip(1).ToList();
            var opening = StatementFilesReader.Fen(fund[0][1]);
            var closing = StatementFilesReader.Fen(fund[7][1]);
            if (previous is not null) Assert.Equal(previous, opening);
            previous = closing;
            var ledger = await connection.ExecuteScalarAsync<long>(
                "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM postings p JOIN journal_entries e ON e.id = p.journal_entry_id " +
                "WHERE p.programme_id = @pid AND p.account IN ('cash_at_bank', 'goods_in_stock') AND e.entry_date <= @day", new { pid, day = new DateOnly(year, 12, 31) });
            Assert.Equal(ledger, closing);
            var pdf = files.PdfRegisterTotals();
            Assert.Equal((files.CsvRows("gifts.csv"), files.CsvTotal("gifts.csv", 6)), pdf[0]);
            Assert.Equal(files.CsvTotal("gifts.csv", 6), files.XlsxTotal("Gifts register", "金额 Amount"));
            Assert.Equal((files.CsvRows("disbursements.csv"), files.CsvTotal("disbursements.csv", 5)), pdf[2]);
            Assert.Equal(files.CsvTotal("disbursements.csv", 5), files.XlsxTotal("Disbursements register", "金额 Amount"));
            var text = string.Join("\n", files.Csv.Values) + files.PdfText;
            Assert.All(anonymousNames.Where(n => n.Length >= 3), n => Assert.DoesNotContain(n, text));
            Assert.All(studentNames.Where(n => n.Length >= 3), n => Assert.DoesNotContain(n, text));
        }
        var thisYear = DateTime.UtcNow.Year;
        var receipts = StatementFilesReader.Rows((await StatementFilesReader.Fetch(admin, pid, thisYear)).Csv["summary.csv"]).ToDictionary(r => r[0], r => r[1]);
        Assert.Equal("0", receipts["缺号 Gaps"]);
        Assert.NotEqual("0", receipts["已开收据 Issued"]);
        Assert.Equal("1", receipts["作废收据 Void"]);
    }
}
