using System.Data;
using System.Globalization;

namespace Aid.Application.Common;

/// <summary>
/// Values as the engines hand them back, made into .NET types: SQLite keeps uuids, dates and timestamps as canonical text, SQL
/// Server uuids as text, PostgreSQL gives native values. The Dapper type handlers and <see cref="IRowCursor"/> reads both use these.
/// </summary>
public static class DbValues
{
    public static Guid ToGuid(object value) => value switch
    {
        Guid g => g,
        string s => Guid.Parse(s),
        byte[] b => new Guid(b),
        _ => throw new DataException($"Cannot read a uuid from {value.GetType().Name}."),
    };

    public static DateOnly ToDateOnly(object value) => value switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => throw new DataException($"Cannot read a date from {value.GetType().Name}."),
    };

    public static DateTimeOffset ToDateTimeOffset(object value) => value switch
    {
        DateTimeOffset o => o.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name}."),
    };
}
