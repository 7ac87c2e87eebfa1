using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>
/// A key's role as a type: codes <c>admin</c>, <c>manager</c>, <c>auditor</c>, <c>donor</c> (see <see cref="Codes"/>).
/// <see cref="Roles"/> (Actor.cs) still holds the same codes as strings for the caller, the policies and the scope checks.
/// </summary>
public enum Role { Admin, Manager, Auditor, Donor }

/// <summary>
/// A new API key for a new person (named after the key): keys made this way are different people for the four-eyes rule,
/// as every key was before accounts existed. Managers and auditors are scoped to <paramref name="ProgrammeIds"/>; a donor
/// key belongs to <paramref name="DonorId"/>; an admin key is neither. A further key for an existing person: <c>CreateUserKey</c>.
/// </summary>
public sealed record CreateApiKey(string Name, Role Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId) : ICommand<ApiKeyCreated>;

/// <summary>The one response that carries the key itself.</summary>
public sealed record ApiKeyCreated(Guid Id, string Key, string Name, string Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId, DateTimeOffset CreatedAt, Guid UserId);

/// <summary>The scope that goes with each role (access checks rely on it); the shape of a request is checked at the edge.</summary>
public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKey>
{
    public CreateApiKeyValidator() => Users.RoleScopeRules.Apply(this, c => c.Role, c => c.ProgrammeIds, c => c.DonorId);
}

internal sealed class CreateApiKeyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateApiKey, ApiKeyCreated>
{
    public async ValueTask<ApiKeyCreated> Handle(CreateApiKey command, CancellationToken ct)
    {
        var programmeIds = command.ProgrammeIds.Distinct().ToList();
        await Users.UserStore.EnsureScopeExistsAsync(db, programmeIds, command.DonorId, ct);

        var token = ApiKeyToken.Generate();
        var created = await Insert(db, command.Name, command.Role.Code(), programmeIds, command.DonorId, token, clock.UtcNow(), scope.AuditActor, ct);
        audit.Describe("api_key", created.Id, null, new { created.Name, created.Role, created.ProgrammeIds, created.DonorId, created.UserId });
        return created;
    }

    /// <summary>A new person named after the key, and the key.</summary>
    internal static async Task<ApiKeyCreated> Insert(IDbSession db, string name, string role, IReadOnlyList<Guid> programmeIds,
        Guid? donorId, string token, DateTimeOffset createdAt, string createdBy, CancellationToken ct)
    {
        var userId = await Users.UserStore.InsertAsync(db, null, name, role, programmeIds, donorId, "zh-CN", createdAt, createdBy, ct);
        return await InsertKey(db, userId, name, role, programmeIds, donorId, token, createdAt, createdBy, ct);
    }

    /// <summary>
    /// A key of an existing person. The key's own role, donor and programme rows record the scope it was created with; what it
    /// may do is always its person's current role and scope.
    /// </summary>
    internal static async Task<ApiKeyCreated> InsertKey(IDbSession db, Guid userId, string name, string role, IReadOnlyList<Guid> programmeIds,
        Guid? donorId, string token, DateTimeOffset createdAt, string createdBy, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO api_keys (id, name, role, donor_id, key_hash, created_at, created_by, user_id)
            VALUES (@id, @name, @role, @donorId, @keyHash, @createdAt, @createdBy, @userId)
            """, new { id, name, role, donorId, keyHash = ApiKeyToken.Hash(token), createdAt, createdBy, userId }, ct);
        foreach (var programmeId in programmeIds)
            await db.ExecuteAsync("INSERT INTO api_key_programmes (api_key_id, programme_id) VALUES (@id, @programmeId)", new { id, programmeId }, ct);
        return new ApiKeyCreated(id, token, name, role, programmeIds, donorId, createdAt, userId);
    }
}
