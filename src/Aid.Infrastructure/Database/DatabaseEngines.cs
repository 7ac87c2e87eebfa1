using System.Data;
using System.Data.Common;
using Aid.Application.Common;
using Dapper;

namespace Aid.Infrastructure.Database;

/// <summary>
/// One database engine, described by itself: its name and migration folder, the journal's DDL, how migrations are
/// serialised across instances, how a write transaction starts, and its SQL dialect. A singleton per process.
/// </summary>
public interface IDatabaseEngine
{
    /// <summary>The provider name of <c>Aid:Database:Provider</c>, which is also the folder under <c>db/</c>.</summary>
    string Name { get; }

    ISqlDialect Dialect { get; }
    DatabaseOptions Options { get; }

    /// <summary>Creates <c>schema_migrations</c> when it is missing.</summary>
    string JournalDdl { get; }

    ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>
    /// Begins a command's write transaction. <paramref name="connection"/> is the session's own; the scope says which
    /// connection the command's statements run on (SQLite: the writer's own, where the batch the command joins runs).
    /// </summary>
    ValueTask<IWriteScope> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Begins a read-only transaction in which every statement sees the same committed state, without holding back writers
    /// (SQLite: a deferred transaction under WAL; PostgreSQL: REPEATABLE READ; SQL Server: its READ COMMITTED SNAPSHOT, per statement only).
    /// </summary>
    ValueTask<DbTransaction> BeginReadSnapshotAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// A query read column by column (<see cref="IRowCursor"/>); <paramref name="sql"/> is already rendered for this engine. No
    /// default: an engine that wraps another must pass this on, or verification would quietly read through the slow path.
    /// </summary>
    ValueTask<IRowCursor> OpenCursorAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<CursorParameter> parameters,
        CancellationToken ct);

    /// <summary>
    /// Executes one statement (already rendered) once for each row's parameters, answering the rows changed in all. No default,
    /// as for <see cref="OpenCursorAsync"/>: a wrapping engine passes it on.
    /// </summary>
    Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows, CancellationToken ct)
        where T : notnull;

    /// <summary>Holds the migration lock on this connection until disposed, so only one instance migrates at a time.</summary>
    Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// A mark that moves whenever a connection other than this process's writer commits to the database (SQLite: the writer's
    /// connection and its <c>PRAGMA data_version</c>), or null where the engine gives no such proof (PostgreSQL and SQL Server,
    /// where many connections and instances write). Two equal marks prove that everything committed between them was
    /// committed by this process's commands. Null is always safe: it only means "cannot tell".
    /// </summary>
    ValueTask<string?> ForeignCommitMarkAsync(CancellationToken ct) => ValueTask.FromResult<string?>(null);

    /// <summary>The batches a migration script is sent in (SQL Server: split at <c>GO</c> lines).</summary>
    IReadOnlyList<string> Batches(string script) => [script];

    /// <summary>Refuses to run on a database set up in a way the service cannot work with (throws with one clear sentence).</summary>
    Task CheckAsync(DbConnection connection, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The engines Aid runs on, by the name <c>Aid:Database:Provider</c> takes. Adding an engine is one line here.</summary>
public static class DatabaseEngines
{
    private static readonly Dictionary<DatabaseProvider, Func<DatabaseOptions, IDatabaseEngine>> Factories = new()
    {
        [DatabaseProvider.Sqlite] = options => new SqliteEngine(options),
        [DatabaseProvider.Postgres] = options => new PostgresEngine(options),
        [DatabaseProvider.SqlServer] = options => new SqlServerEngine(options),
    };

    public static IReadOnlyCollection<DatabaseProvider> All => Factories.Keys;

    public static IDatabaseEngine Create(DatabaseOptions options) => Factories[options.Provider](options);

    /// <summary>The folder name of a provider under <c>db/</c> and in the embedded migrations.</summary>
    public static string FolderOf(DatabaseProvider provider) => provider.ToString().ToLowerInvariant();
}

/// <summary>A statement once per row through Dapper (which prepares it once and binds each row in turn): the engines' way, and SQLite's without its C API.</summary>
internal static class DapperBatch
{
    public static async Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows,
        CancellationToken ct) where T : notnull =>
        rows.Count == 0 ? 0 : await connection.ExecuteAsync(new CommandDefinition(sql, rows.Count == 1 ? rows[0] : rows, transaction, cancellationToken: ct));
}

/// <summary>Releases a migration lock by running one statement on the same connection.</summary>
internal sealed class StatementRelease(DbConnection connection, string? sql, object? parameters = null) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (sql is not null)
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: CancellationToken.None));
    }
}
