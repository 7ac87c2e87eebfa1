using System.Buffers.Text;

namespace Aid.Application.Common;

/// <summary>A page of a list: <c>{ items, nextCursor }</c>; the cursor is opaque to clients.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

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
        rows.Count > limit
            ? new Page<T>(rows.Take(limit).ToList(), Encode(id(rows[limit - 1])))
            : new Page<T>(rows, null);
}

/// <summary>Shared validation of list parameters.</summary>
public interface IPagedQuery
{
    int? Limit { get; }
    string? Cursor { get; }
}
