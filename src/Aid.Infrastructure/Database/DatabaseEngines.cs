using System.Data;
using System.Data.Common;
using Aid.Application.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aid.Infrastructure.Database;

/// <summary>Opens connections and write transactions for one configured database (singleton).</summary>
public interface IDatabaseEngine
{
    ISqlDialect Dialect { get; }
    DatabaseOptions Options { get; }
    ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins a write transaction; the returned release runs after the transaction ends.</summary>
    ValueTask<(DbTransaction Transaction, IDisposable? Release)> BeginWriteAsync(DbConnection connection, CancellationToken ct);
}

internal sealed class SqliteEngine : IDatabaseEngine
{
    // One writer per database file in this process: waiting here is fair and cheap, where SQLite's busy
    // handler would sleep and retry. busy_timeout still covers writers in other processes (migrate, backup).
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteEngine(DatabaseOptions options)
    {
        Options = options;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
        if (builder.DataSource is { Length: > 0 } path && path != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            Directory.CreateDirectory(folder);
        _connectionString = builder.ToString();
        _pragmas = $"PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = {options.SqliteSynchronous};";
    }

    public ISqlDialect Dialect => SqliteDialect.Instance;
    public DatabaseOptions Options { get; }

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public async ValueTask<(DbTransaction, IDisposable?)> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            // deferred: false → BEGIN IMMEDIATE: the write lock is taken now, not at the first write.
            var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
            return (transaction, new Releaser(_writer));
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}

internal sealed class PostgresEngine(DatabaseOptions options) : IDatabaseEngine, IDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(options.ConnectionString);

    public ISqlDialect Dialect => PostgresDialect.Instance;
    public DatabaseOptions Options { get; } = options;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public async ValueTask<(DbTransaction, IDisposable?)> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        (await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct), null);

    public void Dispose() => _dataSource.Dispose();
}
