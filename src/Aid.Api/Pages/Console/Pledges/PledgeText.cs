using Aid.Application.Pledges;

namespace Aid.Api.Pages.Console.Pledges;

/// <summary>The pledge pages' codes in words (statuses, frequencies, instalment statuses) and the schedule in one line, Chinese first.</summary>
public static class PledgeText
{
    /// <summary>The frequencies a regular schedule can have, then <c>custom</c> (the instalments listed one by one).</summary>
    public static IReadOnlyList<string> Schedules { get; } =
        [PledgeFrequencies.Yearly, PledgeFrequencies.Term, PledgeFrequencies.Quarterly, PledgeFrequencies.Monthly, PledgeFrequencies.Custom];

    public static IReadOnlyList<string> Statuses => ListProgrammePledgesValidator.Statuses;

    public static string Status(string status) => status switch
    {
        PledgeStatus.Open => PageText.T("履行中", "Open"),
        PledgeStatus.Fulfilled => PageText.T("已履行", "Fulfilled"),
        PledgeStatus.Cancelled => PageText.T("已取消", "Cancelled"),
        PledgeStatus.WrittenOff => PageText.T("已核销", "Written off"),
        _ => status,
    };

    public static string Frequency(string frequency) => frequency switch
    {
        PledgeFrequencies.Monthly => PageText.T("每月一期", "Monthly"),
        PledgeFrequencies.Quarterly => PageText.T("每季度一期", "Quarterly"),
        PledgeFrequencies.Yearly => PageText.T("每年一期", "Yearly"),
        PledgeFrequencies.Term => PageText.T("每学期一期（每半年）", "Each school term (every six months)"),
        PledgeFrequencies.Custom => PageText.T("逐期填写日期和金额", "Dates and amounts listed one by one"),
        _ => frequency,
    };

    private static string FrequencyShort(string frequency) => frequency switch
    {
        PledgeFrequencies.Monthly => PageText.T("每月", "monthly"),
        PledgeFrequencies.Quarterly => PageText.T("每季度", "quarterly"),
        PledgeFrequencies.Yearly => PageText.T("每年", "yearly"),
        PledgeFrequencies.Term => PageText.T("每学期", "each term"),
        PledgeFrequencies.Custom => PageText.T("自定", "custom"),
        _ => frequency,
    };

    /// <summary>"每年 · 共 3 期 · 2021-09-01 至 2023-09-01" (one instalment: "一次付清 · 2021-09-01").</summary>
    public static string Schedule(string frequency, int count, DateOnly first, DateOnly last) => count == 1
        ? PageText.T($"一次付清 · {first:yyyy-MM-dd}", $"one payment · {first:yyyy-MM-dd}")
        : PageText.T($"{FrequencyShort(frequency)} · 共 {count} 期 · {first:yyyy-MM-dd} 至 {last:yyyy-MM-dd}",
            $"{FrequencyShort(frequency)} · {count} instalments · {first:yyyy-MM-dd} to {last:yyyy-MM-dd}");

    public static string Instalment(string status) => status switch
    {
        InstalmentStatus.Paid => PageText.T("已付清", "Paid"),
        InstalmentStatus.PartlyPaid => PageText.T("部分已付", "Partly paid"),
        InstalmentStatus.Unpaid => PageText.T("待付", "Due"),
        InstalmentStatus.Overdue => PageText.T("逾期", "Overdue"),
        _ => status,
    };
}
