using System.Globalization;
using Aid.Api.Infrastructure;

namespace Aid.Api.Pages;

/// <summary>
/// The pages' two languages side by side where they are written (Chinese first): <c>@T("登录", "Sign in")</c>. Messages that
/// come from the application (validation, rules) are English there and shown in Chinese through <see cref="ChineseMessages"/>.
/// </summary>
public static class PageText
{
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string T(string chinese, string english) => IsEnglish ? english : chinese;

    public static string Message(string english) => IsEnglish ? english : ChineseMessages.Translate(english) ?? english;

    public static string Role(string role) => role switch
    {
        "admin" => T("管理员", "Admin"),
        "manager" => T("项目经理", "Manager"),
        "auditor" => T("审计员", "Auditor"),
        "donor" => T("捐赠人", "Donor"),
        _ => role,
    };

    /// <summary>The aria-invalid value of a form field: "true" when the field has an error to show.</summary>
    public static string Invalid(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state, string field) =>
        state.TryGetValue(field, out var entry) && entry.Errors.Count > 0 ? "true" : "false";

    /// <summary>Money as people read it: ¥1,234.50 in Chinese, CNY 1,234.50 in English (amounts come as "1234.50").</summary>
    public static string Money(string amount, string currency = "CNY")
    {
        var minor = Aid.Application.Common.Money.Parse(amount);
        return Money(minor, currency);
    }

    public static string Money(long minor, string currency = "CNY")
    {
        var text = (Math.Abs(minor) / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);
        var sign = minor < 0 ? "-" : "";
        return IsEnglish || currency != "CNY" ? $"{sign}{currency} {text}" : $"{sign}¥{text}";
    }

    /// <summary>A programme's, disbursement's or gift's status code in words.</summary>
    public static string Status(string status) => status switch
    {
        "planned" => T("筹备中", "Planned"),
        "active" => T("进行中", "Active"),
        "closed" => T("已结束", "Closed"),
        "requested" => T("待审批", "Requested"),
        "approved" => T("已批准", "Approved"),
        "paid" => T("已支付", "Paid"),
        "rejected" => T("已驳回", "Rejected"),
        "reversed" => T("已冲销", "Reversed"),
        _ => status,
    };

    /// <summary>A moment in Beijing time, as people here read it.</summary>
    public static string Time(DateTimeOffset? moment) =>
        moment is { } m ? m.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";
}
