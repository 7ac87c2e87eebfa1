namespace Aid.Application.Common;

public static class TextSearch
{
    /// <summary>
    /// A LIKE pattern (ESCAPE '\') matching the text anywhere, lower-cased for use with lower(column).
    /// Chinese has no case, so 蒋 finds 蒋晟晖 on every engine.
    /// </summary>
    public static string? ContainsPattern(string? text) =>
        string.IsNullOrEmpty(text)
            ? null
            : "%" + text.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
