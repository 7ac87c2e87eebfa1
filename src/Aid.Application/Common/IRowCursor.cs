using System.Text;

namespace Aid.Application.Common;

/// <summary>
/// A forward-only read of one query, column by column, with no object made per row: for audit verification, which reads every
/// money row and every audit record. On SQLite text comes as the database's own UTF-8 bytes (no string is made unless asked
/// for); on the other engines each value is read as the ADO.NET provider gives it (<see cref="ColumnKind.Other"/>).
/// Open one with <see cref="IDbSession.OpenCursorAsync"/>; dispose it before the session's connection is used for anything else.
/// </summary>
public interface IRowCursor : IAsyncDisposable
{
    int FieldCount { get; }

    /// <summary>Moves to the next row; false after the last (and from then on). SQLite answers synchronously.</summary>
    ValueTask<bool> ReadAsync(CancellationToken ct);

    /// <summary>How the current row holds the column's value.</summary>
    ColumnKind Kind(int column);

    /// <summary>An integer column (<see cref="ColumnKind.Integer"/>, or an <see cref="ColumnKind.Other"/> integral value).</summary>
    long GetInt64(int column);

    /// <summary>A text value as UTF-8, valid until the next <see cref="ReadAsync"/>; on SQLite only for <see cref="ColumnKind.Text"/>.</summary>
    ReadOnlySpan<byte> GetUtf8(int column);

    /// <summary>The value as the engine's ADO.NET provider would give it (<see cref="DBNull"/> for NULL).</summary>
    object GetValue(int column);
}

/// <summary>
/// A parameter of a cursor's query, bound as Dapper binds it with Aid's type handlers: text, an integer, a uuid, a date or a
/// timestamp (SQLite keeps the last three as canonical text, SQL Server uuids too). SQLite's cursor takes nothing else (it
/// throws <see cref="NotSupportedException"/>); the other engines bind anything their ADO.NET provider does, such as
/// PostgreSQL's uuid[] from <see cref="ISqlDialect.IdList"/> (text on SQLite and SQL Server).
/// </summary>
public readonly record struct CursorParameter(string Name, object Value);

/// <summary>How a row holds one value. SQLite says which of its storage classes it is; the other engines say <see cref="Other"/>.</summary>
public enum ColumnKind
{
    Null,
    Integer,
    Real,
    Text,
    Blob,

    /// <summary>Read it with <see cref="IRowCursor.GetValue"/>.</summary>
    Other,
}

/// <summary>The typed reads of a cursor, with the same conversions as the Dapper type handlers (<see cref="DbValues"/>).</summary>
public static class RowCursorExtensions
{
    public static bool IsNull(this IRowCursor cursor, int column) => cursor.Kind(column) == ColumnKind.Null;

    public static string GetString(this IRowCursor cursor, int column) =>
        cursor.GetStringOrNull(column) ?? throw new InvalidCastException($"Column {column} is not text.");

    // One look at the column's kind: audit verification reads sixteen of these per record.
    public static string? GetStringOrNull(this IRowCursor cursor, int column) => cursor.Kind(column) switch
    {
        ColumnKind.Null => null,
        ColumnKind.Text => Encoding.UTF8.GetString(cursor.GetUtf8(column)),
        ColumnKind.Blob => throw new InvalidCastException($"Column {column} is not text."),
        _ => Convert.ToString(cursor.GetValue(column), System.Globalization.CultureInfo.InvariantCulture)!,
    };

    public static long? GetInt64OrNull(this IRowCursor cursor, int column) => cursor.IsNull(column) ? null : cursor.GetInt64(column);

    public static Guid? GetGuidOrNull(this IRowCursor cursor, int column) => cursor.IsNull(column) ? null : DbValues.ToGuid(cursor.GetValue(column));

    public static DateOnly GetDateOnly(this IRowCursor cursor, int column) => DbValues.ToDateOnly(cursor.GetValue(column));

    public static DateTimeOffset GetDateTimeOffset(this IRowCursor cursor, int column) => DbValues.ToDateTimeOffset(cursor.GetValue(column));
}
