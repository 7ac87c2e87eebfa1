using Aid.Application.ApiKeys;
using Aid.Application.Common;
using FluentValidation;

namespace Aid.Application.Users;

/// <summary>A person's account as shown to admins and to the person: never the password hash or the TOTP secret.</summary>
public sealed record UserView
{
    public required Guid Id { get; init; }
    /// <summary>The e-mail the person signs in with; null for a person known only by API keys (every key made before accounts existed).</summary>
    public string? Login { get; init; }
    public required string DisplayName { get; init; }
    public required string Role { get; init; }
    public IReadOnlyList<Guid> ProgrammeIds { get; init; } = [];
    public Guid? DonorId { get; init; }
    public required string Language { get; init; }
    public required bool HasPassword { get; init; }
    public required bool TotpEnabled { get; init; }
    public required bool Disabled { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The users row; its programmes are in user_programmes.</summary>
internal sealed class UserRow
{
    public required Guid Id { get; init; }
    public string? Login { get; init; }
    public required string DisplayName { get; init; }
    public required string Role { get; init; }
    public Guid? DonorId { get; init; }
    public required string Language { get; init; }
    public string? PasswordHash { get; init; }
    public string? TotpSecret { get; init; }
    public string? TotpPendingSecret { get; init; }
    public long? TotpLastStep { get; init; }
    public required int FailedSignIns { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
    public required string SecurityStamp { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public bool IsStaff => Role != Roles.Donor;
    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && until > now;

    public const string Select = """
        SELECT id AS Id, login AS Login, display_name AS DisplayName, role AS Role, donor_id AS DonorId, language AS Language,
               password_hash AS PasswordHash, totp_secret AS TotpSecret, totp_pending_secret AS TotpPendingSecret,
               totp_last_step AS TotpLastStep, failed_sign_ins AS FailedSignIns, locked_until AS LockedUntil,
               last_sign_in_at AS LastSignInAt, security_stamp AS SecurityStamp, disabled_at AS DisabledAt, created_at AS CreatedAt
        FROM users
        """;

    public static Task<UserRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<UserRow>($"{Select} WHERE id = @id", new { id }, ct);

    public static Task<UserRow?> FindByLoginAsync(IDbSession db, string login, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<UserRow>($"{Select} WHERE login = @login", new { login = Logins.Normalise(login) }, ct);

    public static async Task<UserRow> GetAsync(IDbSession db, Guid id, CancellationToken ct) =>
        await FindAsync(db, id, ct) ?? throw new NotFoundException("User", id);

    public UserView ToView(IEnumerable<Guid> programmeIds) => new()
    {
        Id = Id, Login = Login, DisplayName = DisplayName, Role = Role, ProgrammeIds = programmeIds.ToList(), DonorId = DonorId,
        Language = Language, HasPassword = PasswordHash is not null, TotpEnabled = TotpSecret is not null, Disabled = DisabledAt is not null,
        LockedUntil = LockedUntil, LastSignInAt = LastSignInAt, CreatedAt = CreatedAt,
    };

    public SignedInUser ToSignedIn(string? stamp = null) => new(Id, DisplayName, Role, Language, stamp ?? SecurityStamp);

    public static async Task<UserView> ViewAsync(IDbSession db, Guid id, CancellationToken ct)
    {
        var row = await GetAsync(db, id, ct);
        return row.ToView(await UserStore.ProgrammesAsync(db, id, ct));
    }
}

/// <summary>Logins are e-mail addresses, compared and stored trimmed and lower-case.</summary>
public static class Logins
{
    public static string Normalise(string login) => login.Trim().ToLowerInvariant();

    public static bool IsEmail(string? login) =>
        login is { Length: > 2 and <= 254 } && System.Text.RegularExpressions.Regex.IsMatch(login.Trim(), @"^[^@\s\p{C}]+@[^@\s\p{C}]+\.[^@\s\p{C}]+$");
}

/// <summary>Writes people: the one insert every way of making a person goes through (users API, API keys, bootstrap).</summary>
internal static class UserStore
{
    public static async Task<Guid> InsertAsync(IDbSession db, string? login, string displayName, string role, IReadOnlyList<Guid> programmeIds,
        Guid? donorId, string language, DateTimeOffset createdAt, string createdBy, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO users (id, login, display_name, role, donor_id, language, failed_sign_ins, security_stamp, created_at, created_by)
            VALUES (@id, @login, @displayName, @role, @donorId, @language, 0, @stamp, @createdAt, @createdBy)
            """, new { id, login = login is null ? null : Logins.Normalise(login), displayName, role, donorId, language,
                stamp = NewStamp(), createdAt, createdBy }, ct);
        await ReplaceProgrammesAsync(db, id, programmeIds, ct);
        return id;
    }

    public static async Task ReplaceProgrammesAsync(IDbSession db, Guid userId, IReadOnlyList<Guid> programmeIds, CancellationToken ct)
    {
        await db.ExecuteAsync("DELETE FROM user_programmes WHERE user_id = @userId", new { userId }, ct);
        foreach (var programmeId in programmeIds.Distinct())
            await db.ExecuteAsync("INSERT INTO user_programmes (user_id, programme_id) VALUES (@userId, @programmeId)", new { userId, programmeId }, ct);
    }

    public static async Task<IReadOnlyList<Guid>> ProgrammesAsync(IDbSession db, Guid userId, CancellationToken ct) =>
        (await db.QueryAsync<Guid>("SELECT programme_id FROM user_programmes WHERE user_id = @userId ORDER BY programme_id", new { userId }, ct)).ToList();

    /// <summary>Programme ids per person, for a page of people or keys.</summary>
    public static async Task<ILookup<Guid, Guid>> ProgrammesAsync(IDbSession db, IReadOnlyList<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return Enumerable.Empty<(Guid, Guid)>().ToLookup(p => p.Item1, p => p.Item2);
        var rows = await db.QueryAsync<UserProgramme>(
            $"SELECT user_id AS UserId, programme_id AS ProgrammeId FROM user_programmes WHERE {db.Dialect.InList("user_id", "ids")}",
            new { ids = db.Dialect.IdList(userIds.Distinct().ToList()) }, ct);
        return rows.ToLookup(r => r.UserId, r => r.ProgrammeId);
    }

    /// <summary>A new security stamp ends every session issued with the old one.</summary>
    public static string NewStamp() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The programmes and donor a scope names must exist (400 naming the field otherwise).</summary>
    public static async Task EnsureScopeExistsAsync(IDbSession db, IReadOnlyList<Guid> programmeIds, Guid? donorId, CancellationToken ct)
    {
        var distinct = programmeIds.Distinct().ToList();
        if (distinct.Count > 0)
        {
            var known = await db.QueryAsync<Guid>(
                $"SELECT id FROM programmes WHERE {db.Dialect.InList("id", "programmeIds")}", new { programmeIds = db.Dialect.IdList(distinct) }, ct);
            var unknown = distinct.Except(known).ToList();
            if (unknown.Count > 0)
                throw new InputException("programmeIds", $"Unknown programme(s): {string.Join(", ", unknown)}.");
        }
        if (donorId is { } id && await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM donors WHERE id = @id", new { id }, ct) is null)
            throw new InputException("donorId", $"Unknown donor {id}.");
    }

    /// <summary>Aid always keeps one enabled admin who can sign in or holds a live key: the last one cannot be disabled or demoted.</summary>
    public static async Task EnsureAnotherAdminAsync(IDbSession db, Guid leaving, CancellationToken ct)
    {
        // Two admins disabling each other at once: the second waits for the first's commit and then counts right.
        if (db.Dialect.TransactionLock("aid-admins") is { } adminsLock) await db.ExecuteAsync(adminsLock, null, ct);
        var others = await db.QuerySingleAsync<long>("""
            SELECT COUNT(*) FROM users u
            WHERE u.role = 'admin' AND u.disabled_at IS NULL AND u.id <> @leaving
              AND (u.password_hash IS NOT NULL OR EXISTS (SELECT 1 FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL))
            """, new { leaving }, ct);
        if (others == 0) throw new ConflictException("This is the only enabled admin: make another person admin first.");
    }

    private sealed class UserProgramme
    {
        public required Guid UserId { get; init; }
        public required Guid ProgrammeId { get; init; }
    }
}

/// <summary>The scope that goes with each role, for people and keys alike (access checks rely on it).</summary>
public static class RoleScopeRules
{
    public static void Apply<T>(AbstractValidator<T> validator, Func<T, Role> role, System.Linq.Expressions.Expression<Func<T, IReadOnlyList<Guid>>> programmeIds,
        System.Linq.Expressions.Expression<Func<T, Guid?>> donorId)
    {
        validator.RuleFor(programmeIds).NotEmpty().When(c => role(c) is Role.Manager or Role.Auditor)
            .WithMessage("Managers and auditors are scoped to at least one programme.");
        validator.RuleFor(programmeIds).Empty().When(c => role(c) is Role.Admin or Role.Donor)
            .WithMessage("Only managers and auditors are scoped to programmes.");
        validator.RuleFor(donorId).NotEmpty().When(c => role(c) == Role.Donor).WithMessage("A donor needs the donorId of their donor record.");
        validator.RuleFor(donorId).Null().When(c => role(c) != Role.Donor).WithMessage("Only donors have a donorId.");
    }
}
