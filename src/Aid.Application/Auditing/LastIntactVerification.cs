namespace Aid.Application.Auditing;

/// <summary>
/// The last full verification, with the engine's foreign-commit mark taken just before it began
/// (<see cref="Common.IDbSession.ForeignCommitMarkAsync"/>). A programme statement reuses it instead of verifying again if it found
/// the trail intact and the mark has not moved since — nobody but this service's commands has committed, and each of those writes
/// the digests of the rows it writes in its own transaction, after checking the rows of an entity it changes — for at most
/// <see cref="AuditSettings.ReuseVerificationFor"/> from the moment it began: edits that bypass SQLite altogether (bytes of the
/// file) move no mark, and only a full verification finds them. A verification that finds a problem is remembered too, so nothing
/// is reused after it. One per service (singleton); a new process starts without one.
/// </summary>
public sealed class LastIntactVerification(AuditSettings settings, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Remembered? _last;

    /// <summary>A timestamp for <see cref="Remember"/>, taken before the verification reads anything.</summary>
    public long Begin() => time.GetTimestamp();

    /// <summary>The remembered verification if it was intact, was taken with <paramref name="mark"/> and began recently enough; else null.</summary>
    public AuditVerification? Reusable(string mark)
    {
        Remembered? last;
        lock (_lock) last = _last;
        if (last is null || !last.Verification.Valid || last.Mark != mark || time.GetElapsedTime(last.Began) >= settings.ReuseVerificationFor) return null;
        return last.Verification with { Reused = true };
    }

    /// <summary>Keeps the answer of a verification that began at <paramref name="began"/>, unless one that began later is kept already.</summary>
    public void Remember(string? mark, long began, AuditVerification verification)
    {
        lock (_lock)
        {
            if (_last is { } kept && kept.Began > began) return;
            _last = mark is null ? null : new Remembered(mark, began, verification);
        }
    }

    private sealed record Remembered(string Mark, long Began, AuditVerification Verification);
}
