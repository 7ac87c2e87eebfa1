namespace Aid.Application.Common;

/// <summary>
/// Maps the names actors are recorded under (an API key id, "user:&lt;id&gt;" for a page session, "system") to the person
/// behind them, so rules between people (four eyes) hold through any mix of keys and sessions. Records keep the names
/// they were written with; the mapping is a join on api_keys.user_id.
/// </summary>
public static class People
{
    public const string SessionPrefix = "user:";

    /// <summary>The person behind a recorded actor name; null for "system" or a name that maps to no one.</summary>
    public static async Task<Guid?> UserOfAsync(IDbSession db, string? actor, CancellationToken ct)
    {
        if (actor is null) return null;
        if (actor.StartsWith(SessionPrefix, StringComparison.Ordinal))
            return Guid.TryParse(actor.AsSpan(SessionPrefix.Length), out var user) ? user : null;
        if (!Guid.TryParse(actor, out var keyId)) return null;
        return await db.QuerySingleOrDefaultAsync<Guid?>("SELECT user_id FROM api_keys WHERE id = @keyId", new { keyId }, ct);
    }

    /// <summary>Whether the recorded actor is the same person as the caller.</summary>
    public static async Task<bool> IsSamePersonAsync(IDbSession db, string? recordedActor, Actor? caller, CancellationToken ct) =>
        caller is not null && await UserOfAsync(db, recordedActor, ct) == caller.UserId;
}
