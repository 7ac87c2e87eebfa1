using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.ApiKeys;

public sealed record CreateApiKey(string? Name, string? Role, IReadOnlyList<Guid>? ProgrammeIds, Guid? DonorId) : ICommand<ApiKeyCreated>;

/// <summary>The one response that carries the key itself.</summary>
public sealed record ApiKeyCreated(Guid Id, string Key, string Name, string Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId, DateTimeOffset CreatedAt);

public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKey>
{
    public CreateApiKeyValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Role).NotEmpty().Must(r => Roles.All.Contains(r!)).WithMessage("role must be one of admin, manager, auditor, donor.");
        RuleFor(c => c.ProgrammeIds).NotEmpty().When(c => c.Role is Roles.Manager or Roles.Auditor)
            .WithMessage("Managers and auditors are scoped to at least one programme.");
        RuleFor(c => c.ProgrammeIds).Empty().When(c => c.Role is Roles.Admin or Roles.Donor)
            .WithMessage("Only managers and auditors are scoped to programmes.");
        RuleFor(c => c.ProgrammeIds!.Count).LessThanOrEqualTo(500).When(c => c.ProgrammeIds is not null).OverridePropertyName("programmeIds");
        RuleFor(c => c.DonorId).NotEmpty().When(c => c.Role == Roles.Donor).WithMessage("A donor key needs the donorId it belongs to.");
        RuleFor(c => c.DonorId).Null().When(c => c.Role != Roles.Donor).WithMessage("Only donor keys have a donorId.");
    }
}

internal sealed class CreateApiKeyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateApiKey, ApiKeyCreated>
{
    public async ValueTask<ApiKeyCreated> Handle(CreateApiKey command, CancellationToken ct)
    {
        var programmeIds = (command.ProgrammeIds ?? []).Distinct().ToList();
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
        var created = await Insert(db, command.Name!, command.Role!, programmeIds, command.DonorId, token, clock.UtcNow(), scope.AuditActor, ct);
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
