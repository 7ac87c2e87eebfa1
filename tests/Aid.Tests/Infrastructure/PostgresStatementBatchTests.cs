using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Npgsql;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL batch an import chunk writes with (<see cref="PostgresStatementBatch"/>, all rows in one round trip), on the
/// throwaway cluster: every value stored as Dapper with Aid's type handlers stores it, NULLs included, inside the transaction,
/// the rows changed counted, and a refused row rolling back the batch with PostgreSQL's own error.
/// </summary>
public sealed class PostgresStatementBatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Insert = "INSERT INTO t (tag, n, id, day, at, i, text, flag, maybe) VALUES (@tag, @n, @id, @day, @at, @i, @text, @flag, @maybe)";

    private static object Row(string tag, long n, Guid? maybe) => new
    {
        tag, n, id = Guid.Parse("01a24122-976e-74c8-88f0-59639941c8eb"), day = new DateOnly(2025, 3, 2),
        at = new DateTimeOffset(2025, 3, 2, 8, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4560), i = -7, text = (string?)"蒋晟晖 😀 \"'\\",
        flag = true, maybe,
    };

    [Fact]
    public async Task Rows_are_stored_as_Dapper_stores_them_in_one_batch_and_a_refused_row_rolls_the_batch_back()
    {
        Engines.SkipUnlessAvailable(Engine.Postgres);
        DapperTypeHandlers.Register();
        await using var database = await TestDatabase.CreateAsync(Engine.Postgres);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await connection.ExecuteAsync("""
            CREATE TABLE t (tag text NOT NULL, n bigint NOT NULL, id uuid, day date, at timestamptz, i integer, text text, flag boolean, maybe uuid,
                            UNIQUE (tag, n))
            """);

        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await connection.ExecuteAsync(Insert, Row("dapper", 1, null), transaction);
            await connection.ExecuteAsync(Insert, Row("dapper", 2, Guid.Empty), transaction);
            Assert.Equal(2, await PostgresStatementBatch.ExecuteAsync(connection, transaction, Insert, [Row("batch", 1, null), Row("batch", 2, Guid.Empty)], Ct));
            await transaction.CommitAsync(Ct);
        }
        const string Stored = "SELECT n, id::text, day::text, at::text, i, text, flag, maybe::text FROM t WHERE tag = @tag ORDER BY n";
        var byDapper = (await connection.QueryAsync(Stored, new { tag = "dapper" })).Select(r => ((IDictionary<string, object?>)r).Values.ToList()).ToList();
        var byBatch = (await connection.QueryAsync(Stored, new { tag = "batch" })).Select(r => ((IDictionary<string, object?>)r).Values.ToList()).ToList();
        Assert.Equal(byDapper, byBatch);
        Assert.Null(byBatch[0][7]); // NULL kept as NULL

        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            var duplicate = await Assert.ThrowsAsync<PostgresException>(() =>
                PostgresStatementBatch.ExecuteAsync(connection, transaction, Insert, [Row("refused", 1, null), Row("batch", 1, null)], Ct));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        }
        Assert.Equal(0L, await connection.QuerySingleAsync<long>("SELECT COUNT(*) FROM t WHERE tag = 'refused'"));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PostgresStatementBatch.ExecuteAsync(connection, null, "INSERT INTO t (tag, n) VALUES (@tag, @missing)", [new { tag = "x", n = 1L }], Ct));
    }
}
