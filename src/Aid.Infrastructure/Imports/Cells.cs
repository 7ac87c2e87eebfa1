using System.Globalization;
using System.Text.RegularExpressions;

namespace Aid.Infrastructure.Imports;

/// <summary>The clean-up every layout shares (IMPORT-FORMATS.md, finding 5).</summary>
internal static partial class Cells
{
    /// <summary>
    /// Trims spaces, TABs and full-width spaces (Alipay pads to ~20 characters; WeChat, ICBC and Alipay append \t to ids),
    /// drops the leading ` of WeChat merchant bills, and reads "/" (WeChat, Alipay) and "-" (ICBC) as empty.
    /// </summary>
    public static string? Clean(string? raw)
    {
        if (raw is null) return null;
        var text = raw.Trim(' ', '\t', '\u3000', '\r', '\n');
        if (text.StartsWith('`')) text = text[1..].Trim(' ', '\t', '\u3000');
        return text is "" or "/" or "-" or "--" ? null : text;
    }

    /// <summary>A header name compared without spaces (CCB pads its headers; full-width spaces too).</summary>
    public static string HeaderKey(string raw) =>
        string.Concat(raw.Where(c => !char.IsWhiteSpace(c) && c != '\u3000' && c != '`' && c != '\uFEFF'));

    /// <summary>The index of the first cell of <paramref name="header"/> whose name is one of <paramref name="names"/>, or -1.</summary>
    public static int Index(SheetRow header, params string[] names)
    {
        for (var i = 0; i < header.Cells.Length; i++)
        {
            var key = HeaderKey(header.Cells[i]);
            foreach (var name in names)
                if (string.Equals(key, HeaderKey(name), StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>
    /// An amount in fen: "28.16", "¥28.16", "￥1,234.56", "+10000.00" (signed columns), or a sheet's number cell
    /// (written by the sheet reader in invariant form). Null with <paramref name="error"/> set when it is not an amount;
    /// null without error when the cell is empty. At most two decimals; no exponent (Excel's 1.2E+3 is damage, not money).
    /// </summary>
    public static long? Fen(string? raw, out string? error)
    {
        error = null;
        var text = Clean(raw);
        if (text is null) return null;
        text = text.Replace("¥", "").Replace("￥", "").Replace(",", "").Replace("，", "").Trim();
        var negative = false;
        if (text.StartsWith('+')) text = text[1..];
        else if (text.StartsWith('-')) { negative = true; text = text[1..]; }
        if (!AmountPattern().IsMatch(text))
        {
            error = "not an amount";
            return null;
        }
        var value = decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (decimal.Round(value, 2) != value)
        {
            error = "more than two decimals";
            return null;
        }
        var fen = (long)(value * 100);
        return negative ? -fen : fen;
    }

    /// <summary>True for what Excel makes of a long id it read as a number: 4.2E+27, 4.00123E+27.</summary>
    public static bool LooksLikeExcelNumber(string? text) => text is not null && ScientificPattern().IsMatch(text.Trim());

    [GeneratedRegex(@"^\d{1,12}(\.\d+)?$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^\d(\.\d+)?[eE]\+\d+$")]
    private static partial Regex ScientificPattern();
}
