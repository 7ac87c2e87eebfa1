namespace Aid.Application.Auditing;

/// <summary>
/// The last full verification that found the trail intact, with the engine's foreign-commit mark taken just before it began
/// (<see cref="Common.IDbSession.ForeignCommitMarkAsync"/>). A programme statement reuses it instead of verifying again while
/// the mark has not moved — nobody but this service's commands has committed since, and each of those writes the digests of
/// the rows it changes in its own transaction, after checking the rows of an entity it changes — and for at most
/// <see cref="AuditSettings.ReuseVerificationFor"/>: edits that bypass SQLite altogether (bytes of the file) move no mark, and only
/// a full verification finds them. One per service (singleton); a new process starts without one.
/// </summary>
public sealed class LastIntactVerification(AuditSettings settings, TimeProvider time)
{
    private Remembered? _last;

    /// <summary>The remembered verification if <paramref name="mark"/> is the one it was taken with and it is recent enough, else null.</summary>
    public AuditVerification? Reusable(string mark)
    {
        var last = Volatile.Read(ref _last);
        if (last is null || last.Mark != mark || time.GetElapsedTime(last.Taken) >= settings.ReuseVerificationFor) return null;
        return last.Verification with { Reused = true };
    }

    public void Remember(string mark, AuditVerification verification)
    {
        if (verification.Valid && settings.ReuseVerificationFor > TimeSpan.Zero)
            Volatile.Write(ref _last, new Remembered(mark, verification, time.GetTimestamp()));
    }

    private sealed record Remembered(string Mark, AuditVerification Verification, long Taken);
}
