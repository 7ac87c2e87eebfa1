using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Users;

/// <summary>
/// Checked on every page request: the session's person, if still enabled and the session's stamp is still theirs (a disable,
/// password change or TOTP change issues a new stamp). The role and scope are read fresh, so changes apply at once on this
/// instance and within <see cref="ApiKeys.AuthenticationCache.Bound"/> on others (successful lookups are kept that long).
/// </summary>
public sealed record AuthenticateSession(Guid UserId, string SecurityStamp) : IQuery<Actor?>;

internal sealed class AuthenticateSessionHandler(IDbSession db, ApiKeys.AuthenticationCache cache) : IQueryHandler<AuthenticateSession, Actor?>
{
    public ValueTask<Actor?> Handle(AuthenticateSession query, CancellationToken ct) =>
        cache.GetOrReadAsync(ApiKeys.AuthenticationCache.SessionOf(query.UserId, query.SecurityStamp), () => ReadAsync(query, ct));

    private async ValueTask<Actor?> ReadAsync(AuthenticateSession query, CancellationToken ct)
    {
        var user = await db.QuerySingleOrDefaultAsync<SessionRow>(
            "SELECT role AS Role, donor_id AS DonorId, security_stamp AS SecurityStamp FROM users WHERE id = @id AND disabled_at IS NULL",
            new { id = query.UserId }, ct);
        if (user is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(user.SecurityStamp), System.Text.Encoding.ASCII.GetBytes(query.SecurityStamp)))
            return null;
        var programmes = user.Role is Roles.Manager or Roles.Auditor ? await UserStore.ProgrammesAsync(db, query.UserId, ct) : [];
        return new Actor(null, query.UserId, user.Role, programmes, user.DonorId);
    }

    private sealed class SessionRow
    {
        public required string Role { get; init; }
        public Guid? DonorId { get; init; }
        public required string SecurityStamp { get; init; }
    }
}

/// <summary>
/// <c>admin-link</c> (the command line, so only whoever runs the service can ask): while no admin can sign in with a password,
/// a new one-time link (valid a day) for the first enabled admin; earlier unused links of theirs stop working. Null once an
/// admin has set a password. The first start of a new database issues one by itself (<see cref="ApiKeys.BootstrapAdminKey"/>).
/// </summary>
public sealed record IssueFirstAdminLink : ICommand<OneTimeLink?>;

/// <summary>Whether no enabled admin can sign in with a password yet (asked at every start, to say how to get a link).</summary>
public sealed record NeedsFirstAdminLink : IQuery<bool>;

internal sealed class NeedsFirstAdminLinkHandler(IDbSession db) : IQueryHandler<NeedsFirstAdminLink, bool>
{
    public async ValueTask<bool> Handle(NeedsFirstAdminLink query, CancellationToken ct) =>
        await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND password_hash IS NOT NULL", null, ct) == 0
        && await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL", null, ct) > 0;
}

internal sealed class IssueFirstAdminLinkHandler(IDbSession db, BusinessClock clock, Auditing.AuditRecorder audit)
    : ICommandHandler<IssueFirstAdminLink, OneTimeLink?>
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public async ValueTask<OneTimeLink?> Handle(IssueFirstAdminLink command, CancellationToken ct)
    {
        if (await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND password_hash IS NOT NULL", null, ct) > 0)
            return null;
        var admin = await db.QuerySingleOrDefaultAsync<Guid?>(
            $"SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY created_at, id {db.Dialect.Limit("1")}", null, ct);
        if (admin is not { } id) return null;
        var now = clock.UtcNow();
        await db.ExecuteAsync("UPDATE user_links SET used_at = @now WHERE user_id = @id AND used_at IS NULL", new { id, now }, ct);
        var link = await UserLinkStore.IssueAsync(db, id, LinkPurpose.Password, now, "system", ct, Lifetime);
        audit.Describe("user", id, null, new { link = "password", firstAdmin = true, link.ExpiresAt });
        return link;
    }
}
