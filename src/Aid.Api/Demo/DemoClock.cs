namespace Aid.Api.Demo;

/// <summary>
/// The service's clock while <c>seed-demo</c> runs: the demo campaign happens in 2021–2024, so everything the commands date from
/// the clock (audit records, receipts' dates and numbers, reversals, created_at columns) must carry the business moment of its
/// step. The seeder moves it to each step (<see cref="AdvanceTo"/>); between moves it ticks with real time, and it never goes back
/// (audit sequences, seals and receipt numbers expect time to move forward). <see cref="Resume"/> hands over to real time for good.
/// Registered only by <see cref="DemoServices.AddDemoSeeding"/>, which Program.cs calls for <c>seed-demo</c> alone: a running
/// service has no clock that can be moved.
/// </summary>
internal sealed class DemoClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _movedTo = start.ToUniversalTime();
    private long _movedAt = System.GetTimestamp();
    private bool _resumed;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _resumed ? System.GetUtcNow() : _movedTo + System.GetElapsedTime(_movedAt);
    }

    /// <summary>
    /// Moves the clock on to <paramref name="moment"/>; a moment the clock has passed already leaves it ticking where it is
    /// (a step planned for 09:30 after a long step of the same morning happens a little later, never earlier).
    /// </summary>
    public void AdvanceTo(DateTimeOffset moment)
    {
        lock (_gate)
        {
            if (_resumed) throw new InvalidOperationException("The demo clock has resumed real time: it cannot be moved any more.");
            if (moment <= _movedTo + System.GetElapsedTime(_movedAt)) return;
            _movedTo = moment.ToUniversalTime();
            _movedAt = System.GetTimestamp();
        }
    }

    /// <summary>Real time from now on. Refused while the simulated time is ahead of real time: that would make time go back.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            if (_resumed) return;
            var simulated = _movedTo + System.GetElapsedTime(_movedAt);
            if (simulated > System.GetUtcNow())
                throw new InvalidOperationException($"The demo clock is at {simulated:O}, ahead of real time: resuming would move it back.");
            _resumed = true;
        }
    }
}
