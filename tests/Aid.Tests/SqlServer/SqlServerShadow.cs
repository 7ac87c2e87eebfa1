using System.Collections.Concurrent;
using System.Data.Common;
using Aid.Application.Common;
using Aid.Infrastructure.Database;

namespace Aid.Tests.SqlServer;

/// <summary>
/// Runs the service on a real engine while rendering every statement it sends for SQL Server as well.
/// Each dialect call answers a token that stands for both renderings (the real engine's and SQL Server's);
/// <see cref="ISqlDialect.Render"/> — through which every statement passes on its way to the server — resolves the
/// tokens both ways, sends the real text, and hands the SQL Server text to <see cref="SqlServerStatements"/>.
/// So the statements checked are exactly those the service would send to SQL Server on the same paths.
/// </summary>
public sealed class SqlServerShadowDialect(ISqlDialect real) : ISqlDialect
{
    private const char Open = '\u0001', Close = '\u0002';
    private static readonly ISqlDialect SqlServer = SqlServerDialect.Instance;
    private readonly ConcurrentDictionary<string, int> _tokens = new();
    private readonly ConcurrentDictionary<int, (string Real, string SqlServer)> _texts = new();
    private int _lastId;

    private string Token(string call, string realText, string sqlServerText)
    {
        var id = _tokens.GetOrAdd(call, _ => Interlocked.Increment(ref _lastId));
        _texts.TryAdd(id, (realText, sqlServerText));
        return $"{Open}{id}{Close}";
    }

    private string Both(string call, Func<ISqlDialect, string> render) => Token(call, render(real), render(SqlServer));

    public string Name => real.Name;
    public string Limit(string count) => Both($"Limit|{count}", d => d.Limit(count));
    public string LockedTable(string tableReference, RowLock mode) => Both($"LockedTable|{tableReference}|{mode}", d => d.LockedTable(tableReference, mode));
    public string LockClause(RowLock mode) => Both($"LockClause|{mode}", d => d.LockClause(mode));
    public string InsertIfAbsent(string table, string columns, string values, string keyColumns) =>
        Both($"InsertIfAbsent|{table}|{columns}|{values}|{keyColumns}", d => d.InsertIfAbsent(table, columns, values, keyColumns));
    public string IncrementCounter(string table, string keyColumns, string keyValues, string counterColumn) =>
        Both($"IncrementCounter|{table}|{keyColumns}|{keyValues}|{counterColumn}", d => d.IncrementCounter(table, keyColumns, keyValues, counterColumn));
    public string Concat(params string[] parts) => Both($"Concat|{string.Join('|', parts)}", d => d.Concat(parts));
    public string AsText(string expression) => Both($"AsText|{expression}", d => d.AsText(expression));
    public string InList(string column, string parameter) => Both($"InList|{column}|{parameter}", d => d.InList(column, parameter));
    public string StringAgg(string expression, string separator) => Both($"StringAgg|{expression}|{separator}", d => d.StringAgg(expression, separator));

    // Statements of the engine itself (not of the application) are checked from the SQL Server engine directly.
    public string? TransactionLock(string name) => real.TransactionLock(name) is null ? null : Both($"TransactionLock|{name}", d => d.TransactionLock(name)!);
    public string AuditNextSequence => Both("AuditNextSequence", d => d.AuditNextSequence);
    public string AuditCommitOrderValue => Both("AuditCommitOrderValue", d => d.AuditCommitOrderValue);
    public string AuditSealHorizon => Both("AuditSealHorizon", d => d.AuditSealHorizon);
    public bool IsUniqueViolation(Exception exception) => real.IsUniqueViolation(exception);
    public object IdList(IEnumerable<Guid> ids) => real.IdList(ids);
    public object TextList(IEnumerable<string> values) => real.TextList(values);

    public string Render(string sql)
    {
        var forSqlServer = Resolve(sql, sqlServer: true);
        SqlServerStatements.Record(forSqlServer);
        return Resolve(sql, sqlServer: false);
    }

    private string Resolve(string sql, bool sqlServer)
    {
        // Tokens nest (a Concat of a Concat): resolve until none is left.
        while (sql.IndexOf(Open) is var start and >= 0)
        {
            var end = sql.IndexOf(Close, start);
            var id = int.Parse(sql.AsSpan(start + 1, end - start - 1));
            var (realText, sqlServerText) = _texts[id];
            sql = string.Concat(sql.AsSpan(0, start), sqlServer ? sqlServerText : realText, sql.AsSpan(end + 1));
        }
        return sql;
    }
}

/// <summary>The engine under test, with <see cref="SqlServerShadowDialect"/> as its dialect.</summary>
public sealed class SqlServerShadowEngine(IDatabaseEngine real) : IDatabaseEngine, IDisposable
{
    public void Dispose() => (real as IDisposable)?.Dispose();
    public string Name => real.Name;
    public ISqlDialect Dialect { get; } = new SqlServerShadowDialect(real.Dialect);
    public DatabaseOptions Options => real.Options;
    public string JournalDdl => real.JournalDdl;
    public ValueTask<DbConnection> OpenAsync(CancellationToken ct) => real.OpenAsync(ct);
    public ValueTask<IWriteScope> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        real.BeginWriteAsync(connection, ct);
    public ValueTask<DbTransaction> BeginReadSnapshotAsync(DbConnection connection, CancellationToken ct) => real.BeginReadSnapshotAsync(connection, ct);
    public ValueTask<IRowCursor> OpenCursorAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<CursorParameter> parameters,
            CancellationToken ct) =>
        real.OpenCursorAsync(connection, transaction, sql, parameters, ct);
    public Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows, CancellationToken ct)
        where T : notnull => real.ExecuteEachAsync(connection, transaction, sql, rows, ct);
    public Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken ct) => real.LockMigrationsAsync(connection, ct);
    public IReadOnlyList<string> Batches(string script) => real.Batches(script);
    public Task CheckAsync(DbConnection connection, CancellationToken ct) => real.CheckAsync(connection, ct);
    public ValueTask<string?> ForeignCommitMarkAsync(CancellationToken ct) => real.ForeignCommitMarkAsync(ct);
}

/// <summary>
/// Every distinct statement the service sent, as SQL Server would have received it, across the whole test run, each
/// parsed once as T-SQL. A statement that SQL Server would refuse fails the request that sent it (the test sees a 500
/// and the log names the statement) and stays listed in <see cref="Refused"/>.
/// </summary>
public static class SqlServerStatements
{
    private static readonly ConcurrentDictionary<string, byte> Accepted = new();
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> RefusedStatements = new();

    public static int Count => Accepted.Count;
    public static IReadOnlyCollection<string> All => Accepted.Keys.ToList();
    public static IEnumerable<(string Sql, IReadOnlyList<string> Problems)> Refused => RefusedStatements.Select(s => (s.Key, s.Value));

    /// <summary>Records a statement the service is about to send; throws when SQL Server would refuse it.</summary>
    public static void Record(string sql)
    {
        if (Accepted.ContainsKey(sql)) return;
        var problems = TSqlCheck.Problems(sql);
        if (problems.Count > 0)
        {
            RefusedStatements.TryAdd(sql, problems);
            throw Refusal(sql, problems);
        }
        Accepted.TryAdd(sql, 0);
    }

    /// <summary>The check alone, recording nothing.</summary>
    public static void EnsureAccepted(string sql)
    {
        if (TSqlCheck.Problems(sql) is { Count: > 0 } problems) throw Refusal(sql, problems);
    }

    private static InvalidOperationException Refusal(string sql, IReadOnlyList<string> problems) =>
        new($"SQL Server would refuse this statement ({string.Join("; ", problems)}):\n{sql}");
}
