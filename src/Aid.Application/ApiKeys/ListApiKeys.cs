using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.ApiKeys;

public sealed record ListApiKeys(int? Limit, string? Cursor) : IQuery<Page<ApiKeyView>>, IPagedQuery;

/// <summary>An API key as listed: never the key or its hash.</summary>
public sealed class ApiKeyView
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public IReadOnlyList<Guid> ProgrammeIds { get; set; } = [];
    public Guid? DonorId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

public sealed class ListApiKeysValidator : AbstractValidator<ListApiKeys>
{
    public ListApiKeysValidator() => this.AddPagingRules();
}

internal sealed class ListApiKeysHandler(IDbSession db) : IQueryHandler<ListApiKeys, Page<ApiKeyView>>
{
    public async ValueTask<Page<ApiKeyView>> Handle(ListApiKeys query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        // Admins only (the endpoint's policy): no scope to apply.
        var rows = await new KeysetQuery(SelectSql, "id").ReadAsync<ApiKeyView>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, k => k.Id);
        if (page.Items.Count > 0)
        {
            var ids = page.Items.Select(k => k.Id).ToList();
            var scopes = await db.QueryAsync<KeyProgramme>(
                $"SELECT api_key_id AS ApiKeyId, programme_id AS ProgrammeId FROM api_key_programmes WHERE {db.Dialect.InList("api_key_id", "ids")}",
                new { ids = db.Dialect.IdList(ids) }, ct);
            var byKey = scopes.ToLookup(s => s.ApiKeyId, s => s.ProgrammeId);
            foreach (var key in page.Items)
                key.ProgrammeIds = byKey[key.Id].ToList();
        }
        return page;
    }

    private const string SelectSql = """
        SELECT id AS Id, name AS Name, role AS Role, donor_id AS DonorId, created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_keys
        """;

    private sealed class KeyProgramme
    {
        public required Guid ApiKeyId { get; init; }
        public required Guid ProgrammeId { get; init; }
    }
}
