using System.Data.Common;

namespace Aid.Application.Common;

/// <summary>
/// The request's database connection and, while a command runs, its transaction.
/// Handlers write SQL against it directly (no repositories): see STYLE.md.
/// </summary>
public interface IDbSession
{
    ISqlDialect Dialect { get; }

    /// <summary>The open transaction of the running command, or null for queries.</summary>
    DbTransaction? Transaction { get; }

    ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts the write transaction (SQLite: the single writer, BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED
    /// plus explicit row locks). Disposing the scope without <see cref="ITransactionScope.CommitAsync"/> rolls back.
    /// </summary>
    ValueTask<ITransactionScope> BeginTransactionAsync(CancellationToken cancellationToken);
}

public interface ITransactionScope : IAsyncDisposable
{
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>The few things that really differ between the engines.</summary>
public interface ISqlDialect
{
    string Name { get; }

    /// <summary>Appended to a SELECT that must lock the rows it reads until commit ("" where writers are already serialised).</summary>
    string ForUpdate { get; }

    /// <summary>Appended to a SELECT whose rows must not change (nor be locked for update) until commit, while other readers may share them.</summary>
    string ForShare { get; }

    /// <summary>A statement that serialises all writers of the audit chain until commit (may be empty).</summary>
    string AuditChainLock { get; }

    bool IsUniqueViolation(Exception exception);

    /// <summary>"column is one of the ids in @parameter"; pass the ids through <see cref="IdList"/>.</summary>
    string InList(string column, string parameter);

    /// <summary>Aggregate text values of a group, joined by <paramref name="separator"/> (a literal).</summary>
    string StringAgg(string expression, string separator);

    /// <summary>The parameter value for <see cref="InList"/>: expanded by Dapper on SQLite, one uuid[] on PostgreSQL.</summary>
    object IdList(IEnumerable<Guid> ids);
}
