using Aid.Infrastructure;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Infrastructure;

public sealed class MigrationFolderTests
{
    [Fact]
    public void Every_engine_folder_has_the_same_migration_ids_and_names()
    {
        var sqlite = MigrationRunner.Embedded("sqlite");
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(m => m.Id).Distinct().Count(), sqlite.Count);
        Assert.All(sqlite, m => Assert.Matches("^[0-9]{4}_[a-z0-9_]+$", m.Name));
        foreach (var provider in DatabaseEngines.All)
            Assert.Equal(sqlite.Select(m => m.Name), MigrationRunner.Embedded(DatabaseEngines.FolderOf(provider)).Select(m => m.Name));
    }
}

public sealed class MigrationTests
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Empty_database_gets_every_script_and_a_rerun_applies_nothing(Engine engine)
    {
        Engines.SkipUnlessAvailable(engine);
        await using var database = await TestDatabase.CreateAsync(engine);
        // The engine and runner as the app wires them for this provider, without the rest of the app.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aid:Database:Provider"] = database.Provider,
            ["ConnectionStrings:Aid"] = database.ConnectionString,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddAidInfrastructure(configuration).BuildServiceProvider();
        var db = services.GetRequiredService<IDatabaseEngine>();
        var runner = services.GetRequiredService<MigrationRunner>();
        var expected = MigrationRunner.Embedded(runner.EngineFolder).Select(m => m.Id).ToList();

        var first = await runner.MigrateAsync(TestContext.Current.CancellationToken);
        var second = await runner.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, first);
        Assert.Empty(second);
        await using var connection = await db.OpenAsync(TestContext.Current.CancellationToken);
        var journal = (await connection.QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY id")).ToList();
        Assert.Equal(expected, journal);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM programmes"));
    }
}
