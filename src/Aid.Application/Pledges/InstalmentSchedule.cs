using Aid.Application.Common;

namespace Aid.Application.Pledges;

/// <summary>How often a regular pledge falls due. Codes <c>monthly</c>, <c>quarterly</c>, <c>yearly</c>, <c>term</c> (see <see cref="Codes"/>).</summary>
public enum PledgeFrequency
{
    Monthly,
    Quarterly,
    Yearly,
    /// <summary>One instalment per school term: every six months from the first due date.</summary>
    Term,
}

/// <summary>The frequency codes as stored in <c>pledges.frequency</c>: the regular ones of <see cref="PledgeFrequency"/>, and <c>custom</c>.</summary>
public static class PledgeFrequencies
{
    public const string Monthly = "monthly";
    public const string Quarterly = "quarterly";
    public const string Yearly = "yearly";
    /// <summary>One instalment per school term: every six months from the first due date.</summary>
    public const string Term = "term";
    /// <summary>An explicit list of instalments.</summary>
    public const string Custom = "custom";
}

public sealed record ScheduledInstalment(int Number, DateOnly DueDate, long Amount);

/// <summary>A pledge's instalments: due dates by frequency, amounts by the largest-remainder split.</summary>
public static class InstalmentSchedule
{
    public const int MaxInstalments = 120;

    public static IReadOnlyList<ScheduledInstalment> Build(long total, PledgeFrequency frequency, int count, DateOnly firstDueDate)
    {
        var months = frequency switch
        {
            PledgeFrequency.Monthly => 1,
            PledgeFrequency.Quarterly => 3,
            PledgeFrequency.Term => 6,
            PledgeFrequency.Yearly => 12,
            _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Not a regular frequency."),
        };
        var amounts = Allocation.Split(total, count);
        // Each date is counted from the first (not from the previous), so 31 Jan → 28 Feb → 31 Mar.
        return amounts.Select((amount, i) => new ScheduledInstalment(i + 1, firstDueDate.AddMonths(months * i), amount)).ToList();
    }

    /// <summary>The same by code (<c>monthly</c>, <c>quarterly</c>, <c>yearly</c>, <c>term</c>).</summary>
    public static IReadOnlyList<ScheduledInstalment> Build(long total, string frequency, int count, DateOnly firstDueDate) =>
        Codes.TryParse<PledgeFrequency>(frequency, out var parsed)
            ? Build(total, parsed, count, firstDueDate)
            : throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Not a regular frequency.");
}
