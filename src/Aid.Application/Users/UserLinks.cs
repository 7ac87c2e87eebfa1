using Aid.Application.ApiKeys;
using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Users;

/// <summary>What a one-time link lets its holder do: set their password (invitation, reset, first admin), or sign in (donor invitations).</summary>
public enum LinkPurpose { Password, SignIn }

/// <summary>A one-time link's token (shown once; only its hash is stored) and when it stops working.</summary>
public sealed record OneTimeLink(string Token, LinkPurpose Purpose, DateTimeOffset ExpiresAt)
{
    /// <summary>The page that takes the token, relative to the service's address.</summary>
    public string Path => "/signin/link/" + Token;
}

/// <summary>Issues a one-time link for a person (admins): a password link ends the person's open sessions only once it is used.</summary>
public sealed record IssueUserLink(Guid UserId, LinkPurpose Purpose) : ICommand<OneTimeLink>;

/// <summary>What the link page shows before the link is used (a GET must not use it up: mail scanners follow links).</summary>
public sealed record DescribeUserLink(string Token) : IQuery<UserLinkView?>;

public sealed record UserLinkView(LinkPurpose Purpose, string DisplayName, bool NeedsLogin, DateTimeOffset ExpiresAt);

/// <summary>Uses a sign-in link: one use, before it expires; then on like a password sign-in (code or enrolment if needed).</summary>
public sealed record SignInWithLink(string Token) : ICommand<SignInOutcome>;

/// <summary>Uses a password link: sets the password (and the login, for a person who has none yet), ends other sessions, signs in.</summary>
public sealed record SetPasswordWithLink(string Token, string? Login, string NewPassword) : ICommand<SignInOutcome>;

public static class LinkLifetimes
{
    public static readonly TimeSpan Password = TimeSpan.FromDays(3);
    public static readonly TimeSpan SignIn = TimeSpan.FromMinutes(15);
    public static TimeSpan Of(LinkPurpose purpose) => purpose == LinkPurpose.Password ? Password : SignIn;
}

internal static class UserLinkStore
{
    public static string Code(LinkPurpose purpose) => purpose == LinkPurpose.Password ? "password" : "sign-in";

    /// <param name="sentTo">The address the link is e-mailed to (the person's login): the link stops working once the login changes.</param>
    public static async Task<OneTimeLink> IssueAsync(IDbSession db, Guid userId, LinkPurpose purpose, DateTimeOffset now, string createdBy,
        CancellationToken ct, TimeSpan? lifetime = null, string? sentTo = null)
    {
        var token = ApiKeyToken.Generate()[ApiKeyToken.Prefix.Length..];
        var expiresAt = now + (lifetime ?? LinkLifetimes.Of(purpose));
        await db.ExecuteAsync("""
            INSERT INTO user_links (id, user_id, token_hash, purpose, expires_at, created_at, created_by, sent_to)
            VALUES (@id, @userId, @hash, @purpose, @expiresAt, @now, @createdBy, @sentTo)
            """, new { id = Guid.CreateVersion7(), userId, hash = ApiKeyToken.Hash(token), purpose = Code(purpose), expiresAt, now, createdBy,
                sentTo = sentTo is null ? null : Logins.Normalise(sentTo) }, ct);
        return new OneTimeLink(token, purpose, expiresAt);
    }

    /// <summary>A link e-mailed to an address works only while that address is still the person's login.</summary>
    public const string StillSentToLogin = "(l.sent_to IS NULL OR l.sent_to = (SELECT u.login FROM users u WHERE u.id = l.user_id))";

    /// <summary>
    /// Marks the link used if it is unused, unexpired, of this purpose and (when e-mailed) still bound to the person's login; its
    /// person, else null. One use even under races.
    /// </summary>
    public static async Task<Guid?> UseAsync(IDbSession db, string token, LinkPurpose purpose, DateTimeOffset now, CancellationToken ct)
    {
        var hash = ApiKeyToken.Hash(token);
        var link = await db.QuerySingleOrDefaultAsync<LinkRow>(
            $"SELECT l.id AS Id, l.user_id AS UserId FROM user_links l WHERE l.token_hash = @hash AND l.purpose = @purpose AND l.used_at IS NULL AND l.expires_at > @now AND {StillSentToLogin}",
            new { hash, purpose = Code(purpose), now }, ct);
        if (link is null) return null;
        var used = await db.ExecuteAsync("UPDATE user_links SET used_at = @now WHERE id = @id AND used_at IS NULL", new { id = link.Id, now }, ct);
        return used == 1 ? link.UserId : null;
    }

    internal sealed class LinkRow
    {
        public required Guid Id { get; init; }
        public required Guid UserId { get; init; }
        public string? Purpose { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }
}

internal sealed class IssueUserLinkHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<IssueUserLink, OneTimeLink>
{
    public async ValueTask<OneTimeLink> Handle(IssueUserLink command, CancellationToken ct)
    {
        var user = await UserRow.GetAsync(db, command.UserId, ct);
        if (user.DisabledAt is not null) throw new ConflictException("The user is disabled: enable them before sending a link.");
        if (command.Purpose == LinkPurpose.SignIn && user.Role != Roles.Donor)
            throw new ConflictException("Sign-in links are for donors; staff get a password link.");
        var link = await UserLinkStore.IssueAsync(db, user.Id, command.Purpose, clock.UtcNow(), scope.AuditActor, ct);
        audit.Describe("user", user.Id, null, new { link = UserLinkStore.Code(command.Purpose), link.ExpiresAt });
        return link;
    }
}

internal sealed class DescribeUserLinkHandler(IDbSession db, BusinessClock clock) : IQueryHandler<DescribeUserLink, UserLinkView?>
{
    public async ValueTask<UserLinkView?> Handle(DescribeUserLink query, CancellationToken ct)
    {
        var link = await db.QuerySingleOrDefaultAsync<UserLinkStore.LinkRow>($"""
            SELECT l.id AS Id, l.user_id AS UserId, l.purpose AS Purpose, l.expires_at AS ExpiresAt FROM user_links l
            WHERE l.token_hash = @hash AND l.used_at IS NULL AND l.expires_at > @now AND {UserLinkStore.StillSentToLogin}
            """, new { hash = ApiKeyToken.Hash(query.Token), now = clock.UtcNow() }, ct);
        if (link is null) return null;
        var user = await UserRow.FindAsync(db, link.UserId, ct);
        if (user is null || user.DisabledAt is not null) return null;
        return new UserLinkView(link.Purpose == "password" ? LinkPurpose.Password : LinkPurpose.SignIn, user.DisplayName, user.Login is null, link.ExpiresAt);
    }
}

internal sealed class SignInWithLinkHandler(IDbSession db, BusinessClock clock, AuditRecorder audit) : ICommandHandler<SignInWithLink, SignInOutcome>
{
    public async ValueTask<SignInOutcome> Handle(SignInWithLink command, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var userId = await UserLinkStore.UseAsync(db, command.Token, LinkPurpose.SignIn, now, ct);
        var user = userId is { } id ? await UserRow.FindAsync(db, id, ct) : null;
        if (user is null || user.DisabledAt is not null)
        {
            audit.Describe("user", userId ?? Guid.Empty, null, new { result = "failed", step = "link" });
            return SignInOutcome.Failed;
        }
        if (user.IsLocked(now)) return SignInOutcome.LockedOut;
        return await SignInSteps.AfterPasswordAsync(db, audit, user, now, "link", ct);
    }
}

public sealed class SetPasswordWithLinkValidator : AbstractValidator<SetPasswordWithLink>
{
    public SetPasswordWithLinkValidator()
    {
        RuleFor(c => c.NewPassword).Password();
        RuleFor(c => c.Login).Must(Logins.IsEmail).When(c => c.Login is not null).WithMessage("login must be an e-mail address.");
    }
}

internal sealed class SetPasswordWithLinkHandler(IDbSession db, BusinessClock clock, IPasswords passwords, AuditRecorder audit)
    : ICommandHandler<SetPasswordWithLink, SignInOutcome>
{
    public async ValueTask<SignInOutcome> Handle(SetPasswordWithLink command, CancellationToken ct)
    {
        var now = clock.UtcNow();
        // Checked before the link is used, so a taken login can be corrected with the same link.
        var view = await db.QuerySingleOrDefaultAsync<UserLinkStore.LinkRow>(
            "SELECT id AS Id, user_id AS UserId FROM user_links WHERE token_hash = @hash AND purpose = 'password' AND used_at IS NULL AND expires_at > @now",
            new { hash = ApiKeyToken.Hash(command.Token), now }, ct);
        var holder = view is null ? null : await UserRow.FindAsync(db, view.UserId, ct);
        if (holder is { Login: null })
        {
            if (command.Login is null) throw new InputException("login", "Choose the e-mail address you will sign in with.");
            if (await UserRow.FindByLoginAsync(db, command.Login, ct) is not null)
                throw new InputException("login", "Another person already signs in with this e-mail address.");
        }

        var userId = await UserLinkStore.UseAsync(db, command.Token, LinkPurpose.Password, now, ct);
        var user = userId is { } id ? await UserRow.FindAsync(db, id, ct) : null;
        if (user is null || user.DisabledAt is not null)
        {
            audit.Describe("user", userId ?? Guid.Empty, null, new { result = "failed", step = "password_link" });
            return SignInOutcome.Failed;
        }
        PasswordRules.EnsureNotLogin(command.NewPassword, user.Login ?? command.Login);
        var stamp = UserStore.NewStamp();
        await db.ExecuteAsync("""
            UPDATE users SET password_hash = @hash, password_changed_at = @now, security_stamp = @stamp, failed_sign_ins = 0, locked_until = NULL,
                   login = COALESCE(login, @login)
            WHERE id = @id
            """, new { id = user.Id, hash = passwords.Hash(command.NewPassword), now, stamp, login = command.Login is null ? null : Logins.Normalise(command.Login) }, ct);
        audit.Describe("user", user.Id, null, new { passwordSet = true, loginSet = user.Login is null });
        var updated = (await UserRow.FindAsync(db, user.Id, ct))!;
        return await SignInSteps.AfterPasswordAsync(db, audit, updated, now, "password_link", ct);
    }
}

/// <summary>What a password must be: long enough to resist guessing, short enough to hash quickly, and not the login.</summary>
public static class PasswordRules
{
    public static IRuleBuilderOptions<T, string> Password<T>(this IRuleBuilder<T, string> rule) => rule
        .NotEmpty().WithMessage("Enter a password.")
        .MinimumLength(SignInRules.MinPasswordLength).WithMessage($"The password must be at least {SignInRules.MinPasswordLength} characters long.")
        .MaximumLength(SignInRules.MaxPasswordLength).WithMessage($"The password must be at most {SignInRules.MaxPasswordLength} characters long.");

    public static void EnsureNotLogin(string password, string? login)
    {
        if (login is not null && string.Equals(password.Trim(), Logins.Normalise(login), StringComparison.OrdinalIgnoreCase))
            throw new InputException("newPassword", "The password cannot be your e-mail address.");
    }
}
