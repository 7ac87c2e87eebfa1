using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>
/// Finds the live key whose hash matches the presented token; null when unknown, revoked, or its person is disabled. The
/// key acts as its person: their current role and scope. Successful lookups are kept for a few seconds (<see cref="AuthenticationCache"/>).
/// </summary>
public sealed record AuthenticateApiKey(string Token) : IQuery<Actor?>;

internal sealed class AuthenticateApiKeyHandler(IDbSession db, AuthenticationCache cache) : IQueryHandler<AuthenticateApiKey, Actor?>
{
    public ValueTask<Actor?> Handle(AuthenticateApiKey query, CancellationToken ct)
    {
        var keyHash = ApiKeyToken.Hash(query.Token);
        return cache.GetOrReadAsync(AuthenticationCache.KeyOf(keyHash), () => ReadAsync(keyHash, ct));
    }

    private async ValueTask<Actor?> ReadAsync(string keyHash, CancellationToken ct)
    {
        var key = await db.QuerySingleOrDefaultAsync<KeyRow>(KeySql, new { keyHash }, ct);
        if (key is null) return null;
        var programmeIds = key.Role is Roles.Manager or Roles.Auditor
            ? await db.QueryAsync<Guid>("SELECT programme_id FROM user_programmes WHERE user_id = @userId", new { userId = key.UserId }, ct)
            : [];
        return new Actor(key.Id, key.UserId, key.Role, programmeIds.ToList(), key.DonorId);
    }

    private const string KeySql = """
        SELECT k.id AS Id, u.id AS UserId, u.role AS Role, u.donor_id AS DonorId
        FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.key_hash = @keyHash AND k.revoked_at IS NULL AND u.disabled_at IS NULL
        """;

    private sealed class KeyRow
    {
        public required Guid Id { get; init; }
        public required Guid UserId { get; init; }
        public required string Role { get; init; }
        public Guid? DonorId { get; init; }
    }
}
