using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>Finds the live key whose hash matches the presented token; null when unknown or revoked.</summary>
public sealed record AuthenticateApiKey(string Token) : IQuery<Actor?>;

internal sealed class AuthenticateApiKeyHandler(IDbSession db) : IQueryHandler<AuthenticateApiKey, Actor?>
{
    public async ValueTask<Actor?> Handle(AuthenticateApiKey query, CancellationToken ct)
    {
        var key = await db.QuerySingleOrDefaultAsync<KeyRow>(KeySql, new { keyHash = ApiKeyToken.Hash(query.Token) }, ct);
        if (key is null) return null;
        var programmeIds = key.Role is Roles.Manager or Roles.Auditor
            ? await db.QueryAsync<Guid>("SELECT programme_id FROM api_key_programmes WHERE api_key_id = @id", new { id = key.Id }, ct)
            : [];
        return new Actor(key.Id, key.Role, programmeIds, key.DonorId);
    }

    private const string KeySql = """
        SELECT id AS Id, role AS Role, donor_id AS DonorId FROM api_keys WHERE key_hash = @keyHash AND revoked_at IS NULL
        """;

    private sealed class KeyRow
    {
        public required Guid Id { get; init; }
        public required string Role { get; init; }
        public Guid? DonorId { get; init; }
    }
}
