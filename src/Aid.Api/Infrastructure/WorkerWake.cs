namespace Aid.Api.Infrastructure;

/// <summary>
/// Wakes a background worker of this app at once instead of at its next poll (registered once per app, a singleton per
/// worker type). Another instance on the same database is not woken: it finds the work at its next poll.
/// </summary>
internal sealed class WorkerWake<TWorker>
{
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Work was committed: the worker's next (or current) wait ends at once.</summary>
    public void Signal()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    /// <summary>Waits for a <see cref="Signal"/> (true), or <paramref name="poll"/> at most (false).</summary>
    public Task<bool> WaitAsync(TimeSpan poll, CancellationToken ct) => _wake.WaitAsync(poll, ct);
}
