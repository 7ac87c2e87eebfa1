using System.Text;
using Aid.Application.Auditing;

namespace Aid.Tests.Audit;

/// <summary>
/// <see cref="TrialBalanceRuns"/> proves the trial balance only where the grouped queries would find nothing: each case below
/// is postings in the order a scan reads them.
/// </summary>
public sealed class TrialBalanceRunsTests
{
    private const string P = "programme-a", Q = "programme-b";

    private static bool Proved(params (string Entry, string Programme, long Amount)[] postings)
    {
        var balance = new TrialBalanceRuns();
        foreach (var (entry, programme, amount) in postings) balance.Add(Encoding.UTF8.GetBytes(entry), Encoding.UTF8.GetBytes(programme), amount);
        return balance.Proved;
    }

    [Fact]
    public void Entries_written_together_that_balance_are_proved() =>
        Assert.True(Proved(("e1", P, 100), ("e1", P, -100), ("e2", Q, 5), ("e2", Q, -3), ("e2", Q, -2), ("e3", P, 7), ("e3", P, -7)));

    [Fact]
    public void No_postings_at_all_are_balanced() => Assert.True(Proved());

    [Fact]
    public void An_entry_that_does_not_balance_is_not_proved_wherever_it_is()
    {
        Assert.False(Proved(("e1", P, 100), ("e1", P, -99), ("e2", P, 1), ("e2", P, -1)));
        Assert.False(Proved(("e1", P, 100), ("e1", P, -100), ("e2", P, 1), ("e2", P, -2))); // the last run
        Assert.False(Proved(("e1", P, 1)));
    }

    [Fact]
    public void An_entry_split_into_runs_is_proved_only_when_each_run_balances()
    {
        Assert.True(Proved(("e1", P, 100), ("e1", P, -100), ("e2", P, 1), ("e2", P, -1), ("e1", P, 5), ("e1", P, -5)));
        // e1 balances as a whole (+100 … -100) but not run by run: the grouped queries decide, not this.
        Assert.False(Proved(("e1", P, 100), ("e2", P, 1), ("e2", P, -1), ("e1", P, -100)));
    }

    [Fact]
    public void An_entry_across_programmes_is_not_proved_even_when_it_balances() =>
        Assert.False(Proved(("e1", P, 100), ("e1", Q, -100))); // each programme is then 100 off

    [Fact]
    public void A_sum_that_overflows_is_not_proved() =>
        Assert.False(Proved(("e1", P, long.MaxValue), ("e1", P, 1), ("e1", P, long.MinValue), ("e1", P, -1 + 1)));

    [Fact]
    public void A_posting_not_stored_as_Aid_stores_it_leaves_the_balance_to_the_queries()
    {
        var balance = new TrialBalanceRuns();
        balance.Add("e1"u8, "p"u8, 1);
        balance.Add("e1"u8, "p"u8, -1);
        balance.Unreadable();
        Assert.False(balance.Proved);
    }
}
