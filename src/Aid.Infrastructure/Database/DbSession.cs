using System.Data.Common;
using Aid.Application.Common;

namespace Aid.Infrastructure.Database;

/// <summary>Scoped: one connection per request or scope, opened on first use.</summary>
internal sealed class DbSession(IDatabaseEngine engine) : IDbSession, IAsyncDisposable
{
    private DbConnection? _connection;

    public ISqlDialect Dialect => engine.Dialect;
    public DbTransaction? Transaction { get; private set; }

    public async ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken) =>
        _connection ??= await engine.OpenAsync(cancellationToken);

    public async ValueTask<ITransactionScope> BeginTransactionAsync(CancellationToken cancellationToken)
    {
        if (Transaction is not null) throw new InvalidOperationException("A transaction is already open in this session.");
        var connection = await GetConnectionAsync(cancellationToken);
        var (transaction, release) = await engine.BeginWriteAsync(connection, cancellationToken);
        Transaction = transaction;
        return new Scope(this, transaction, release);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }

    private sealed class Scope(DbSession session, DbTransaction transaction, IDisposable? release) : ITransactionScope
    {
        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await transaction.DisposeAsync(); // rolls back unless committed
            }
            finally
            {
                session.Transaction = null;
                release?.Dispose();
            }
        }
    }
}
