using System.Data;
using System.Data.Common;
using System.Text.RegularExpressions;
using Aid.Application.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Aid.Infrastructure.Database;

/// <summary>
/// SQL Server 2022: READ COMMITTED with READ_COMMITTED_SNAPSHOT on (checked at start-up) plus lock hints where rows
/// must be held; migrations under <c>sp_getapplock</c>; scripts split into batches at <c>GO</c> lines.
/// </summary>
internal sealed partial class SqlServerEngine(DatabaseOptions options) : IDatabaseEngine
{
    public string Name => "sqlserver";
    public ISqlDialect Dialect => SqlServerDialect.Instance;
    public DatabaseOptions Options { get; } = options;

    public string JournalDdl => """
        IF OBJECT_ID(N'schema_migrations', N'U') IS NULL
            CREATE TABLE schema_migrations (id NVARCHAR(10) NOT NULL PRIMARY KEY, name NVARCHAR(200) NOT NULL, applied_at DATETIMEOFFSET(6) NOT NULL)
        """;

    internal const string MigrationLockSql =
        "EXEC sp_getapplock @Resource = N'aid-migrations', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = -1";
    internal const string MigrationUnlockSql = "EXEC sp_releaseapplock @Resource = N'aid-migrations', @LockOwner = N'Session'";
    internal const string SnapshotCheckSql = "SELECT CAST(is_read_committed_snapshot_on AS INT) FROM sys.databases WHERE name = DB_NAME()";

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqlConnection(Options.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public async ValueTask<IWriteScope> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        new OwnTransaction(connection, await ((SqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct));

    public ValueTask<IRowCursor> OpenCursorAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<CursorParameter> parameters,
        CancellationToken ct) => DataReaderCursor.OpenAsync(connection, transaction, sql, parameters, ct);

    public Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows, CancellationToken ct)
        where T : notnull => DapperBatch.ExecuteEachAsync(connection, transaction, sql, rows, ct);

    // SNAPSHOT isolation needs ALLOW_SNAPSHOT_ISOLATION, which Aid does not require: each statement still reads a consistent state.
    public async ValueTask<DbTransaction> BeginReadSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        await ((SqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

    public async Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(MigrationLockSql, cancellationToken: ct));
        return new StatementRelease(connection, MigrationUnlockSql);
    }

    public IReadOnlyList<string> Batches(string script) =>
        GoLine().Split(script).Where(b => !string.IsNullOrWhiteSpace(b)).ToList();

    // Without row versioning, plain reads under READ COMMITTED block on writers and the lock hints' contract changes.
    public async Task CheckAsync(DbConnection connection, CancellationToken ct)
    {
        var on = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SnapshotCheckSql, cancellationToken: ct));
        if (on != 1)
            throw new InvalidOperationException(
                "SQL Server database needs READ_COMMITTED_SNAPSHOT ON: run ALTER DATABASE <name> SET READ_COMMITTED_SNAPSHOT ON, then start Aid again.");
    }

    [GeneratedRegex(@"^\s*GO\s*;?\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();
}
