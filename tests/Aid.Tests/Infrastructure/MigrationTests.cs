using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Tests.Infrastructure;

public sealed class MigrationFolderTests
{
    [Fact]
    public void Every_engine_folder_has_the_same_migration_ids_and_names()
    {
        var sqlite = MigrationRunner.Embedded("sqlite");
        var postgres = MigrationRunner.Embedded("postgres");
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(m => m.Name), postgres.Select(m => m.Name));
        Assert.Equal(sqlite.Select(m => m.Id).Distinct().Count(), sqlite.Count);
        Assert.All(sqlite, m => Assert.Matches("^[0-9]{4}_[a-z0-9_]+$", m.Name));
    }
}

public abstract class MigrationTests(Engine engine)
{
    [Fact]
    public async Task Empty_database_gets_every_script_and_a_rerun_applies_nothing()
    {
        if (engine == Engine.Postgres)
            Assert.SkipWhen(TestDatabase.PostgresServer is null, $"{TestDatabase.PostgresVariable} is not set.");
        await using var database = await TestDatabase.CreateAsync(engine);
        var options = database.Options;
        IDatabaseEngine db = engine == Engine.Postgres ? new PostgresEngine(options) : new SqliteEngine(options);
        var runner = new MigrationRunner(db, NullLogger<MigrationRunner>.Instance);
        var expected = MigrationRunner.Embedded(runner.EngineFolder).Select(m => m.Id).ToList();

        var first = await runner.MigrateAsync(TestContext.Current.CancellationToken);
        var second = await runner.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, first);
        Assert.Empty(second);
        await using var connection = await db.OpenAsync(TestContext.Current.CancellationToken);
        var journal = (await connection.QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY id")).ToList();
        Assert.Equal(expected, journal);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM programmes"));
        (db as IDisposable)?.Dispose();
    }
}

public sealed class MigrationTestsSqlite() : MigrationTests(Engine.Sqlite);
public sealed class MigrationTestsPostgres() : MigrationTests(Engine.Postgres);
