// Rows and views: Dapper maps into an `internal sealed class <Thing>Row` (init properties, database values: codes as strings, money in
// minor units); the API gets a `public sealed record <Thing>View` that the row builds in `ToView(...)`. Dapper never maps into a view.
using Dapper;

namespace Aid.Application.Common;

/// <summary>
/// Dapper calls that always carry the current transaction and the cancellation token. Every statement the
/// application sends goes through here, through <see cref="IDbSession.OpenCursorAsync(string, CancellationToken)"/> (audit
/// verification) or through <see cref="IDbSession.ExecuteEachAsync"/> (many rows), and always through <see cref="ISqlDialect.Render"/>.
/// Parameter names must match the SQL exactly (SQLite binds case-sensitively; Npgsql does not, so only SQLite tests catch it).
/// </summary>
public static class DbSessionExtensions
{
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(this IDbSession db, string sql, object? parameters, CancellationToken ct)
    {
        var connection = await db.GetConnectionAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(db.Dialect.Render(sql), parameters, db.Transaction, cancellationToken: ct));
        return rows.AsList();
    }

    public static async Task<T?> QuerySingleOrDefaultAsync<T>(this IDbSession db, string sql, object? parameters, CancellationToken ct)
    {
        var connection = await db.GetConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(db.Dialect.Render(sql), parameters, db.Transaction, cancellationToken: ct));
    }

    public static async Task<T> QuerySingleAsync<T>(this IDbSession db, string sql, object? parameters, CancellationToken ct)
    {
        var connection = await db.GetConnectionAsync(ct);
        return await connection.QuerySingleAsync<T>(new CommandDefinition(db.Dialect.Render(sql), parameters, db.Transaction, cancellationToken: ct));
    }

    public static async Task<int> ExecuteAsync(this IDbSession db, string sql, object? parameters, CancellationToken ct)
    {
        var connection = await db.GetConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(db.Dialect.Render(sql), parameters, db.Transaction, cancellationToken: ct));
    }

    /// <summary>Several SELECTs in one round trip (statements separated by ";"), each answered as a list of Dapper rows.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<dynamic>>> QueryBatchAsync(this IDbSession db, string sql, object? parameters, int statements, CancellationToken ct)
    {
        var connection = await db.GetConnectionAsync(ct);
        await using var reader = await connection.QueryMultipleAsync(new CommandDefinition(db.Dialect.Render(sql), parameters, db.Transaction, cancellationToken: ct));
        var results = new List<IReadOnlyList<dynamic>>(statements);
        for (var i = 0; i < statements; i++) results.Add((await reader.ReadAsync()).AsList());
        return results;
    }

    /// <summary>Streams rows one by one (unbuffered): for reports and chain verification, where memory must not grow with the table.</summary>
    public static async IAsyncEnumerable<T> StreamAsync<T>(this IDbSession db, string sql, object? parameters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var connection = await db.GetConnectionAsync(ct);
        var rows = connection.QueryUnbufferedAsync<T>(db.Dialect.Render(sql), parameters, db.Transaction);
        await foreach (var row in rows.WithCancellation(ct))
            yield return row;
    }
}
