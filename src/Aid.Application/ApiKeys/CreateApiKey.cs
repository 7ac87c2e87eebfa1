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
/// A new API key. Managers and auditors are scoped to <paramref name="ProgrammeIds"/>; a donor key belongs to
/// <paramref name="DonorId"/>; an admin key is neither.
/// </summary>
public sealed record CreateApiKey(string Name, Role Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId) : ICommand<ApiKeyCreated>;

/// <summary>The one response that carries the key itself.</summary>
public sealed record ApiKeyCreated(Guid Id, string Key, string Name, string Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId, DateTimeOffset CreatedAt);

/// <summary>The scope that goes with each role (access checks rely on it); the shape of a request is checked at the edge.</summary>
public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKey>
{
    public CreateApiKeyValidator()
    {
        RuleFor(c => c.ProgrammeIds).NotEmpty().When(c => c.Role is Role.Manager or Role.Auditor)
            .WithMessage("Managers and auditors are scoped to at least one programme.");
        RuleFor(c => c.ProgrammeIds).Empty().When(c => c.Role is Role.Admin or Role.Donor)
            .WithMessage("Only managers and auditors are scoped to programmes.");
        RuleFor(c => c.DonorId).NotEmpty().When(c => c.Role == Role.Donor).WithMessage("A donor key needs the donorId it belongs to.");
        RuleFor(c => c.DonorId).Null().When(c => c.Role != Role.Donor).WithMessage("Only donor keys have a donorId.");
    }
}

internal sealed class CreateApiKeyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateApiKey, ApiKeyCreated>
{
    public async ValueTask<ApiKeyCreated> Handle(CreateApiKey command, CancellationToken ct)
    {
        var programmeIds = command.ProgrammeIds.Distinct().ToList();
        if (programmeIds.Count > 0)
        {
            var known = await db.QueryAsync<Guid>(
                $"SELECT id FROM programmes WHERE {db.Dialect.InList("id", "programmeIds")}", new { programmeIds = db.Dialect.IdList(programmeIds) }, ct);
            var unknown = programmeIds.Except(known).ToList();
            if (unknown.Count > 0)
                throw new InputException("programmeIds", $"Unknown programme(s): {string.Join(", ", unknown)}.");
        }
        if (command.DonorId is { } donorId &&
            await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM donors WHERE id = @donorId", new { donorId }, ct) is null)
            throw new InputException("donorId", $"Unknown donor {donorId}.");

        var token = ApiKeyToken.Generate();
        var created = await Insert(db, command.Name, command.Role.Code(), programmeIds, command.DonorId, token, clock.UtcNow(), scope.AuditActor, ct);
        audit.Describe("api_key", created.Id, null, new { created.Name, created.Role, created.ProgrammeIds, created.DonorId });
        return created;
    }

    internal static async Task<ApiKeyCreated> Insert(IDbSession db, string name, string role, IReadOnlyList<Guid> programmeIds,
        Guid? donorId, string token, DateTimeOffset createdAt, string createdBy, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO api_keys (id, name, role, donor_id, key_hash, created_at, created_by)
            VALUES (@id, @name, @role, @donorId, @keyHash, @createdAt, @createdBy)
            """, new { id, name, role, donorId, keyHash = ApiKeyToken.Hash(token), createdAt, createdBy }, ct);
        foreach (var programmeId in programmeIds)
            await db.ExecuteAsync("INSERT INTO api_key_programmes (api_key_id, programme_id) VALUES (@id, @programmeId)", new { id, programmeId }, ct);
        return new ApiKeyCreated(id, token, name, role, programmeIds, donorId, createdAt);
    }
}
