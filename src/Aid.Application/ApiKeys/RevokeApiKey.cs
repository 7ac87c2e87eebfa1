using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>Revokes a key at once. Revoking again is a no-op (DELETE is idempotent).</summary>
public sealed record RevokeApiKey(Guid Id) : ICommand<Unit>;

internal sealed class RevokeApiKeyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<RevokeApiKey, Unit>
{
    public async ValueTask<Unit> Handle(RevokeApiKey command, CancellationToken ct)
    {
        var revokedAt = await db.QuerySingleOrDefaultAsync<RevocationState>(
            "SELECT revoked_at AS RevokedAt FROM api_keys WHERE id = @id", new { id = command.Id }, ct)
            ?? throw new NotFoundException("API key", command.Id);
        if (scope.Actor?.KeyId == command.Id)
            throw new ConflictException("A key cannot revoke itself; use another admin key.");
        if (revokedAt.RevokedAt is null)
        {
            await db.ExecuteAsync("UPDATE api_keys SET revoked_at = @now, revoked_by = @by WHERE id = @id",
                new { id = command.Id, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        }
        audit.Describe("api_key", command.Id, null, new { revoked = true, alreadyRevoked = revokedAt.RevokedAt is not null });
        return Unit.Value;
    }

    private sealed class RevocationState
    {
        public DateTimeOffset? RevokedAt { get; init; }
    }
}
