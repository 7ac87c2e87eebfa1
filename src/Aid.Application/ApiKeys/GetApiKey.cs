using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>One API key as listed (never the key or its hash); admins only, by the endpoint's policy.</summary>
public sealed record GetApiKey(Guid Id) : IQuery<ApiKeyView?>;

internal sealed class GetApiKeyHandler(IDbSession db) : IQueryHandler<GetApiKey, ApiKeyView?>
{
    public async ValueTask<ApiKeyView?> Handle(GetApiKey query, CancellationToken ct)
    {
        var key = await db.QuerySingleOrDefaultAsync<ApiKeyRow>($"{ApiKeyRow.Select} WHERE id = @id", new { id = query.Id }, ct);
        return key is null ? null : (await ApiKeyRow.ViewsAsync(db, [key], ct))[0];
    }
}
