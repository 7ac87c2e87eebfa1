using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Aid.Infrastructure.Database;

/// <summary>One migration script: <c>db/&lt;engine&gt;/NNNN_description.sql</c>, journaled by its NNNN id.</summary>
public sealed record Migration(string Id, string Name, string Sql);

/// <summary>
/// Applies the embedded scripts that are not in <c>schema_migrations</c> yet, in id order; each script and its
/// journal row commit together. The engine's migration lock lets only one instance migrate at a time.
/// </summary>
public sealed class MigrationRunner(IDatabaseEngine engine, ILogger<MigrationRunner> logger)
{
    /// <summary>The scripts embedded for one engine folder (<c>migrations/&lt;folder&gt;/NNNN_name.sql</c>).</summary>
    public static IReadOnlyList<Migration> Embedded(string engineFolder)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"migrations/{engineFolder}/";
        return assembly.GetManifestResourceNames()
            .Select(n => (Resource: n, Name: n.Replace('\\', '/'))) // RecursiveDir uses the build machine's separator
            .Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(r =>
            {
                var file = r.Name[prefix.Length..^4];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(r.Resource)!);
                return new Migration(file[..4], file, reader.ReadToEnd());
            })
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
    }

    public string EngineFolder => engine.Name;

    internal const string JournalReadSql = "SELECT id FROM schema_migrations";
    internal const string JournalInsertSql = "INSERT INTO schema_migrations (id, name, applied_at) VALUES (@Id, @Name, @appliedAt)";

    /// <summary>Returns the ids applied by this call (empty when the database was up to date).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        DapperTypeHandlers.Register();
        var migrations = Embedded(EngineFolder);
        await using var connection = await engine.OpenAsync(ct);
        await engine.CheckAsync(connection, ct);
        await using var migrationLock = await engine.LockMigrationsAsync(connection, ct);
        await connection.ExecuteAsync(new CommandDefinition(engine.JournalDdl, cancellationToken: ct));
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(JournalReadSql, cancellationToken: ct))).ToHashSet();
        var done = new List<string>();
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Id)))
        {
            await Apply(connection, migration, ct);
            done.Add(migration.Id);
            logger.LogInformation("Applied migration {MigrationId} ({MigrationName})", migration.Id, migration.Name);
        }
        return done;
    }

    private async Task Apply(DbConnection connection, Migration migration, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var batch in engine.Batches(migration.Sql))
            await connection.ExecuteAsync(new CommandDefinition(batch, transaction: transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            JournalInsertSql,
            new { migration.Id, migration.Name, appliedAt = DateTimeOffset.UtcNow }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }
}
