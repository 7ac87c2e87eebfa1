using Aid.Application.Auditing;

namespace Aid.Tests.Audit;

/// <summary>
/// When a programme statement may stand on an earlier full verification (<see cref="LastIntactVerification"/>): only an intact
/// one, only with the very mark it was taken with, only within the configured minutes from its start, and never after a
/// verification that found a problem. The end-to-end cases (SQLite's mark moving on another connection's commit) are in
/// <see cref="TamperTests"/>.
/// </summary>
public sealed class LastIntactVerificationTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromMinutes(60);

    [Fact]
    public void An_intact_verification_is_reused_with_its_own_mark_only()
    {
        var (last, _) = Make(Hour);
        last.Remember("1:7", last.Begin(), Verification(valid: true));
        Assert.True(last.Reusable("1:7")!.Reused);
        Assert.Null(last.Reusable("1:8")); // someone else committed
        Assert.Null(last.Reusable("2:7")); // the writer's connection was opened again
    }

    [Fact]
    public void Reuse_ends_the_configured_time_after_the_verification_began_and_zero_turns_it_off()
    {
        var (last, clock) = Make(Hour);
        var began = last.Begin();
        clock.Advance(TimeSpan.FromSeconds(14)); // the verification itself took a while
        last.Remember("1:7", began, Verification(valid: true));
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(last.Reusable("1:7"));
        clock.Advance(TimeSpan.FromSeconds(46)); // 60 minutes from its start, not from its end
        Assert.Null(last.Reusable("1:7"));

        var (never, _) = Make(TimeSpan.Zero);
        never.Remember("1:7", never.Begin(), Verification(valid: true));
        Assert.Null(never.Reusable("1:7"));
    }

    [Fact]
    public void A_verification_that_finds_a_problem_ends_reuse_and_an_older_one_never_replaces_a_newer_one()
    {
        var (last, clock) = Make(Hour);
        var older = last.Begin();
        var newer = last.Begin(); // at the same clock tick: the order in which they began still decides
        last.Remember("1:7", newer, Verification(valid: false)); // began later, found a problem
        last.Remember("1:7", older, Verification(valid: true)); // began earlier, ended later
        Assert.Null(last.Reusable("1:7"));

        last.Remember("1:9", last.Begin(), Verification(valid: true));
        Assert.NotNull(last.Reusable("1:9"));
        var withoutMark = last.Begin(); // an engine without a mark (or none readable): nothing to reuse after it
        var earlier = last.Begin() with { Order = withoutMark.Order - 1 };
        last.Remember(null, withoutMark, Verification(valid: true));
        Assert.Null(last.Reusable("1:9"));
        last.Remember("1:9", earlier, Verification(valid: true)); // and one begun before it does not come back
        Assert.Null(last.Reusable("1:9"));
    }

    private static (LastIntactVerification Last, ManualClock Clock) Make(TimeSpan reuseFor)
    {
        var clock = new ManualClock();
        return (new LastIntactVerification(new AuditSettings("checkpoints.jsonl", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), reuseFor), clock), clock);
    }

    private static AuditVerification Verification(bool valid) =>
        new(valid, 3, new string('a', 64), valid ? null : 2, valid ? null : "Record 2 is broken.", [], [], 0, 2);

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
