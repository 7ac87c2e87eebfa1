using System.Text.Json;
using Aid.Application.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aid.Infrastructure.Database;

internal sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();
    public string Name => "sqlite";
    public string Limit(string count) => $"LIMIT {count}";
    // SQLite has one writer at a time (BEGIN IMMEDIATE behind an in-process gate): reads inside a write transaction are already stable.
    public string LockedTable(string tableReference, RowLock mode) => tableReference;
    public string LockClause(RowLock mode) => "";
    public string InsertIfAbsent(string table, string columns, string values, string keyColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({keyColumns}) DO NOTHING";
    public string IncrementCounter(string table, string keyColumns, string keyValues, string counterColumn) =>
        $"INSERT INTO {table} ({keyColumns}, {counterColumn}) VALUES ({keyValues}, 1) " +
        $"ON CONFLICT ({keyColumns}) DO UPDATE SET {counterColumn} = {table}.{counterColumn} + 1 RETURNING {counterColumn}";
    public string Concat(params string[] parts) => string.Join(" || ", parts);
    public string AsText(string expression) => $"CAST({expression} AS TEXT)";
    public string? TransactionLock(string name) => null;
    public string AuditNextSequence => "SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_log";
    public string AuditCommitOrderValue => "@sequence";
    // One writer: everything a reader inside the write transaction can see is committed, and nothing else is in flight.
    public string AuditSealHorizon => "SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_log";
    public bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };
    // One JSON-array parameter: no statement text that varies with the number of ids.
    public string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each(@{parameter}))";
    public object IdList(IEnumerable<Guid> ids) => JsonSerializer.Serialize(ids.Select(id => id.ToString("D")));
    public object TextList(IEnumerable<string> values) => JsonSerializer.Serialize(values);
    public string StringAgg(string expression, string separator) => $"group_concat({expression}, '{separator}')";
}

internal sealed class PostgresDialect : ISqlDialect
{
    public static readonly PostgresDialect Instance = new();
    public string Name => "postgres";
    public string Limit(string count) => $"LIMIT {count}";
    public string LockedTable(string tableReference, RowLock mode) => tableReference;
    public string LockClause(RowLock mode) => mode == RowLock.Update ? "FOR UPDATE" : "FOR SHARE";
    public string InsertIfAbsent(string table, string columns, string values, string keyColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({keyColumns}) DO NOTHING";
    public string IncrementCounter(string table, string keyColumns, string keyValues, string counterColumn) =>
        $"INSERT INTO {table} ({keyColumns}, {counterColumn}) VALUES ({keyValues}, 1) " +
        $"ON CONFLICT ({keyColumns}) DO UPDATE SET {counterColumn} = {table}.{counterColumn} + 1 RETURNING {counterColumn}";
    public string Concat(params string[] parts) => string.Join(" || ", parts);
    public string AsText(string expression) => $"CAST({expression} AS text)";
    public string? TransactionLock(string name) => $"SELECT pg_advisory_xact_lock(hashtext('{name}'))";
    public string AuditNextSequence => "SELECT nextval('audit_log_sequence')";
    public string AuditCommitOrderValue => "CAST(CAST(pg_current_xact_id() AS text) AS bigint)";
    // The oldest transaction still running: every transaction id below it has committed or aborted.
    public string AuditSealHorizon => "SELECT CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS text) AS bigint)";
    public bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
    // Dapper sends a list to Npgsql as one array parameter (it does not expand it): compare with ANY.
    public string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";
    public object IdList(IEnumerable<Guid> ids) => ids.ToArray();
    public object TextList(IEnumerable<string> values) => values.ToArray();
    public string StringAgg(string expression, string separator) => $"string_agg({expression}, '{separator}')";
}

/// <summary>
/// SQL Server 2022 with READ_COMMITTED_SNAPSHOT on: plain reads see the last committed version, locking reads take
/// lock hints on the table reference. Ids are stored as lower-case CHAR(36) with a binary collation, so they sort
/// as UUIDv7 (creation time) the way they do on the other engines.
/// </summary>
internal sealed class SqlServerDialect : ISqlDialect
{
    public static readonly SqlServerDialect Instance = new();
    public string Name => "sqlserver";
    public string Limit(string count) => $"OFFSET 0 ROWS FETCH NEXT {count} ROWS ONLY";
    // HOLDLOCK keeps the shared lock to the end of the transaction (FOR SHARE); UPDLOCK makes a second locker wait (FOR UPDATE).
    public string LockedTable(string tableReference, RowLock mode) =>
        $"{tableReference} WITH ({(mode == RowLock.Update ? "UPDLOCK" : "HOLDLOCK")}, ROWLOCK)";
    public string LockClause(RowLock mode) => "";
    // UPDLOCK + HOLDLOCK holds the key range, so two claims of the same absent key serialise instead of both inserting.
    public string InsertIfAbsent(string table, string columns, string values, string keyColumns)
    {
        var keys = keyColumns.Split(',', StringSplitOptions.TrimEntries);
        var valueList = values.Split(',', StringSplitOptions.TrimEntries);
        var columnList = columns.Split(',', StringSplitOptions.TrimEntries);
        var match = string.Join(" AND ", keys.Select(k => $"x.{k} = {valueList[Array.IndexOf(columnList, k)]}"));
        return $"INSERT INTO {table} ({columns}) SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM {table} x WITH (UPDLOCK, HOLDLOCK) WHERE {match})";
    }
    public string IncrementCounter(string table, string keyColumns, string keyValues, string counterColumn)
    {
        var keys = keyColumns.Split(',', StringSplitOptions.TrimEntries);
        var values = keyValues.Split(',', StringSplitOptions.TrimEntries);
        var source = string.Join(", ", keys.Select((k, i) => $"{values[i]} AS {k}"));
        var on = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));
        return $"MERGE {table} WITH (HOLDLOCK) AS t USING (SELECT {source}) AS s ON {on} " +
               $"WHEN MATCHED THEN UPDATE SET {counterColumn} = t.{counterColumn} + 1 " +
               $"WHEN NOT MATCHED THEN INSERT ({keyColumns}, {counterColumn}) VALUES ({string.Join(", ", keys.Select(k => "s." + k))}, 1) " +
               $"OUTPUT inserted.{counterColumn};";
    }
    // + propagates NULL like || does (CONCAT() would turn NULL into '').
    public string Concat(params string[] parts) => string.Join(" + ", parts);
    // The explicit collation keeps a cast id comparable with text columns of either collation (no error 468/451).
    public string AsText(string expression) => $"CAST({expression} AS NVARCHAR(400)) COLLATE DATABASE_DEFAULT";
    public string? TransactionLock(string name) =>
        $"EXEC sp_getapplock @Resource = N'{name}', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1";
    public string AuditNextSequence => "SELECT NEXT VALUE FOR audit_log_sequence";
    public string AuditCommitOrderValue => "CURRENT_TRANSACTION_ID()";
    // Needs VIEW SERVER STATE: the oldest active transaction (listed from BEGIN, like CURRENT_TRANSACTION_ID() is assigned; server-wide,
    // so another database's long transaction delays sealing), or past the newest id when none is running.
    public string AuditSealHorizon =>
        "SELECT COALESCE((SELECT MIN(t.transaction_id) FROM sys.dm_tran_active_transactions t), CURRENT_TRANSACTION_ID() + 1)";
    public bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2601 or 2627 };
    public string InList(string column, string parameter) => $"{column} IN (SELECT [value] FROM OPENJSON(@{parameter}))";
    public object IdList(IEnumerable<Guid> ids) => JsonSerializer.Serialize(ids.Select(id => id.ToString("D")));
    public object TextList(IEnumerable<string> values) => JsonSerializer.Serialize(values);
    public string StringAgg(string expression, string separator) => $"STRING_AGG({expression}, N'{separator}')";
}
