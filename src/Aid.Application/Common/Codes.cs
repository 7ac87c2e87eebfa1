using System.Collections.Concurrent;
using System.Text;

namespace Aid.Application.Common;

/// <summary>
/// Kinds, methods and statuses are enums inside and snake_case codes outside (JSON, the database):
/// <c>PaymentMethod.BankTransfer</c> ↔ <c>"bank_transfer"</c>. One rule, so no enum needs a hand-written table.
/// </summary>
public static class Codes
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    public static string Code<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        Names.GetOrAdd(value, v => SnakeCase(v.ToString()));

    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(v => v.Code()).ToList();

    /// <summary>The codes of an enum type known only at run time (for documents and messages).</summary>
    public static IReadOnlyList<string> All(Type enumType) =>
        Enum.GetValues(enumType).Cast<Enum>().Select(v => Names.GetOrAdd(v, e => SnakeCase(e.ToString()))).ToList();

    public static bool TryParse<TEnum>(string? code, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
            if (string.Equals(candidate.Code(), code, StringComparison.Ordinal)) { value = candidate; return true; }
        value = default;
        return false;
    }

    public static TEnum Parse<TEnum>(string code) where TEnum : struct, Enum =>
        TryParse<TEnum>(code, out var value) ? value : throw new FormatException($"'{code}' is not a {typeof(TEnum).Name} code.");

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}
