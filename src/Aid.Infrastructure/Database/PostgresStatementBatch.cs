using System.Collections.Concurrent;
using System.Data;
using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Aid.Infrastructure.Database;

/// <summary>
/// One statement executed once for each row of parameters, all rows in one round trip (<see cref="NpgsqlBatch"/>): through Dapper
/// each row was a round trip of its own, about 3,500 for an import chunk of 500 lines. Parameters are the rows' properties
/// (<see cref="BatchRows"/>), sent as Aid's Dapper type handlers send them (<see cref="DapperTypeHandlers"/>):
/// uuids and text as they are, dates as <c>date</c>, timestamps in UTC as <c>timestamptz</c>; a NULL keeps its column's type.
/// </summary>
internal static partial class PostgresStatementBatch
{
    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo[]> Parameters = new();

    public static async Task<int> ExecuteAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyList<T> rows,
        CancellationToken ct) where T : notnull
    {
        var type = BatchRows.TypeOf(rows);
        var properties = Parameters.GetOrAdd((type, sql), key => ParametersOf(key.Item1, key.Item2));
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var row in rows)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var property in properties) command.Parameters.Add(Parameter(property, property.GetValue(row)));
            batch.BatchCommands.Add(command);
        }
        return await batch.ExecuteNonQueryAsync(ct);
    }

    private static PropertyInfo[] ParametersOf(Type type, string sql) =>
        ParameterName().Matches(sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Select(name => BatchRows.Property(type, name)).ToArray();

    private static NpgsqlParameter Parameter(PropertyInfo property, object? value)
    {
        var parameter = new NpgsqlParameter { ParameterName = property.Name };
        switch (value)
        {
            case DateOnly date:
                parameter.Value = date;
                parameter.DbType = DbType.Date;
                break;
            case DateTimeOffset instant: // Npgsql refuses a non-zero offset for timestamptz
                parameter.Value = instant.ToUniversalTime();
                parameter.DbType = DbType.DateTimeOffset;
                break;
            case null:
                parameter.Value = DBNull.Value;
                if (NullType(property.PropertyType) is { } npgsqlType) parameter.NpgsqlDbType = npgsqlType;
                break;
            default:
                parameter.Value = value;
                break;
        }
        return parameter;
    }

    private static NpgsqlDbType? NullType(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => NpgsqlDbType.Text,
        var t when t == typeof(Guid) => NpgsqlDbType.Uuid,
        var t when t == typeof(DateOnly) => NpgsqlDbType.Date,
        var t when t == typeof(DateTimeOffset) => NpgsqlDbType.TimestampTz,
        var t when t == typeof(long) => NpgsqlDbType.Bigint,
        var t when t == typeof(int) => NpgsqlDbType.Integer,
        var t when t == typeof(bool) => NpgsqlDbType.Boolean,
        _ => null,
    };

    [GeneratedRegex(@"@([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ParameterName();
}
