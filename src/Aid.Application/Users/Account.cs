using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Users;

/// <summary>
/// A signed-in person changes their password, after confirming the current one (<see cref="PasswordSignIn"/> with
/// <see cref="PasswordUse.Confirm"/>, which counts wrong ones): every other session of theirs ends; the returned stamp keeps this one.
/// </summary>
public sealed record ChangePassword(Guid UserId, string NewPassword) : ICommand<SignedInUser>;

/// <summary>
/// Starts TOTP enrolment: a new secret, kept encrypted as pending until a code from it is confirmed. From the account page after
/// the password was confirmed; from the sign-in step with the stamp the password step saw (<paramref name="ExpectedStamp"/>).
/// </summary>
public sealed record BeginTotpEnrolment(Guid UserId, string? ExpectedStamp = null) : ICommand<TotpEnrolment>;

/// <summary>The secret to show once, as text and as the otpauth:// URI for the QR code.</summary>
public sealed record TotpEnrolment(string Secret, string Uri);

/// <summary>Confirms enrolment with a code computed from the pending secret; TOTP is then required at every sign-in.</summary>
public sealed record ConfirmTotpEnrolment(Guid UserId, string Code, string? ExpectedStamp = null) : ICommand<SignedInUser>;

/// <summary>Turns TOTP off (after the password was confirmed), unless the organisation requires it for staff.</summary>
public sealed record DisableTotp(Guid UserId) : ICommand<SignedInUser>;

public sealed class ChangePasswordValidator : AbstractValidator<ChangePassword>
{
    public ChangePasswordValidator() => RuleFor(c => c.NewPassword).Password();
}

internal static class AccountRows
{
    /// <summary>The person, enabled, and (from a sign-in step) still with the stamp that step saw; else a refusal as if unknown.</summary>
    public static async Task<UserRow> GetAsync(IDbSession db, Guid id, string? expectedStamp, CancellationToken ct)
    {
        var user = await SignInSteps.LockAsync(db, id, ct);
        if (user is null || user.DisabledAt is not null || expectedStamp is not null && !SignInSteps.SameStamp(user, expectedStamp))
            throw new NotFoundException("User", id);
        return user;
    }
}

internal sealed class ChangePasswordHandler(IDbSession db, BusinessClock clock, IPasswords passwords, AuditRecorder audit)
    : ICommandHandler<ChangePassword, SignedInUser>
{
    public async ValueTask<SignedInUser> Handle(ChangePassword command, CancellationToken ct)
    {
        var user = await AccountRows.GetAsync(db, command.UserId, null, ct);
        PasswordRules.EnsureNotLogin(command.NewPassword, user.Login);
        var stamp = UserStore.NewStamp();
        await db.ExecuteAsync("UPDATE users SET password_hash = @hash, password_changed_at = @now, security_stamp = @stamp WHERE id = @id",
            new { id = user.Id, hash = passwords.Hash(command.NewPassword), now = clock.UtcNow(), stamp }, ct);
        audit.Describe("user", user.Id, null, new { passwordChanged = true });
        return user.ToSignedIn(stamp);
    }
}

internal sealed class BeginTotpEnrolmentHandler(IDbSession db, IFieldCipher cipher, AuditRecorder audit) : ICommandHandler<BeginTotpEnrolment, TotpEnrolment>
{
    public const string Issuer = "Aid";

    public async ValueTask<TotpEnrolment> Handle(BeginTotpEnrolment command, CancellationToken ct)
    {
        var user = await AccountRows.GetAsync(db, command.UserId, command.ExpectedStamp, ct);
        if (user.TotpSecret is not null) throw new ConflictException("Two-step sign-in is already on; turn it off first to enrol a new device.");
        var secret = Totp.NewSecret();
        await db.ExecuteAsync("UPDATE users SET totp_pending_secret = @pending WHERE id = @id",
            new { id = user.Id, pending = cipher.Encrypt(Convert.ToBase64String(secret)) }, ct);
        audit.Describe("user", user.Id, null, new { totp = "enrolment_started" });
        return new TotpEnrolment(Totp.ToBase32(secret), Totp.EnrolmentUri(Issuer, user.Login ?? user.DisplayName, secret));
    }
}

internal sealed class ConfirmTotpEnrolmentHandler(IDbSession db, BusinessClock clock, IFieldCipher cipher, AuditRecorder audit)
    : ICommandHandler<ConfirmTotpEnrolment, SignedInUser>
{
    public async ValueTask<SignedInUser> Handle(ConfirmTotpEnrolment command, CancellationToken ct)
    {
        var user = await AccountRows.GetAsync(db, command.UserId, command.ExpectedStamp, ct);
        if (user.TotpPendingSecret is null) throw new ConflictException("Start the enrolment again: there is no pending secret.");
        var now = clock.UtcNow();
        var step = Totp.Match(Convert.FromBase64String(cipher.Decrypt(user.TotpPendingSecret)), command.Code, now, null)
            ?? throw new InputException("code", "The code is not right: check the time on your phone and enter the current code.");
        var stamp = UserStore.NewStamp();
        await db.ExecuteAsync("""
            UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = @now, totp_last_step = @step,
                   security_stamp = @stamp
            WHERE id = @id
            """, new { id = user.Id, now, step, stamp }, ct);
        audit.Describe("user", user.Id, null, new { totp = "enabled" });
        return user.ToSignedIn(stamp);
    }
}

internal sealed class DisableTotpHandler(IDbSession db, AuditRecorder audit) : ICommandHandler<DisableTotp, SignedInUser>
{
    public async ValueTask<SignedInUser> Handle(DisableTotp command, CancellationToken ct)
    {
        var user = await AccountRows.GetAsync(db, command.UserId, null, ct);
        if (user.IsStaff && await SecurityPolicies.StaffTotpRequiredAsync(db, ct))
            throw new ConflictException("Your organisation requires two-step sign-in for staff: it cannot be turned off.");
        var stamp = UserStore.NewStamp();
        await db.ExecuteAsync("""
            UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, security_stamp = @stamp
            WHERE id = @id
            """, new { id = user.Id, stamp }, ct);
        audit.Describe("user", user.Id, null, new { totp = "disabled" });
        return user.ToSignedIn(stamp);
    }
}

/// <summary>The caller's own account, whatever their role: the person behind their API key or page session.</summary>
public sealed record GetMyAccount : IQuery<UserView?>;

internal sealed class GetMyAccountHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetMyAccount, UserView?>
{
    public async ValueTask<UserView?> Handle(GetMyAccount query, CancellationToken ct) =>
        scope.Actor is { } actor && await UserRow.FindAsync(db, actor.UserId, ct) is { } row
            ? row.ToView(await UserStore.ProgrammesAsync(db, row.Id, ct))
            : null;
}
