using Aid.Application.Common;
using Aid.Application.Sponsorships;
using Aid.Application.Students;

namespace Aid.Api.Pages.Console.Students;

/// <summary>The student and sponsorship pages' codes in words (status, gender, academic years), Chinese first.</summary>
public static class StudentText
{
    public static IReadOnlyList<string> Statuses { get; } = Codes.All<StudentStatus>();

    public static IReadOnlyList<string> Genders { get; } = Codes.All<Gender>();

    public static string Status(string? code) => code switch
    {
        "active" => PageText.T("在读", "In school"),
        "graduated" => PageText.T("已毕业", "Graduated"),
        "withdrawn" => PageText.T("已退学", "Withdrawn"),
        null => "—",
        _ => code,
    };

    public static string Gender(string? code) => code switch
    {
        "female" => PageText.T("女", "Female"),
        "male" => PageText.T("男", "Male"),
        null => "—",
        _ => code,
    };

    /// <summary>An academic year by the year it starts in: 2024 → 2024-2025.</summary>
    public static string Year(int from) => $"{from}-{from + 1}";

    /// <summary>A sponsorship's academic years: "2024-2025" or "2024-2025 至 2026-2027（3 个学年）".</summary>
    public static string Years(SponsorshipView s) => s.FromYear == s.ToYear
        ? PageText.T($"{Year(s.FromYear)} 学年", $"{Year(s.FromYear)}")
        : PageText.T($"{Year(s.FromYear)} 至 {Year(s.ToYear)}（{s.ToYear - s.FromYear + 1} 个学年）",
            $"{Year(s.FromYear)} to {Year(s.ToYear)} ({s.ToYear - s.FromYear + 1} years)");

    /// <summary>The academic year a day falls in, by the year it starts in (it starts in August here, as on the disbursement form).</summary>
    public static int AcademicYearOf(DateOnly day) => day.Month >= 8 ? day.Year : day.Year - 1;

    /// <summary>Under the consent age on <paramref name="today"/> and no consent recorded: not to be sponsored or paid yet.</summary>
    public static bool NeedsConsent(StudentView s, DateOnly today) =>
        s.BirthDate is { } birth && StudentRules.AgeOn(birth, today) < StudentRules.ConsentAge
        && (s.ConsentDate is null || string.IsNullOrWhiteSpace(s.ConsentReference));

    /// <summary>The name a staff page shows (the masked one where the role sees no more).</summary>
    public static string Name(StudentView s) => s.Name ?? s.MaskedName ?? s.GivenNameInitial ?? "—";
}
