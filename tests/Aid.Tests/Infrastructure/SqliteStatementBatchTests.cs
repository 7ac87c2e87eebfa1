using Aid.Infrastructure.Database;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// The SQLite batch an import chunk writes with (<see cref="SqliteStatementBatch"/>, SQLite's C API on the connection's own
/// handle), on a real database file: every value stored as the same bytes and storage class as Dapper with Aid's type handlers
/// stores it, the rows changed counted, and SQLite's errors as the <see cref="SqliteException"/>s the rest of Aid recognises.
/// </summary>
public sealed class SqliteStatementBatchTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aid-statement-batch-").FullName;
    private SqliteEngine _engine = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Insert = "INSERT INTO t (tag, id, day, at, n, i, text, flag, none) VALUES (@tag, @id, @day, @at, @n, @i, @text, @flag, @none)";

    public async ValueTask InitializeAsync()
    {
        DapperTypeHandlers.Register();
        _engine = new SqliteEngine(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "aid.db")}"));
        await using var connection = await _engine.OpenAsync(Ct);
        // Untyped columns: each value keeps the storage class it was bound with.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE t (tag, id, day, at, n, i, text, flag, none, UNIQUE (tag, n))");
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static object Row(string tag, long n) => new
    {
        tag, id = Guid.Parse("01a24122-976E-74C8-88F0-59639941C8EB"), day = new DateOnly(2025, 3, 2),
        at = new DateTimeOffset(2025, 3, 2, 8, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4567), n, i = -7, text = "蒋晟晖 😀 \"'\\ \u0001",
        flag = true, none = (string?)null,
    };

    [Fact]
    public async Task Every_value_is_stored_as_Dapper_with_Aid_s_type_handlers_stores_it_and_the_changes_are_counted()
    {
        Assert.True(SqliteNative.Available, "the batch does not reach Microsoft.Data.Sqlite's SQLite: imports would write through Dapper");
        await using var connection = (SqliteConnection)await _engine.OpenAsync(Ct);
        await connection.ExecuteAsync(Insert, Row("dapper", 1));
        Assert.Equal(2, SqliteStatementBatch.Execute(connection, Insert, [Row("batch", 1), Row("batch", 2)], Ct));

        const string Stored = "SELECT typeof(id), hex(id), typeof(day), hex(day), typeof(at), hex(at), typeof(n), n, typeof(i), i, hex(text), typeof(flag), flag, typeof(none) FROM t WHERE tag = @tag AND n = 1";
        var byDapper = await connection.QuerySingleAsync(Stored, new { tag = "dapper" });
        var byBatch = await connection.QuerySingleAsync(Stored, new { tag = "batch" });
        Assert.Equal(((IDictionary<string, object?>)byDapper).Values, ((IDictionary<string, object?>)byBatch).Values);
        Assert.Equal("2025-03-02T00:30:15.123456Z", await connection.QuerySingleAsync<string>("SELECT at FROM t WHERE tag = 'batch' AND n = 2"));

        // A row the statement leaves alone counts nothing: only the changes are added up.
        const string IfAbsent = "INSERT INTO t (tag, n) VALUES (@tag, @n) ON CONFLICT (tag, n) DO NOTHING";
        Assert.Equal(1, SqliteStatementBatch.Execute(connection, IfAbsent, [new { tag = "batch", n = 2L }, new { tag = "batch", n = 3L }], Ct));
    }

    [Fact]
    public async Task A_unique_violation_is_SQLite_s_constraint_error_and_bad_rows_or_statements_are_refused_before_any_row_is_written()
    {
        await using var connection = (SqliteConnection)await _engine.OpenAsync(Ct);
        var duplicate = Assert.Throws<SqliteException>(() => SqliteStatementBatch.Execute(connection, Insert, [Row("unique", 1), Row("unique", 1)], Ct));
        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(2067, duplicate.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_UNIQUE: what the engine's dialect retries on
        Assert.Contains("UNIQUE", duplicate.Message);

        Assert.Throws<InvalidOperationException>(() => SqliteStatementBatch.Execute(connection, Insert, [new { tag = "missing" }], Ct));
        Assert.Throws<NotSupportedException>(() => SqliteStatementBatch.Execute(connection, "INSERT INTO t (tag, n) VALUES (@tag, @n)",
            [new { tag = "decimal", n = 1.5m }], Ct));
        Assert.Throws<ArgumentException>(() => SqliteStatementBatch.Execute(connection, "INSERT INTO t (tag) VALUES (@tag); SELECT 1", [new { tag = "two" }], Ct));
        Assert.Throws<ArgumentException>(() => SqliteStatementBatch.Execute<object>(connection, "INSERT INTO t (tag) VALUES (@tag)",
            [new { tag = "a" }, new { tag = "b", n = 1L }], Ct));
        // Only the row before the duplicate (no transaction here; in a command the whole transaction rolls back).
        Assert.Equal(1L, await connection.QuerySingleAsync<long>("SELECT COUNT(*) FROM t WHERE tag IN ('unique', 'missing', 'decimal', 'two', 'a', 'b')"));
    }
}
