namespace Aid.Api.Infrastructure;

/// <summary>
/// Problems in the caller's language: Chinese (zh-CN) when Accept-Language prefers zh, English otherwise. Titles here;
/// field messages and <c>detail</c> from <see cref="ChineseMessages"/>, which keeps field names, codes and values as
/// they are. A message without a Chinese entry stays English.
/// </summary>
internal static class ProblemLanguage
{
    private static readonly Dictionary<string, string> Chinese = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Bad Request"] = "请求无效",
        ["Insufficient storage"] = "服务器存储空间不足",
        ["Unauthorized"] = "需要有效的 API 密钥",
        ["Method Not Allowed"] = "不支持此方法",
        ["Not Acceptable"] = "无法提供所要求的格式",
        ["Unsupported Media Type"] = "请求内容类型不受支持",
        ["Too Many Requests"] = "请求过于频繁，请稍后再试",
        ["Too many failed authentications"] = "身份验证失败次数过多，请稍后再试",
        ["Precondition Failed"] = "资源已被修改",
        ["Invalid request"] = "请求无效",
        ["Not found"] = "未找到",
        ["Forbidden"] = "无权执行此操作",
        ["Conflict"] = "与当前状态冲突",
        ["Precondition failed"] = "资源已被修改",
        ["Service unavailable"] = "服务暂不可用",
        ["Request body too large"] = "请求内容过大",
        ["An unexpected error occurred"] = "服务器内部错误",
    };

    public static string? Title(HttpContext context, string? title) =>
        title is not null && PrefersChinese(context) && Chinese.TryGetValue(title, out var zh) ? zh : title;

    /// <summary>A field message or <c>detail</c>: <paramref name="english"/> unless Chinese is preferred and the catalogue knows it.</summary>
    public static string Message(HttpContext context, string english) =>
        PrefersChinese(context) ? ChineseMessages.Translate(english) ?? english : english;

    /// <summary>The <c>errors</c> of a problem with every message in the caller's language (a copy; the same when English).</summary>
    public static IReadOnlyDictionary<string, string[]> Messages(HttpContext context, IReadOnlyDictionary<string, string[]> errors)
    {
        if (!PrefersChinese(context)) return errors;
        var translated = new Dictionary<string, string[]>(errors.Count, StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
            translated[field] = Array.ConvertAll(messages, m => ChineseMessages.Translate(m) ?? m);
        return translated;
    }

    public static bool PrefersChinese(HttpContext context) =>
        context.Request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault() is { } first
        && first.Value.Value?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true;
}
