using System.Data.Common;

namespace Aid.Infrastructure.Database;

/// <summary>
/// One write transaction as a command sees it: the connection and transaction its statements run on, a commit that returns
/// once the writes are durable, and a dispose that rolls back whatever was not committed. On SQLite several commands share
/// one database transaction (<see cref="SqliteGroupCommit"/>); on the server engines each has its own.
/// </summary>
public interface IWriteScope : IAsyncDisposable
{
    DbConnection Connection { get; }
    DbTransaction Transaction { get; }
    Task CommitAsync(CancellationToken ct);
}

/// <summary>A transaction of its own on the session's connection (PostgreSQL, SQL Server).</summary>
internal sealed class OwnTransaction(DbConnection connection, DbTransaction transaction) : IWriteScope
{
    public DbConnection Connection => connection;
    public DbTransaction Transaction => transaction;
    public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);
    public ValueTask DisposeAsync() => transaction.DisposeAsync(); // rolls back unless committed
}
