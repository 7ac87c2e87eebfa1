using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Users;

/// <summary>What a sign-in step led to. The pages show one message for <see cref="Failed"/> whatever the cause (no user enumeration).</summary>
public enum SignInStatus { SignedIn, NeedsCode, MustEnrolTotp, Failed, LockedOut, Restart }

/// <summary>The outcome of a sign-in step; <see cref="User"/> is set unless it failed or the account is locked.</summary>
public sealed record SignInOutcome(SignInStatus Result, SignedInUser? User = null)
{
    public static readonly SignInOutcome Failed = new(SignInStatus.Failed);
    public static readonly SignInOutcome LockedOut = new(SignInStatus.LockedOut);
    /// <summary>The account changed (password, TOTP, disabled) since the sign-in began: begin again with the password.</summary>
    public static readonly SignInOutcome Restart = new(SignInStatus.Restart);
}

/// <summary>What a session carries: the person and the security stamp it was issued with.</summary>
public sealed record SignedInUser(Guid Id, string DisplayName, string Role, string Language, string SecurityStamp);

/// <summary>The sign-in rules, in one place.</summary>
public static class SignInRules
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;
}

/// <summary>
/// The password check, as a query: hashing takes about 0.1 s and must not run inside a write transaction (SQLite's single
/// writer would wait for every guess). An unknown, disabled or password-less login is checked against a decoy hash, so every
/// answer costs the same. Use <see cref="PasswordSignIn"/>, which records the outcome right after.
/// </summary>
public sealed record CheckPassword(string? Login, Guid? UserId, string Password) : IQuery<PasswordChecked>;

/// <summary>A password check's result: whose (null when no usable account matched), right or not, and a new hash when the stored one is outdated.</summary>
public sealed record PasswordChecked(Guid? UserId, bool Right, string? NewHash);

/// <summary>What a password was checked for: to sign in (then the code or enrolment), or to confirm a signed-in person's change.</summary>
public enum PasswordUse { SignIn, Confirm }

/// <summary>
/// Records a password check (<see cref="CheckPassword"/>) under the person's row lock: a wrong password counts towards the
/// lockout (atomically, however many guesses arrive at once); a right one continues. Sent only by <see cref="PasswordSignIn"/>.
/// </summary>
public sealed record RecordPasswordCheck(PasswordChecked Check, PasswordUse Use) : ICommand<SignInOutcome>;

/// <summary>The second step for a person with TOTP: the code from their authenticator app, with the stamp the password step saw.</summary>
public sealed record SignInWithCode(Guid UserId, string SecurityStamp, string Code) : ICommand<SignInOutcome>;

/// <summary>The one way to check a password: the check outside any transaction, then its outcome recorded.</summary>
public static class PasswordSignIn
{
    public static async Task<SignInOutcome> RunAsync(ISender sender, string? login, Guid? userId, string password, PasswordUse use, CancellationToken ct)
    {
        if (login is { Length: > 254 } || password.Length > SignInRules.MaxPasswordLength * 4) return SignInOutcome.Failed;
        var check = await sender.Send(new CheckPassword(login, userId, password), ct);
        return check.UserId is null ? SignInOutcome.Failed : await sender.Send(new RecordPasswordCheck(check, use), ct);
    }
}

internal sealed class CheckPasswordHandler(IDbSession db, IPasswords passwords) : IQueryHandler<CheckPassword, PasswordChecked>
{
    private static string? _decoy;

    public async ValueTask<PasswordChecked> Handle(CheckPassword query, CancellationToken ct)
    {
        var user = query.UserId is { } id ? await UserRow.FindAsync(db, id, ct)
            : query.Login is { } login ? await UserRow.FindByLoginAsync(db, login, ct) : null;
        if (user is null || user.DisabledAt is not null || user.PasswordHash is null)
        {
            passwords.Verify(_decoy ??= passwords.Hash("decoy password"), query.Password);
            return new PasswordChecked(null, false, null);
        }
        var check = passwords.Verify(user.PasswordHash, query.Password);
        return new PasswordChecked(user.Id, check != PasswordCheck.Wrong, check == PasswordCheck.RightButRehash ? passwords.Hash(query.Password) : null);
    }
}

internal sealed class RecordPasswordCheckHandler(IDbSession db, BusinessClock clock, AuditRecorder audit) : ICommandHandler<RecordPasswordCheck, SignInOutcome>
{
    public async ValueTask<SignInOutcome> Handle(RecordPasswordCheck command, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var step = command.Use == PasswordUse.SignIn ? "password" : "confirm_password";
        var user = await SignInSteps.LockAsync(db, command.Check.UserId!.Value, ct);
        if (user is null || user.DisabledAt is not null)
        {
            audit.Describe("user", command.Check.UserId!.Value, null, new { result = "failed", step });
            return SignInOutcome.Failed;
        }
        if (user.IsLocked(now))
        {
            audit.Describe("user", user.Id, null, new { result = "locked", step });
            return SignInOutcome.LockedOut;
        }
        if (!command.Check.Right) return await SignInSteps.FailAsync(db, audit, user, now, step, ct);
        if (command.Check.NewHash is { } rehash)
            await db.ExecuteAsync("UPDATE users SET password_hash = @rehash WHERE id = @id", new { id = user.Id, rehash }, ct);
        if (command.Use == PasswordUse.SignIn) return await SignInSteps.AfterPasswordAsync(db, audit, user, now, step, ct);
        await db.ExecuteAsync("UPDATE users SET failed_sign_ins = 0 WHERE id = @id", new { id = user.Id }, ct);
        audit.Describe("user", user.Id, null, new { result = "confirmed", step });
        return new SignInOutcome(SignInStatus.SignedIn, user.ToSignedIn());
    }
}

internal sealed class SignInWithCodeHandler(IDbSession db, BusinessClock clock, IFieldCipher cipher, AuditRecorder audit)
    : ICommandHandler<SignInWithCode, SignInOutcome>
{
    public async ValueTask<SignInOutcome> Handle(SignInWithCode command, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var user = await SignInSteps.LockAsync(db, command.UserId, ct);
        if (user is null || user.DisabledAt is not null || user.TotpSecret is null || !SignInSteps.SameStamp(user, command.SecurityStamp))
        {
            audit.Describe("user", command.UserId, null, new { result = "restart", step = "code" });
            return SignInOutcome.Restart;
        }
        if (user.IsLocked(now)) return SignInOutcome.LockedOut;
        var step = Totp.Match(Convert.FromBase64String(cipher.Decrypt(user.TotpSecret)), command.Code, now, user.TotpLastStep);
        if (step is null) return await SignInSteps.FailAsync(db, audit, user, now, "code", ct);
        await db.ExecuteAsync("UPDATE users SET totp_last_step = @step WHERE id = @id", new { id = user.Id, step }, ct);
        return await SignInSteps.SucceedAsync(db, audit, user, now, "code", ct);
    }
}

/// <summary>The steps every way of signing in shares: counting failures, the second factor, and recording success.</summary>
internal static class SignInSteps
{
    /// <summary>
    /// The person's row, locked until the transaction ends (a no-op update: a row lock on PostgreSQL and SQL Server, SQLite has one
    /// writer), so concurrent guesses are counted one after another and a TOTP step is used once.
    /// </summary>
    public static async Task<UserRow?> LockAsync(IDbSession db, Guid id, CancellationToken ct)
    {
        await db.ExecuteAsync("UPDATE users SET failed_sign_ins = failed_sign_ins WHERE id = @id", new { id }, ct);
        return await UserRow.FindAsync(db, id, ct);
    }

    /// <summary>Whether a step cookie's stamp is still the person's (a password, TOTP or disable change since ends the step).</summary>
    public static bool SameStamp(UserRow user, string? stamp) =>
        stamp is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(user.SecurityStamp), System.Text.Encoding.ASCII.GetBytes(stamp));

    public static async Task<SignInOutcome> FailAsync(IDbSession db, AuditRecorder audit, UserRow user, DateTimeOffset now, string step, CancellationToken ct)
    {
        var failures = user.FailedSignIns + 1;
        var locks = failures >= SignInRules.MaxFailures;
        await db.ExecuteAsync("UPDATE users SET failed_sign_ins = @failures, locked_until = @lockedUntil WHERE id = @id",
            new { id = user.Id, failures = locks ? 0 : failures, lockedUntil = locks ? now + SignInRules.Lockout : (DateTimeOffset?)null }, ct);
        audit.Describe("user", user.Id, null, new { result = locks ? "locked" : "failed", step });
        return locks ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }

    /// <summary>The password (or a one-time link) was right: the code next if enrolled, enrolment first if the policy requires it.</summary>
    public static async Task<SignInOutcome> AfterPasswordAsync(IDbSession db, AuditRecorder audit, UserRow user, DateTimeOffset now, string step, CancellationToken ct)
    {
        if (user.TotpSecret is not null)
        {
            audit.Describe("user", user.Id, null, new { result = "needs_code", step });
            return new SignInOutcome(SignInStatus.NeedsCode, user.ToSignedIn());
        }
        if (user.IsStaff && await SecurityPolicies.StaffTotpRequiredAsync(db, ct))
        {
            audit.Describe("user", user.Id, null, new { result = "must_enrol_totp", step });
            return new SignInOutcome(SignInStatus.MustEnrolTotp, user.ToSignedIn());
        }
        return await SucceedAsync(db, audit, user, now, step, ct);
    }

    public static async Task<SignInOutcome> SucceedAsync(IDbSession db, AuditRecorder audit, UserRow user, DateTimeOffset now, string step, CancellationToken ct)
    {
        await db.ExecuteAsync("UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = @now WHERE id = @id", new { id = user.Id, now }, ct);
        audit.Describe("user", user.Id, null, new { result = "signed_in", step });
        return new SignInOutcome(SignInStatus.SignedIn, user.ToSignedIn());
    }
}
