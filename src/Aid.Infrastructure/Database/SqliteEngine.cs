using System.Data;
using System.Data.Common;
using Aid.Application.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aid.Infrastructure.Database;

/// <summary>
/// The embedded default: one file, WAL, one writer at a time (BEGIN IMMEDIATE behind an in-process gate, on a connection of
/// its own), group commit. Disposing it closes the writer's connection.
/// </summary>
internal sealed class SqliteEngine : IDatabaseEngine, IAsyncDisposable, IDisposable
{
    // One writer per database file in this process, committing commands in batches: waiting here is fair and cheap, where
    // SQLite's busy handler would sleep and retry. busy_timeout still covers writers in other processes (migrate, backup).
    private readonly SqliteGroupCommit _writer;
    private readonly string _connectionString;
    private readonly string _writerConnectionString;
    private readonly string _pragmas;

    public SqliteEngine(DatabaseOptions options)
    {
        _ = SqliteThreading.MultiThread; // before any connection of this engine
        Options = options;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        if (builder.DataSource is { Length: > 0 } path && path != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            Directory.CreateDirectory(folder);
        _connectionString = builder.ToString();
        _writerConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();
        _pragmas = $"PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = {options.SqliteSynchronous};";
        _writer = new SqliteGroupCommit(OpenWriterAsync);
    }

    internal SqliteGroupCommit Writer => _writer;

    public string Name => "sqlite";
    public ISqlDialect Dialect => SqliteDialect.Instance;
    public DatabaseOptions Options { get; }

    public string JournalDdl =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct) => await OpenAsync(_connectionString, _pragmas, ct);

    // The batch runs on the writer's connection, not the session's (SqliteGroupCommit says why).
    public ValueTask<IWriteScope> BeginWriteAsync(DbConnection connection, CancellationToken ct) => _writer.BeginAsync(ct);

    public async ValueTask<string?> ForeignCommitMarkAsync(CancellationToken ct) => await _writer.ForeignCommitMarkAsync(ct);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    public void Dispose() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The writer's connection keeps its temporary storage in memory: SQLite fixes at BEGIN where the savepoints' sub-journal
    /// goes (a copy of each page a command changes, to roll that command back alone), and on disk it spilled to a temporary
    /// file after 64 KiB, from then on a system call per page: 68 writes a gift in P1, 21 in memory, and the writer's turn
    /// 1.1 → 0.9 ms. The sessions' connections, which do the reads, keep spilling large sorts to disk.
    /// It also checkpoints less often: after a commit that leaves 4,000 pages in the WAL (16 MB) rather than SQLite's 1,000.
    /// The committing connection checkpoints, inside the writer's turn, and each checkpoint writes every page the WAL holds
    /// back into the file: an import chunk of 500 lines changes about 1,300 pages (index leaves, mostly: a line whose date or
    /// donor differs from the one before lands on another leaf), so at 1,000 every chunk paid a checkpoint, where at 4,000
    /// one checkpoint writes the pages of several chunks once (P7 about 11 % faster; P1 unchanged; 10,000 was no better).
    /// Not pooled: closed, it is gone, and no session gets it with these settings (or in whatever state a failed batch left it).
    /// </summary>
    private ValueTask<SqliteConnection> OpenWriterAsync(CancellationToken ct) =>
        OpenAsync(_writerConnectionString, $"{_pragmas} PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 4000;", ct);

    private static async ValueTask<SqliteConnection> OpenAsync(string connectionString, string pragmas, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Deferred: BEGIN takes no lock; the first read fixes the snapshot, and writers go on committing into the WAL meanwhile.
    public ValueTask<DbTransaction> BeginReadSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true));

    public ValueTask<IRowCursor> OpenCursorAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<CursorParameter> parameters,
        CancellationToken ct) =>
        SqliteRowCursor.Available
            ? ValueTask.FromResult<IRowCursor>(SqliteRowCursor.Open((SqliteConnection)connection, sql, parameters))
            : DataReaderCursor.OpenAsync(connection, transaction, sql, parameters, ct);

    // On the connection's own handle, so inside its transaction, as every statement of the command.
    public Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows, CancellationToken ct)
        where T : notnull =>
        rows.Count > 0 && SqliteNative.Available
            ? Task.FromResult(SqliteStatementBatch.Execute((SqliteConnection)connection, sql, rows, ct))
            : DapperBatch.ExecuteEachAsync(connection, transaction, sql, rows, ct);

    // Each migration runs in BEGIN IMMEDIATE, which already excludes other writers; WAL is set once, here.
    public async Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: ct));
        return new StatementRelease(connection, null);
    }
}
