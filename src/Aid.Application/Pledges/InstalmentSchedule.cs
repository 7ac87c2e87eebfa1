using Aid.Application.Common;

namespace Aid.Application.Pledges;

public static class PledgeFrequencies
{
    public const string Monthly = "monthly";
    public const string Quarterly = "quarterly";
    public const string Yearly = "yearly";
    /// <summary>One instalment per school term: every six months from the first due date.</summary>
    public const string Term = "term";
    /// <summary>An explicit list of instalments.</summary>
    public const string Custom = "custom";

    public static readonly IReadOnlyList<string> Regular = [Monthly, Quarterly, Yearly, Term];
}

public sealed record ScheduledInstalment(int Number, DateOnly DueDate, long Amount);

/// <summary>A pledge's instalments: due dates by frequency, amounts by the largest-remainder split.</summary>
public static class InstalmentSchedule
{
    public const int MaxInstalments = 120;

    public static IReadOnlyList<ScheduledInstalment> Build(long total, string frequency, int count, DateOnly firstDueDate)
    {
        var months = frequency switch
        {
            PledgeFrequencies.Monthly => 1,
            PledgeFrequencies.Quarterly => 3,
            PledgeFrequencies.Term => 6,
            PledgeFrequencies.Yearly => 12,
            _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Not a regular frequency."),
        };
        var amounts = Allocation.Split(total, count);
        // Each date is counted from the first (not from the previous), so 31 Jan → 28 Feb → 31 Mar.
        return amounts.Select((amount, i) => new ScheduledInstalment(i + 1, firstDueDate.AddMonths(months * i), amount)).ToList();
    }
}
