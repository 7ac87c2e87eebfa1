using System.Data;
using System.Data.Common;
using Aid.Application.Common;
using Dapper;
using Npgsql;

namespace Aid.Infrastructure.Database;

/// <summary>The server engine: READ COMMITTED plus explicit row locks; migrations under a session advisory lock.</summary>
internal sealed class PostgresEngine(DatabaseOptions options) : IDatabaseEngine, IDisposable
{
    private const long MigrationLock = 7261001;
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithStatementsPrepared(options.ConnectionString));

    /// <summary>Statements each pooled connection keeps prepared unless the connection string sets <c>Max Auto Prepare</c>.</summary>
    public const int AutoPreparedStatements = 128;

    public string Name => "postgres";
    public ISqlDialect Dialect => PostgresDialect.Instance;
    public DatabaseOptions Options { get; } = options;

    public string JournalDdl =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public async ValueTask<IWriteScope> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        new OwnTransaction(connection, await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct));

    public ValueTask<IRowCursor> OpenCursorAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<CursorParameter> parameters,
        CancellationToken ct) => DataReaderCursor.OpenAsync(connection, transaction, sql, parameters, ct);

    // Many rows in one round trip; one row as every other statement.
    public Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows, CancellationToken ct)
        where T : notnull =>
        rows.Count > 1
            ? PostgresStatementBatch.ExecuteAsync((NpgsqlConnection)connection, (NpgsqlTransaction?)transaction, sql, rows, ct)
            : DapperBatch.ExecuteEachAsync(connection, transaction, sql, rows, ct);

    public async ValueTask<DbTransaction> BeginReadSnapshotAsync(DbConnection connection, CancellationToken ct)
    {
        var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        // Read only: a write sent into the snapshot by mistake fails instead of vanishing at its rollback.
        await connection.ExecuteAsync(new CommandDefinition("SET TRANSACTION READ ONLY", transaction: transaction, cancellationToken: ct));
        return transaction;
    }

    public async Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLock }, cancellationToken: ct));
        return new StatementRelease(connection, "SELECT pg_advisory_unlock(@key)", new { key = MigrationLock });
    }

    /// <summary>
    /// Npgsql sends every statement to be parsed and planned anew unless told to prepare it, and Aid sends the same few
    /// dozen statements all day: with automatic preparation a connection prepares a statement on its fifth use and from then
    /// on only binds and executes it. Parsing and planning had been 40 % of PostgreSQL's CPU per gift recorded (P6).
    /// </summary>
    internal static string WithStatementsPrepared(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(key => key.Replace(" ", "").Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
            return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = AutoPreparedStatements }.ConnectionString;
    }

    public void Dispose() => _dataSource.Dispose();
}
