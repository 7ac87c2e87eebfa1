namespace Aid.Application.Auditing;

/// <summary>
/// The last full verification, with the engine's foreign-commit mark taken just before it began
/// (<see cref="Common.IDbSession.ForeignCommitMarkAsync"/>). A programme statement reuses it instead of verifying again if it found
/// the trail intact and the mark has not moved since — nobody but this service's commands has committed, and each of those writes
/// the digests of the rows it writes in its own transaction, after checking the rows of an entity it changes — for at most
/// <see cref="AuditSettings.ReuseVerificationFor"/> from the moment it began: edits that bypass SQLite altogether (bytes of the
/// file) move no mark, and only a full verification finds them. A verification that finds a problem, or one without a mark, is
/// remembered too, so nothing is reused after it. One per service (singleton); a new process starts without one.
/// </summary>
public sealed class LastIntactVerification(AuditSettings settings, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _started;
    private Remembered? _last;

    /// <summary>Marks the start of a verification, before it reads anything: pass it to <see cref="Remember"/>.</summary>
    public VerificationStart Begin() => new(Interlocked.Increment(ref _started), time.GetTimestamp());

    /// <summary>The remembered verification if it was intact, was taken with <paramref name="mark"/> and began recently enough; else null.</summary>
    public AuditVerification? Reusable(string mark)
    {
        Remembered? last;
        lock (_lock) last = _last;
        if (last is null || !last.Verification.Valid || last.Mark != mark || time.GetElapsedTime(last.Start.Timestamp) >= settings.ReuseVerificationFor)
            return null;
        return last.Verification with { Reused = true };
    }

    /// <summary>Keeps the answer of the verification begun at <paramref name="start"/>, unless one begun later is kept already.</summary>
    public void Remember(string? mark, VerificationStart start, AuditVerification verification)
    {
        lock (_lock)
        {
            if (_last is { } kept && kept.Start.Order > start.Order) return;
            _last = new Remembered(mark, start, verification);
        }
    }

    private sealed record Remembered(string? Mark, VerificationStart Start, AuditVerification Verification);
}

/// <summary>When a verification began: its place among all begun in this process, and the clock's timestamp.</summary>
public readonly record struct VerificationStart(long Order, long Timestamp);
