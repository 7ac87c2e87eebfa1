using System.Net;
using Aid.Application.Auditing;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Audit;

/// <summary>
/// A database written before row digests (migrations 0001–0005, a gift with its ledger entry and a record of the one global chain)
/// keeps working after the upgrade: the start that applies 0006 digests its money rows once, and only that start.
/// </summary>
public sealed class UpgradeTests
{
    private static readonly DateTimeOffset Then = new(2024, 5, 1, 2, 0, 0, TimeSpan.Zero);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_database_from_before_row_digests_verifies_after_the_upgrade_and_later_edits_are_caught(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var (programme, gift) = await WriteAsBeforeAsync(database);
        var keys = Path.Combine(Path.GetTempPath(), "aid-upgrade-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var app = new AppOnDatabase(engine, database.ConnectionString, keys, "aid_upgrade_admin_key_0123456789abcdef").Start())
            {
                var admin = app.Admin();
                var verified = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
                Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());
                var records = (await admin.Get("/api/v1/audit?limit=50").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
                Assert.Equal("RecordGift", records[0].Str("action")); // the legacy record, still first and still verified
                var baseline = Assert.Single(records, r => r.Str("action") == nameof(BaselineAuditDigests));
                Assert.Contains($"gift:{gift:D}", baseline.Str("rowDigests"));
                var statement = await admin.GetAsync($"/api/v1/programmes/{programme}/statements/2024.pdf", TestContext.Current.CancellationToken); // statements print again
                Assert.Equal(HttpStatusCode.OK, statement.StatusCode);

                await using var connection = await app.OpenDatabaseAsync();
                await connection.ExecuteAsync(engine == Engine.Sqlite ? "DROP TRIGGER gifts_no_update" : "ALTER TABLE gifts DISABLE TRIGGER gifts_no_change");
                await connection.ExecuteAsync("UPDATE gifts SET amount = 3000000 WHERE amount = 30000");
            }
            // A restart does not digest again: the edit made after the upgrade stays visible.
            await using (var app = new AppOnDatabase(engine, database.ConnectionString, keys, "aid_upgrade_admin_key_0123456789abcdef").Start())
            {
                var broken = await app.Admin().Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
                Assert.False(broken.GetProperty("valid").GetBoolean());
                Assert.Contains(broken.GetProperty("problems").EnumerateArray(), p => p.Str("detail").Contains($"gifts/{gift:D}"));
            }
        }
        finally
        {
            if (Directory.Exists(keys)) Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>The schema and rows as the service before migration 0006 left them.</summary>
    private static async Task<(Guid Programme, Guid Gift)> WriteAsBeforeAsync(TestDatabase database)
    {
        DapperTypeHandlers.Register();
        var engine = DatabaseEngines.Create(database.Options);
        await using var connection = database.NewConnection();
        await connection.OpenAsync();
        await connection.ExecuteAsync(engine.JournalDdl);
        foreach (var migration in MigrationRunner.Embedded(engine.Name).Where(m => string.CompareOrdinal(m.Id, "0006") < 0))
        {
            await connection.ExecuteAsync(migration.Sql);
            await connection.ExecuteAsync(MigrationRunner.JournalInsertSql, new { migration.Id, migration.Name, appliedAt = Then });
        }

        var (programme, donor, gift, entry) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var on = new DateOnly(2024, 5, 1);
        await connection.ExecuteAsync("""
            INSERT INTO programmes (id, code, name, region, partner, currency, start_date, end_date, annual_standard, target, status, created_at, created_by)
            VALUES (@programme, 'OLD-2024', '旧项目', NULL, NULL, 'CNY', @start, @end, 200000, NULL, 'active', @then, 'legacy');
            INSERT INTO donors (id, kind, name, anonymous, language, email, phone, address, organisation_code, created_at, created_by)
            VALUES (@donor, 'person', '王芳', @no, 'zh-CN', NULL, NULL, NULL, NULL, @then, 'legacy');
            INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
            VALUES (@entry, @programme, @on, 'cash_gift', 'gift', @gift, NULL, NULL, @then, 'legacy');
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@entry, 1, @programme, 'cash_at_bank', 30000);
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@entry, 2, @programme, 'restricted_fund', -30000);
            INSERT INTO gifts (id, programme_id, donor_id, pledge_id, kind, received_on, currency, amount, method, reference, description, quantity, unit,
                               valuation_basis, journal_entry_id, created_at, created_by)
            VALUES (@gift, @programme, @donor, NULL, 'cash', @on, 'CNY', 30000, 'bank_transfer', 'OLD-1', NULL, NULL, NULL, NULL, @entry, @then, 'legacy');
            """, new { programme, donor, gift, entry, on, start = new DateOnly(2024, 1, 1), end = new DateOnly(2026, 12, 31), then = Then, no = false });
        const string summary = "{\"amount\":\"300.00\"}";
        var hash = AuditHash.Legacy(AuditHash.Genesis, 1, Then, "legacy", "RecordGift", "gift", gift.ToString(), programme, summary);
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (sequence, occurred_at, actor, action, entity, entity_id, programme_id, summary, previous_hash, hash)
            VALUES (1, @then, 'legacy', 'RecordGift', 'gift', @entityId, @programme, @summary, @previous, @hash)
            """, new { then = Then, entityId = gift.ToString(), programme, summary, previous = AuditHash.Genesis, hash });
        return (programme, gift);
    }
}
