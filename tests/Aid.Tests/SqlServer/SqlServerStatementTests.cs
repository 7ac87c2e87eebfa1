using System.Text.RegularExpressions;
using Aid.Application.Common;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;

namespace Aid.Tests.SqlServer;

/// <summary>
/// No SQL Server can run here, so everything Aid can send to one is parsed as T-SQL instead: the migrations, the
/// engine's own statements, and — through <see cref="SqlServerShadowDialect"/>, which every test app uses — every
/// statement any test makes the service send, rendered through the SQL Server dialect.
/// </summary>
public sealed partial class SqlServerStatementTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Fact]
    public void Every_SQL_Server_migration_is_T_SQL_that_SQL_Server_2022_accepts()
    {
        var migrations = MigrationRunner.Embedded("sqlserver");
        Assert.Equal(MigrationRunner.Embedded("sqlite").Select(m => m.Name), migrations.Select(m => m.Name));
        var engine = DatabaseEngines.Create(DatabaseOptions.From("sqlserver", "Server=unused;Database=unused"));
        foreach (var migration in migrations)
        {
            Assert.Empty(TSqlCheck.Problems(migration.Sql));
            // The runner sends each batch on its own: every batch must stand alone (CREATE TRIGGER first in its batch).
            Assert.All(engine.Batches(migration.Sql), batch => Assert.Empty(TSqlCheck.Problems(batch)));
        }
    }

    [Fact]
    public void The_SQL_Server_engine_s_own_statements_are_T_SQL()
    {
        var engine = DatabaseEngines.Create(DatabaseOptions.From("sqlserver", "Server=unused;Database=unused"));
        string[] statements =
        [
            engine.JournalDdl, MigrationRunner.JournalReadSql, MigrationRunner.JournalInsertSql,
            SqlServerEngine.MigrationLockSql, SqlServerEngine.MigrationUnlockSql, SqlServerEngine.SnapshotCheckSql,
            engine.Dialect.TransactionLock("aid-audit-sealer")!, engine.Dialect.AuditNextSequence, engine.Dialect.AuditSealHorizon,
        ];
        Assert.All(statements, sql => Assert.Empty(TSqlCheck.Problems(sql)));
    }

    [Fact]
    public async Task Every_statement_of_a_full_API_scenario_renders_to_T_SQL_that_SQL_Server_accepts()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("蒋晟晖");
        var pledge = await admin.PostJson("/api/v1/pledges", new { donorId = donor, programmeId = programme, total = "3000.00", frequency = "yearly", count = 3, firstDueDate = "2024-09-01" }).Expect(HttpStatusCode.Created);
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", pledge: pledge.Id(), reference: "BOC-0001", receivedOn: "2024-09-05"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "200.00", reference: "BOC-0002", receivedOn: "2024-09-06"));
        await admin.Get($"/api/v1/gifts?programmeId={programme}&donorId={donor}&from=2024-01-01&to=2024-12-31&limit=1").Expect(HttpStatusCode.OK);
        await admin.Get("/api/v1/donors?q=%E6%99%9F").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/pledges?programmeId={programme}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/programmes/{programme}/balance").Expect(HttpStatusCode.OK);
        var manager = await admin.CreateKey("manager", [programme]);
        await app.Client(manager).Get("/api/v1/gifts").Expect(HttpStatusCode.OK);
        await admin.Get("/api/v1/api-keys").Expect(HttpStatusCode.OK);
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"/api/v1/receipts/{receipt.Str("number")}/pdf")).StatusCode);
        await admin.PostJson($"/api/v1/receipts/{receipt.Str("number")}/void", new { reason = "抬头有误", reissue = true }).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"/api/v1/programmes/{programme}/statements/2024.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"/api/v1/donors/{donor}/statements/2024.pdf")).StatusCode);
        await admin.Get("/api/v1/audit").Expect(HttpStatusCode.OK);
        await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/gifts/{gift.Id()}/reverse", new { reason = "退汇" }).Expect(HttpStatusCode.OK);

        // An import: preview (duplicates, identities, suggestions, a repeated id, a refund), donors, commit, the audit pack with the file
        var file = Imports.ImportApiTests.Template(("2024-09-07", "蒋晟晖", "50.00", "银行转账", "BOC-0002", ""), ("2024-09-08", "蒋晟晖", "60.00", "银行转账", "BOC-0003", ""),
            ("2024-09-09", "新捐赠人", "70.00", "现金", "", ""), ("2024-09-10", "蒋晟晖", "1.00", "现金", "C-1", ""), ("2024-09-11", "蒋晟晖", "2.00", "现金", "C-1", ""));
        var import = await Imports.ImportApiTests.Upload(admin, programme, file, "捐赠.csv").Expect(HttpStatusCode.Created);
        await admin.PatchJson($"/api/v1/imports/{import.Id()}/rows/2", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        await admin.PatchJson($"/api/v1/imports/{import.Id()}/rows/3", new { anonymous = true }).Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/imports/{import.Id()}/rows?outcome=new&limit=2").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/imports?programmeId={programme}").Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/imports/{import.Id()}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await Imports.ImportApiTests.WaitFor(admin, import.Id(), i => i.Str("status") == "committed");
        await Imports.ImportApiTests.Upload(admin, programme, Imports.ImportApiTests.MerchantBill(
            ("2024-09-12 10:00:00", "4200000000202409120000000001", "oTEST_openid_aaaa", "SUCCESS", "9.00", null, null),
            ("2024-09-12 11:00:00", "4200000000202409120000000001", "oTEST_openid_aaaa", "REFUND", "0.00", "503000000001", "9.00")), "trade.csv")
            .Expect(HttpStatusCode.Created);
        (await admin.PutAsJsonAsync($"/api/v1/programmes/{programme}/import-mappings/工行对公", new { date = "交易日期", credit = "贷方发生额" },
            TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"/api/v1/programmes/{programme}/audit-pack/2024.zip")).StatusCode);

        Assert.Empty(SqlServerStatements.Refused);
        Assert.True(SqlServerStatements.Count >= 40,
            $"only {SqlServerStatements.Count} distinct statements were recorded");
        Assert.All(SqlServerStatements.All, sql => Assert.DoesNotMatch(ForeignSyntax(), sql));
    }

    public static TheoryData<string, string> Slipped => new()
    {
        { "paging", "SELECT id FROM gifts ORDER BY id LIMIT 1" },
        { "insert-if-absent", "INSERT INTO t (a) VALUES (@a) ON CONFLICT (a) DO NOTHING" },
        { "returning", "UPDATE t SET a = a + 1 WHERE b = @b RETURNING a" },
        { "string concatenation", "SELECT a || b FROM t" },
        { "case-insensitive like", "SELECT a FROM t WHERE a ILIKE @p" },
        { "boolean literal", "SELECT a FROM t WHERE anonymous = true" },
        { "text cast", "SELECT CAST(id AS TEXT) FROM t" },
        { "SQLite json", "SELECT a FROM t WHERE id IN (SELECT value FROM json_each(@ids))" },
        { "PostgreSQL type", "SELECT CAST(@id AS uuid)" },
    };

    [Theory, MemberData(nameof(Slipped))]
    public void Another_engine_s_syntax_is_refused(string what, string sql) =>
        Assert.True(TSqlCheck.Problems(sql).Count > 0, $"{what} was not refused: {sql}");

    [Fact]
    public void A_LIMIT_slipped_into_a_real_statement_is_refused()
    {
        var listGifts = SqlServerDialect.Instance.Limit("@take");
        var real = $"SELECT g.id AS Id FROM gifts g WHERE g.programme_id = @programmeId ORDER BY g.id {listGifts}";
        Assert.Empty(TSqlCheck.Problems(real));
        Assert.NotEmpty(TSqlCheck.Problems(real.Replace(listGifts, "LIMIT @take")));
        Assert.Throws<InvalidOperationException>(() => SqlServerStatements.EnsureAccepted(real.Replace(listGifts, "LIMIT @take")));
    }

    [Fact]
    public void Only_the_engine_layer_and_the_session_gate_talk_to_a_connection()
    {
        // Statements reach SQL Server only through DbSessionExtensions (checked above through the shadow dialect) or from
        // the engine layer itself (checked statement by statement above). A Dapper call anywhere else would bypass both.
        var src = Path.Combine(RepositoryRoot(), "src");
        var allowed = new[] { "Aid.Application/Common/DbSessionExtensions.cs", "Aid.Infrastructure/Database/" };
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Select(f => (File: Path.GetRelativePath(src, f).Replace('\\', '/'), Text: File.ReadAllText(f)))
            .Where(f => !allowed.Any(a => f.File.StartsWith(a, StringComparison.Ordinal)))
            .Where(f => ConnectionCall().IsMatch(f.Text))
            .Select(f => f.File)
            .ToList();
        Assert.Empty(offenders);
    }

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Aid.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Aid.sln not found above the test output.");
    }

    [GeneratedRegex(@"\b(LIMIT|ON\s+CONFLICT|RETURNING|ILIKE|json_each|group_concat)\b|\|\|", RegexOptions.IgnoreCase)]
    private static partial Regex ForeignSyntax();

    [GeneratedRegex(@"\.(Query|Execute)\w*(Async)?\s*\(\s*new\s+CommandDefinition|\.(ExecuteScalar|QueryUnbuffered)\w*\s*[<(]|\bCreateCommand\s*\(")]
    private static partial Regex ConnectionCall();
}
