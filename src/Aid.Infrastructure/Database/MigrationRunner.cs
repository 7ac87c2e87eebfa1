using System.Data.Common;
using System.Reflection;
using Aid.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Aid.Infrastructure.Database;

/// <summary>One migration script: <c>db/&lt;engine&gt;/NNNN_description.sql</c>, journaled by its NNNN id.</summary>
public sealed record Migration(string Id, string Name, string Sql);

/// <summary>
/// Applies the embedded scripts that are not in <c>schema_migrations</c> yet, in id order; each script and
/// its journal row commit together. On PostgreSQL a session advisory lock lets only one instance migrate.
/// </summary>
public sealed class MigrationRunner(IDatabaseEngine engine, ILogger<MigrationRunner> logger)
{
    private const long PostgresMigrationLock = 7261001;

    public static IReadOnlyList<Migration> Embedded(string engineFolder)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"migrations/{engineFolder}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Migration(file[..4], file, reader.ReadToEnd());
            })
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
    }

    public string EngineFolder => engine.Options.Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite";

    /// <summary>Returns the ids applied by this call (empty when the database was up to date).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        DapperTypeHandlers.Register();
        var migrations = Embedded(EngineFolder);
        await using var connection = await engine.OpenAsync(ct);
        var isPostgres = engine.Options.Provider == DatabaseProvider.Postgres;
        if (isPostgres)
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = PostgresMigrationLock }, cancellationToken: ct));
        else
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(JournalDdl(isPostgres), cancellationToken: ct));
            var applied = (await connection.QueryAsync<string>(new CommandDefinition("SELECT id FROM schema_migrations", cancellationToken: ct))).ToHashSet();
            var done = new List<string>();
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Id)))
            {
                await Apply(connection, migration, ct);
                done.Add(migration.Id);
                logger.LogInformation("Applied migration {MigrationId} ({MigrationName})", migration.Id, migration.Name);
            }
            return done;
        }
        finally
        {
            if (isPostgres)
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = PostgresMigrationLock }, cancellationToken: CancellationToken.None));
        }
    }

    private static async Task Apply(DbConnection connection, Migration migration, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (id, name, applied_at) VALUES (@Id, @Name, @appliedAt)",
            new { migration.Id, migration.Name, appliedAt = DateTimeOffset.UtcNow }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }

    private static string JournalDdl(bool postgres) => postgres
        ? "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
        : "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
}
