using Aid.Application.Pledges;

namespace Aid.Tests.Application;

public sealed class InstalmentScheduleTests
{
    [Fact]
    public void Yearly_splits_the_total_and_steps_by_year()
    {
        var schedule = InstalmentSchedule.Build(100000, PledgeFrequencies.Yearly, 3, new DateOnly(2021, 9, 1));
        Assert.Equal([33334L, 33333L, 33333L], schedule.Select(i => i.Amount));
        Assert.Equal([new DateOnly(2021, 9, 1), new DateOnly(2022, 9, 1), new DateOnly(2023, 9, 1)], schedule.Select(i => i.DueDate));
        Assert.Equal([1, 2, 3], schedule.Select(i => i.Number));
    }

    [Fact]
    public void Monthly_dates_count_from_the_first_so_month_ends_do_not_drift()
    {
        var schedule = InstalmentSchedule.Build(1200, PledgeFrequencies.Monthly, 4, new DateOnly(2024, 1, 31));
        Assert.Equal([new DateOnly(2024, 1, 31), new DateOnly(2024, 2, 29), new DateOnly(2024, 3, 31), new DateOnly(2024, 4, 30)],
            schedule.Select(i => i.DueDate));
    }

    [Theory]
    [InlineData(PledgeFrequencies.Quarterly, 3)]
    [InlineData(PledgeFrequencies.Term, 6)]
    public void Quarterly_and_term_step_by_three_and_six_months(string frequency, int months)
    {
        var first = new DateOnly(2022, 3, 1);
        var schedule = InstalmentSchedule.Build(500, frequency, 3, first);
        Assert.Equal([first, first.AddMonths(months), first.AddMonths(2 * months)], schedule.Select(i => i.DueDate));
        Assert.Equal(500, schedule.Sum(i => i.Amount));
    }
}
