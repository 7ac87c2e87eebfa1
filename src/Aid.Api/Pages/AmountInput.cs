using System.Globalization;
using System.Text;
using Aid.Application.Common;

namespace Aid.Api.Pages;

/// <summary>What is wrong with an amount or a quantity as typed (None when it was understood).</summary>
public enum InputProblem { None, Missing, NotANumber, Negative, Zero, Decimals, Grouping, TooLarge }

/// <summary>
/// Amounts and quantities as people type them on a form, made into what the application takes: <c>1000</c>, <c>1,000.00</c>,
/// <c>1000.5</c>, <c>１０００</c> (full-width digits), <c>¥1,000</c>, <c>1000元</c> all become <c>"1000.00"</c>-style strings that
/// <see cref="Money.TryParse"/> accepts. Anything that could be read two ways is refused rather than guessed: a comma that is not
/// a thousands separator (<c>1,00</c>, <c>1000,5</c>), a third decimal, a sign, letters. The API itself stays strict.
/// </summary>
public static class AmountInput
{
    /// <summary>The most decimals a quantity of goods has (the API's rule).</summary>
    public const int QuantityDecimals = 3;

    private const int QuantityIntegerDigits = 12;

    /// <summary>
    /// The amount in Aid's form (<c>"1000.50"</c>), or the problem. <paramref name="currency"/> is the programme's: its code may
    /// stand before or after the number, and for CNY also ¥, ￥, RMB, 人民币 before and 元 after it.
    /// </summary>
    public static InputProblem TryAmount(string? text, string currency, out string amount)
    {
        amount = "";
        var problem = Read(text, Markers(currency), 2, Money.MaxIntegerDigits, out var integer, out var fraction);
        if (problem != InputProblem.None) return problem;
        var normal = $"{integer}.{fraction.PadRight(2, '0')}";
        if (!Money.TryParse(normal, out var minor, out _)) return InputProblem.NotANumber; // cannot happen after Read; never guess
        if (minor == 0) return InputProblem.Zero;
        amount = normal;
        return InputProblem.None;
    }

    /// <summary>A quantity of goods (more than zero, at most three decimals), typed like an amount without a currency.</summary>
    public static InputProblem TryQuantity(string? text, out decimal quantity)
    {
        quantity = 0;
        var problem = Read(text, [], QuantityDecimals, QuantityIntegerDigits, out var integer, out var fraction);
        if (problem != InputProblem.None) return problem;
        quantity = decimal.Parse(fraction.Length == 0 ? integer : $"{integer}.{fraction}", NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return quantity == 0 ? InputProblem.Zero : InputProblem.None;
    }

    /// <summary>The message beside an amount field.</summary>
    public static string AmountMessage(InputProblem problem) => problem switch
    {
        InputProblem.Missing => PageText.T("请填写金额，例如 1000 或 1,000.50。", "Enter the amount, e.g. 1000 or 1,000.50."),
        InputProblem.Negative => PageText.T("金额不能是负数。要更正已记录的款项，请打开那条记录并选择“冲销”。", "An amount cannot be negative. To correct a recorded amount, open its record and reverse it."),
        InputProblem.Zero => PageText.T("金额必须大于零。", "The amount must be more than zero."),
        InputProblem.Decimals => PageText.T("金额最多两位小数（精确到分），例如 1000.50。", "An amount has at most two decimals, e.g. 1000.50."),
        InputProblem.Grouping => PageText.T("逗号只能用作千位分隔符，例如 1,000.50；小数点请用“.”。", "A comma only separates thousands, e.g. 1,000.50; decimals follow a dot."),
        InputProblem.TooLarge => PageText.T("金额太大：整数部分最多 12 位。", "The amount is too large: at most 12 digits before the dot."),
        _ => PageText.T("金额只能填写数字，例如 1000、1,000.50 或 ¥1000。", "An amount is a number, e.g. 1000, 1,000.50 or ¥1000."),
    };

    /// <summary>The message beside a quantity field.</summary>
    public static string QuantityMessage(InputProblem problem) => problem switch
    {
        InputProblem.Missing => PageText.T("请填写数量，例如 200。", "Enter the quantity, e.g. 200."),
        InputProblem.Negative or InputProblem.Zero => PageText.T("数量必须大于零。", "The quantity must be more than zero."),
        InputProblem.Decimals => PageText.T("数量最多三位小数。", "A quantity has at most three decimals."),
        InputProblem.Grouping => PageText.T("逗号只能用作千位分隔符，例如 1,200；小数点请用“.”。", "A comma only separates thousands, e.g. 1,200; decimals follow a dot."),
        InputProblem.TooLarge => PageText.T("数量太大。", "The quantity is too large."),
        _ => PageText.T("数量只能填写数字，例如 200 或 12.5。", "A quantity is a number, e.g. 200 or 12.5."),
    };

    private static string[] Markers(string currency) => currency == "CNY"
        ? ["人民币", "RMB", "CNY", "¥", "元"]
        : [currency];

    /// <summary>
    /// The digits before and after the decimal point (leading zeros and thousands separators gone), or the problem.
    /// Full-width characters count as their ASCII twins (NFKC), the ideographic full stop 。 as a decimal point.
    /// </summary>
    private static InputProblem Read(string? text, string[] markers, int maxDecimals, int maxIntegerDigits, out string integer, out string fraction)
    {
        integer = fraction = "";
        if (string.IsNullOrWhiteSpace(text)) return InputProblem.Missing;
        var s = text.Normalize(NormalizationForm.FormKC).Replace('。', '.').Replace('\u2212', '-');
        s = Collapse(s);

        var negative = false;
        for (var pass = 0; pass < 2; pass++) // "-¥1,000", "¥-1,000", "¥ 1,000 元"
        {
            if (s.StartsWith('-')) { negative = true; s = s[1..].Trim(); }
            foreach (var marker in markers)
            {
                if (s.StartsWith(marker, StringComparison.OrdinalIgnoreCase)) s = s[marker.Length..].Trim();
                if (s.EndsWith(marker, StringComparison.OrdinalIgnoreCase)) s = s[..^marker.Length].Trim();
            }
        }
        if (s.Length == 0) return InputProblem.NotANumber;
        foreach (var c in s)
            if (c is not (>= '0' and <= '9' or ',' or '.')) return InputProblem.NotANumber;
        if (!s.Any(char.IsAsciiDigit)) return InputProblem.NotANumber;

        var dot = s.IndexOf('.');
        if (dot >= 0 && s.IndexOf('.', dot + 1) >= 0) return s.Contains(',') ? InputProblem.Grouping : InputProblem.NotANumber; // 1.000.000,50
        var whole = dot < 0 ? s : s[..dot];
        var part = dot < 0 ? "" : s[(dot + 1)..];
        if (part.Contains(',')) return InputProblem.Grouping;
        if (whole.Contains(','))
        {
            var groups = whole.Split(',');
            if (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3)) return InputProblem.Grouping;
            whole = string.Concat(groups);
        }
        whole = whole.TrimStart('0');
        if (whole.Length == 0) whole = "0";
        if (negative) return InputProblem.Negative;
        if (part.Length > maxDecimals) return InputProblem.Decimals;
        if (whole.Length > maxIntegerDigits) return InputProblem.TooLarge;
        (integer, fraction) = (whole, part);
        return InputProblem.None;
    }

    /// <summary>Trimmed, with the spaces between a sign or currency and the number kept out of the way (every kind of space is one).</summary>
    private static string Collapse(string s)
    {
        var text = new StringBuilder(s.Length);
        foreach (var c in s.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
                continue;
            }
            text.Append(c);
        }
        return text.ToString();
    }
}
