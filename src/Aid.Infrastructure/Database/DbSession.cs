using System.Data.Common;
using Aid.Application.Common;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Scoped: one connection per request or scope, opened on first use. While a command writes, its statements go to the
/// write scope's connection (on SQLite, the connection of the batch the command joined: <see cref="SqliteGroupCommit"/>).
/// </summary>
internal sealed class DbSession(IDatabaseEngine engine) : IDbSession, IAsyncDisposable
{
    private DbConnection? _connection;
    private Scope? _write;
    private DbTransaction? _snapshot;

    public ISqlDialect Dialect => engine.Dialect;
    public DbTransaction? Transaction => _write?.Write.Transaction ?? _snapshot;
    public object? WriteAttempt => _write;

    public async ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken) =>
        _write?.Write.Connection ?? (_connection ??= await engine.OpenAsync(cancellationToken));

    public async ValueTask<ITransactionScope> BeginTransactionAsync(CancellationToken cancellationToken)
    {
        if (_write is not null || _snapshot is not null) throw new InvalidOperationException("A transaction is already open in this session.");
        var connection = await GetConnectionAsync(cancellationToken);
        return _write = new Scope(this, await engine.BeginWriteAsync(connection, cancellationToken));
    }

    public async ValueTask<IAsyncDisposable> BeginReadSnapshotAsync(CancellationToken cancellationToken)
    {
        if (_write is not null || _snapshot is not null) throw new InvalidOperationException("A transaction is already open in this session.");
        var connection = await GetConnectionAsync(cancellationToken);
        _snapshot = await engine.BeginReadSnapshotAsync(connection, cancellationToken);
        return new SnapshotEnd(this);
    }

    public ValueTask<string?> ForeignCommitMarkAsync(CancellationToken cancellationToken) => engine.ForeignCommitMarkAsync(cancellationToken);

    public async Task<int> ExecuteEachAsync<T>(string sql, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : notnull =>
        rows.Count == 0 ? 0 : await engine.ExecuteEachAsync(await GetConnectionAsync(cancellationToken), Transaction, Dialect.Render(sql), rows, cancellationToken);

    public ValueTask<IRowCursor> OpenCursorAsync(string sql, CancellationToken cancellationToken) => OpenCursorAsync(sql, [], cancellationToken);

    public async ValueTask<IRowCursor> OpenCursorAsync(string sql, IReadOnlyList<CursorParameter> parameters, CancellationToken cancellationToken) =>
        await engine.OpenCursorAsync(await GetConnectionAsync(cancellationToken), Transaction, Dialect.Render(sql), parameters, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }

    private sealed class SnapshotEnd(DbSession session) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (session._snapshot is not { } snapshot) return;
            session._snapshot = null;
            await snapshot.DisposeAsync(); // nothing was written: rolling back only ends the snapshot
        }
    }

    private sealed class Scope(DbSession session, IWriteScope write) : ITransactionScope
    {
        public IWriteScope Write => write;

        public Task CommitAsync(CancellationToken cancellationToken) => write.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await write.DisposeAsync(); // rolls back unless committed
            }
            finally
            {
                session._write = null;
            }
        }
    }
}
