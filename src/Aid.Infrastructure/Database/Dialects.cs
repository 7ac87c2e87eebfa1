using Aid.Application.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aid.Infrastructure.Database;

internal sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();
    public string Name => "sqlite";
    // SQLite has one writer at a time (BEGIN IMMEDIATE behind an in-process gate): reads inside a write transaction are already stable.
    public string ForUpdate => "";
    public string ForShare => "";
    public string AuditChainLock => "";
    public bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };
    // One JSON-array parameter: no statement text that varies with the number of ids.
    public string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each(@{parameter}))";
    public object IdList(IEnumerable<Guid> ids) => System.Text.Json.JsonSerializer.Serialize(ids.Select(id => id.ToString("D")));
    public string StringAgg(string expression, string separator) => $"group_concat({expression}, '{separator}')";
}

internal sealed class PostgresDialect : ISqlDialect
{
    public static readonly PostgresDialect Instance = new();
    public string Name => "postgres";
    public string ForUpdate => "FOR UPDATE";
    public string ForShare => "FOR SHARE";
    // One appender at a time keeps the hash chain linear; held only from the append to the commit.
    public string AuditChainLock => "SELECT pg_advisory_xact_lock(7261002)";
    public bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
    // Dapper sends a list to Npgsql as one array parameter (it does not expand it): compare with ANY.
    public string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";
    public object IdList(IEnumerable<Guid> ids) => ids.ToArray();
    public string StringAgg(string expression, string separator) => $"string_agg({expression}, '{separator}')";
}
