using System.Globalization;

namespace Aid.Application.Common;

/// <summary>
/// Amounts are integer minor units (fen, cents) inside and decimal strings with two places outside:
/// "1234.56". No floating point is ever involved.
/// </summary>
public static class Money
{
    public const int MaxIntegerDigits = 12;

    /// <summary>Currencies with two minor digits that Aid accepts (ISO 4217).</summary>
    public static readonly IReadOnlySet<string> Currencies =
        new HashSet<string>(StringComparer.Ordinal) { "CNY", "HKD", "MOP", "TWD", "USD", "EUR", "GBP", "AUD", "CAD", "SGD", "CHF", "NZD" };

    /// <summary>
    /// Accepts 1–12 ASCII digits, optionally followed by a dot and one or two digits. Rejects signs,
    /// exponents, separators, spaces, leading zeros ("01") and anything else.
    /// </summary>
    public static bool TryParse(string? text, out long minor, out string error)
    {
        minor = 0;
        error = "";
        if (string.IsNullOrEmpty(text)) { error = "An amount is required, e.g. \"1000.00\"."; return false; }

        var dot = text.IndexOf('.');
        var integerPart = dot < 0 ? text.AsSpan() : text.AsSpan(0, dot);
        var fractionPart = dot < 0 ? ReadOnlySpan<char>.Empty : text.AsSpan(dot + 1);

        if (integerPart.Length == 0 || !IsAsciiDigits(integerPart) || (dot >= 0 && (fractionPart.Length == 0 || !IsAsciiDigits(fractionPart))))
        {
            error = "An amount is digits with an optional dot and at most two decimals, e.g. \"1000.00\" (no sign, exponent, separators or spaces).";
            return false;
        }
        if (fractionPart.Length > 2) { error = "An amount has at most two decimals."; return false; }
        if (integerPart.Length > MaxIntegerDigits) { error = $"An amount has at most {MaxIntegerDigits} integer digits."; return false; }
        if (integerPart.Length > 1 && integerPart[0] == '0') { error = "An amount has no leading zeros."; return false; }

        var units = long.Parse(integerPart, NumberStyles.None, CultureInfo.InvariantCulture);
        var cents = 0L;
        if (fractionPart.Length > 0)
        {
            cents = long.Parse(fractionPart, NumberStyles.None, CultureInfo.InvariantCulture);
            if (fractionPart.Length == 1) cents *= 10;
        }
        minor = checked(units * 100 + cents);
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var minor, out var error) ? minor : throw new FormatException(error);

    /// <summary>Two decimals, invariant, minus sign for negatives: 123456 → "1234.56".</summary>
    public static string Format(long minor)
    {
        // The magnitude unsigned, so long.MinValue has one too; integers only (a statement formats millions of amounts).
        var magnitude = unchecked(minor < 0 ? 0UL - (ulong)minor : (ulong)minor);
        var (units, cents) = Math.DivRem(magnitude, 100UL);
        return string.Create(CultureInfo.InvariantCulture, $"{(minor < 0 ? "-" : "")}{units}.{cents:00}");
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
            if (c is < '0' or > '9') return false;
        return true;
    }
}
