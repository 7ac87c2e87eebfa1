using Aid.Application.Batches;

namespace Aid.Api.Pages.Console.Batches;

/// <summary>The batch pages' words, and the academic year people mean on a given day.</summary>
public static class BatchText
{
    public static string Basis(BatchAmountBasis basis) => basis switch
    {
        BatchAmountBasis.AnnualStandard => PageText.T("项目年度标准", "Annual standard"),
        _ => PageText.T("结对资助金额", "Sponsorship amounts"),
    };

    /// <summary>The academic year a date falls in: from August on, the year that starts then ("2026-2027").</summary>
    public static string AcademicYearOf(DateOnly day) =>
        day.Month >= 8 ? $"{day.Year}-{day.Year + 1}" : $"{day.Year - 1}-{day.Year}";

    /// <summary>The status of a batch in words, with what is left to do.</summary>
    public static string Progress(BatchSummaryView b) => b.Status switch
    {
        "requested" => PageText.T($"待审批 {b.Requested} 人", $"{b.Requested} waiting for approval"),
        "approved" => PageText.T($"待支付 {b.Approved} 人", $"{b.Approved} approved, to pay"),
        "paid" => PageText.T($"已支付 {b.Paid} 人", $"{b.Paid} paid"),
        _ => PageText.Status(b.Status),
    };
}
