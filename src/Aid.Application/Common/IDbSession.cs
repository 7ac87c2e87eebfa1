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

    /// <summary>
    /// The running write attempt (one per <see cref="BeginTransactionAsync"/>), or null. On SQLite several commands commit
    /// in one database transaction, so <see cref="Transaction"/> does not tell a rolled-back attempt from the next one; this does.
    /// </summary>
    object? WriteAttempt { get; }

    ValueTask<DbConnection> GetConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts the write transaction (SQLite: the single writer, BEGIN IMMEDIATE; PostgreSQL and SQL Server: READ COMMITTED
    /// plus explicit row locks). Disposing the scope without <see cref="ITransactionScope.CommitAsync"/> rolls back.
    /// </summary>
    ValueTask<ITransactionScope> BeginTransactionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Until disposed, the session's queries all read one committed state (a read-only transaction that holds back no writer):
    /// for checks that compare what several statements read. Not inside a command.
    /// </summary>
    ValueTask<IAsyncDisposable> BeginReadSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A mark that moves whenever someone other than this service's own commands commits to the database, or null where the engine
    /// cannot tell (SQLite can: its single writer's <c>data_version</c>; PostgreSQL and SQL Server cannot). Equal marks taken at two
    /// moments prove that every change in between went through this service's commands.
    /// </summary>
    ValueTask<string?> ForeignCommitMarkAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Executes one statement once for each row's parameters (the rows' properties, named exactly as in the SQL) in the session's
    /// transaction, prepared once (on SQLite bound through its C API): for many rows of one kind, such as an import chunk's.
    /// Answers the rows changed in all; nothing is sent for no rows.
    /// </summary>
    Task<int> ExecuteEachAsync<T>(string sql, IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : notnull;

    /// <summary>
    /// Runs a query (one statement) in the session's transaction, if any, and reads it column by column (<see cref="IRowCursor"/>).
    /// </summary>
    ValueTask<IRowCursor> OpenCursorAsync(string sql, CancellationToken cancellationToken);

    /// <inheritdoc cref="OpenCursorAsync(string, CancellationToken)"/>
    /// <param name="parameters">Every parameter of the query, each once (<see cref="CursorParameter"/>).</param>
    ValueTask<IRowCursor> OpenCursorAsync(string sql, IReadOnlyList<CursorParameter> parameters, CancellationToken cancellationToken);
}

public interface ITransactionScope : IAsyncDisposable
{
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>How a locking read holds the rows it reads until commit.</summary>
public enum RowLock
{
    /// <summary>The rows must not change until commit; other readers may share them.</summary>
    Share,

    /// <summary>The rows are read to be changed: a second locking reader waits.</summary>
    Update,
}

/// <summary>
/// Everything that differs between the engines, and nothing else: application SQL is otherwise written once in the
/// common subset of SQLite, PostgreSQL and T-SQL: one engine's paging, upsert, row-lock, concatenation or cast syntax,
/// or a boolean literal, appears only here (a test parses every statement the service sends as T-SQL).
/// </summary>
public interface ISqlDialect
{
    string Name { get; }

    /// <summary>Keeps the first <paramref name="count"/> rows (a parameter such as <c>@take</c>, or a literal); goes after ORDER BY.</summary>
    string Limit(string count);

    /// <summary>A table reference in FROM, decorated with the engine's row-lock hint (SQL Server: <c>WITH (UPDLOCK, ROWLOCK)</c>).</summary>
    string LockedTable(string tableReference, RowLock mode);

    /// <summary>The clause that ends a locking SELECT (PostgreSQL: <c>FOR UPDATE</c>; "" elsewhere).</summary>
    string LockClause(RowLock mode);

    /// <summary>Inserts one row unless a row with the same <paramref name="keyColumns"/> exists; affects 0 rows then.</summary>
    /// <param name="columns">Column names, comma-separated.</param>
    /// <param name="values">Parameter names in the same order, comma-separated (<c>@a, @b</c>).</param>
    string InsertIfAbsent(string table, string columns, string values, string keyColumns);

    /// <summary>
    /// Adds one to a counter row and returns the new value, creating the row with 1 when it is missing (upsert-returning):
    /// <paramref name="keyColumns"/> and <paramref name="keyValues"/> name the key columns and their parameters.
    /// </summary>
    string IncrementCounter(string table, string keyColumns, string keyValues, string counterColumn);

    /// <summary>Text concatenation that is NULL when any part is NULL (parts are SQL expressions).</summary>
    string Concat(params string[] parts);

    /// <summary>An expression converted to text (uuid, number); uuids as lower-case canonical text on every engine.</summary>
    string AsText(string expression);

    /// <summary>
    /// A statement that takes the exclusive lock <paramref name="name"/> until commit (the bootstrap key, the audit sealer), or null
    /// where write transactions are already serialised (SQLite).
    /// </summary>
    string? TransactionLock(string name);

    /// <summary>A SELECT answering the next audit record sequence number (a database sequence; SQLite: MAX + 1 under its one writer).</summary>
    string AuditNextSequence { get; }

    /// <summary>
    /// The value written into <c>audit_log.commit_order</c>: the writing transaction's id (PostgreSQL, SQL Server), or the record's
    /// own <c>@sequence</c> where transactions commit in the order they write (SQLite). See docs/AUDIT-CHAIN.md.
    /// </summary>
    string AuditCommitOrderValue { get; }

    /// <summary>A SELECT answering the sealer's horizon: every record with a lower commit order is committed or gone for good.</summary>
    string AuditSealHorizon { get; }

    bool IsUniqueViolation(Exception exception);

    /// <summary>"column is one of the values in @parameter"; pass ids through <see cref="IdList"/>, texts through <see cref="TextList"/>.</summary>
    string InList(string column, string parameter);

    /// <summary>Aggregate text values of a group, joined by <paramref name="separator"/> (a literal).</summary>
    string StringAgg(string expression, string separator);

    /// <summary>The parameter value for <see cref="InList"/>: a JSON array on SQLite and SQL Server, one uuid[] on PostgreSQL.</summary>
    object IdList(IEnumerable<Guid> ids);

    /// <summary>The parameter value for <see cref="InList"/> with texts: a JSON array on SQLite and SQL Server, one text[] on PostgreSQL.</summary>
    object TextList(IEnumerable<string> values);

    /// <summary>The statement text as sent to the server. The identity for real dialects; a test's recording dialect hooks in here.</summary>
    string Render(string sql) => sql;
}

public static class SqlDialectExtensions
{
    /// <summary><c>SELECT columns FROM table WHERE condition</c>, holding the rows it reads until commit.</summary>
    public static string LockingSelect(this ISqlDialect dialect, string columns, string table, string condition, RowLock mode) =>
        $"SELECT {columns} FROM {dialect.LockedTable(table, mode)} WHERE {condition} {dialect.LockClause(mode)}";
}
