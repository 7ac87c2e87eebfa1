using System.Data;
using System.Globalization;
using Aid.Application.Common;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Aid.Infrastructure.Database;

/// <summary>
/// SQLite has no uuid, date or timestamp types: there they are canonical text (lower-case uuid, yyyy-MM-dd,
/// yyyy-MM-ddTHH:mm:ss.ffffffZ — sortable as text). SQL Server keeps uuids as lower-case CHAR(36) too (its
/// uniqueidentifier would not sort UUIDv7 by time). PostgreSQL gets the native values.
/// Registered once per process, before the first query.
/// </summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        foreach (var type in new[] { typeof(Guid), typeof(Guid?), typeof(DateOnly), typeof(DateOnly?), typeof(DateTimeOffset), typeof(DateTimeOffset?) })
            SqlMapper.RemoveTypeMap(type);
    }

    /// <summary>Sets <paramref name="parameter"/> to <paramref name="value"/> as Dapper would with these handlers.</summary>
    internal static void SetValue(IDbDataParameter parameter, object? value)
    {
        switch (value)
        {
            case Guid guid: GuidHandler.Set(parameter, guid); break;
            case DateOnly date: DateOnlyHandler.Set(parameter, date); break;
            case DateTimeOffset instant: DateTimeOffsetHandler.Set(parameter, instant); break;
            default: parameter.Value = value ?? DBNull.Value; break;
        }
    }

    internal static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value) => Set(parameter, value);

        public static void Set(IDbDataParameter parameter, Guid value) =>
            parameter.Value = parameter is SqliteParameter or SqlParameter ? value.ToString("D") : value;

        public override Guid Parse(object value) => DbValues.ToGuid(value);
    }

    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value) => Set(parameter, value);

        public static void Set(IDbDataParameter parameter, DateOnly value)
        {
            if (parameter is SqliteParameter) parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            else { parameter.Value = value; parameter.DbType = DbType.Date; }
        }

        public override DateOnly Parse(object value) => DbValues.ToDateOnly(value);
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => Set(parameter, value);

        public static void Set(IDbDataParameter parameter, DateTimeOffset value)
        {
            // Npgsql throws on a non-zero offset for timestamptz (and breaks the connection): always UTC.
            if (parameter is SqliteParameter) parameter.Value = FormatTimestamp(value);
            else { parameter.Value = value.ToUniversalTime(); parameter.DbType = DbType.DateTimeOffset; }
        }

        public override DateTimeOffset Parse(object value) => DbValues.ToDateTimeOffset(value);
    }
}
