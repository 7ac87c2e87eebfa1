using Aid.Application.ApiKeys;
using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Users;

/// <summary>Admins give a person another API key; it acts with the person's role and scope (and is the same person for four eyes).</summary>
public sealed record CreateUserKey(Guid UserId, string Name) : ICommand<ApiKeyCreated>;

/// <summary>The caller's own keys (any role), live and revoked.</summary>
public sealed record ListMyKeys : IQuery<IReadOnlyList<ApiKeyView>>;

/// <summary>The caller revokes one of their own keys (another person's key reads as not found).</summary>
public sealed record RevokeMyKey(Guid KeyId) : ICommand<Unit>;

public sealed class CreateUserKeyValidator : AbstractValidator<CreateUserKey>
{
    public CreateUserKeyValidator() => RuleFor(c => c.Name).NotEmpty().Text(200);
}

internal sealed class CreateUserKeyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateUserKey, ApiKeyCreated>
{
    public async ValueTask<ApiKeyCreated> Handle(CreateUserKey command, CancellationToken ct)
    {
        var user = await UserRow.GetAsync(db, command.UserId, ct);
        if (user.DisabledAt is not null) throw new ConflictException("The user is disabled: enable them before giving them a key.");
        var programmes = await UserStore.ProgrammesAsync(db, user.Id, ct);
        var created = await CreateApiKeyHandler.InsertKey(db, user.Id, command.Name, user.Role, programmes, user.DonorId, ApiKeyToken.Generate(),
            clock.UtcNow(), scope.AuditActor, ct);
        audit.Describe("api_key", created.Id, null, new { created.Name, created.Role, created.UserId });
        return created;
    }
}

internal sealed class ListMyKeysHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListMyKeys, IReadOnlyList<ApiKeyView>>
{
    public async ValueTask<IReadOnlyList<ApiKeyView>> Handle(ListMyKeys query, CancellationToken ct)
    {
        if (scope.Actor is not { } actor) return [];
        var rows = await db.QueryAsync<ApiKeyRow>($"{ApiKeyRow.Select} WHERE user_id = @userId ORDER BY id", new { userId = actor.UserId }, ct);
        return await ApiKeyRow.ViewsAsync(db, rows.ToList(), ct);
    }
}

internal sealed class RevokeMyKeyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit) : ICommandHandler<RevokeMyKey, Unit>
{
    public async ValueTask<Unit> Handle(RevokeMyKey command, CancellationToken ct)
    {
        var owner = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT user_id FROM api_keys WHERE id = @id", new { id = command.KeyId }, ct);
        if (scope.Actor is not { } actor || owner != actor.UserId) throw new NotFoundException("API key", command.KeyId);
        var revoked = await db.ExecuteAsync("UPDATE api_keys SET revoked_at = @now, revoked_by = @by WHERE id = @id AND revoked_at IS NULL",
            new { id = command.KeyId, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        audit.Describe("api_key", command.KeyId, null, new { revoked = true, byOwner = true, alreadyRevoked = revoked == 0 });
        return Unit.Value;
    }
}
