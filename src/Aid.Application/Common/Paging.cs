using System.Buffers.Text;
using System.Text;
using System.Text.Json.Serialization;

namespace Aid.Application.Common;

/// <summary>
/// A page of a list: <c>{ items, nextCursor, next }</c>; the cursor is opaque to clients. <c>next</c> is the URL of the
/// next page (same path and query, the cursor replaced), filled in by the API; absent on the last page.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor) : IPage
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Next { get; init; }

    IPage IPage.WithNext(string? next) => this with { Next = next };
}

/// <summary>Any <see cref="Page{T}"/>, for code that handles pages of every item type alike.</summary>
public interface IPage
{
    string? NextCursor { get; }

    string? Next { get; }

    /// <summary>The same page with <see cref="Next"/> set.</summary>
    IPage WithNext(string? next);
}

/// <summary>Keyset paging over UUIDv7 ids, which sort by creation time on every engine.</summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static string Encode(Guid lastId) => Base64Url.EncodeToString(lastId.ToByteArray(bigEndian: true));

    public static bool TryDecode(string? cursor, out Guid? after)
    {
        after = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length != 16) return false;
            after = new Guid(bytes, bigEndian: true);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Given rows fetched with limit + 1, the page and its next cursor.</summary>
    public static Page<T> ToPage<T>(IReadOnlyList<T> rows, int limit, Func<T, Guid> id) =>
        ToPage(rows, limit, (T row) => Encode(id(row)));

    /// <summary>Given rows fetched with limit + 1, the page and its next cursor, made from the page's last row by <paramref name="cursorOf"/>.</summary>
    public static Page<T> ToPage<T>(IReadOnlyList<T> rows, int limit, Func<T, string> cursorOf) =>
        rows.Count > limit
            ? new Page<T>(rows.Take(limit).ToList(), cursorOf(rows[limit - 1]))
            : new Page<T>(rows, null);
}

/// <summary>
/// Cursors of lists sorted by a non-unique column (see <see cref="KeysetQuery.OrderBy"/>): the last row's id, the sort the
/// cursor belongs to (<c>-amount</c>) and the last row's sort value as invariant text. A cursor decodes only for its own
/// sort, and never as an id <see cref="Cursor"/> (which is exactly 16 bytes), nor the other way round.
/// </summary>
public static class SortCursor
{
    public static string Encode(string sort, string value, Guid lastId)
    {
        var text = Encoding.UTF8.GetBytes($"{sort}\n{value}");
        var bytes = new byte[16 + text.Length];
        lastId.TryWriteBytes(bytes, bigEndian: true, out _);
        text.CopyTo(bytes, 16);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The sort value (as encoded) and id of the row a page starts after; null for a first page (no cursor).</summary>
    public static bool TryDecode(string? cursor, string sort, out (string Value, Guid Id)? after)
    {
        after = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            if (bytes.Length <= 17) return false;
            var parts = Encoding.UTF8.GetString(bytes, 16, bytes.Length - 16).Split('\n');
            if (parts is not [var encodedSort, var value] || encodedSort != sort) return false;
            after = (value, new Guid(bytes.AsSpan(0, 16), bigEndian: true));
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Shared validation of list parameters.</summary>
public interface IPagedQuery
{
    int? Limit { get; }
    string? Cursor { get; }
}
