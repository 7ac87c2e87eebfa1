using System.Globalization;
using Aid.Application.Common;

namespace Aid.Api.Pages.Console.Gifts;

/// <summary>Dates on the gift pages: what a date field sends (yyyy-MM-dd), and what people type where there is no date picker.</summary>
public static class GiftDates
{
    private static readonly string[] Formats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd"];

    public static bool TryRead(string? text, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Normalize(System.Text.NormalizationForm.FormKC).Trim();
        // 2024年9月5日
        s = s.Replace('年', '-').Replace('月', '-').TrimEnd('日');
        return DateOnly.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
               && date >= BusinessDates.Earliest && date <= BusinessDates.Latest;
    }

    public static string FormatMessage() =>
        PageText.T("请按“年-月-日”填写日期，例如 2024-09-05。", "Enter a date as year-month-day, e.g. 2024-09-05.");
}
