using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.ApiKeys;

public sealed record ListApiKeys(int? Limit, string? Cursor) : IQuery<Page<ApiKeyView>>, IPagedQuery;

/// <summary>An API key as listed: never the key or its hash.</summary>
public sealed record ApiKeyView
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public IReadOnlyList<Guid> ProgrammeIds { get; init; } = [];
    public Guid? DonorId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The api_keys row without the hash; its programmes are in api_key_programmes.</summary>
internal sealed class ApiKeyRow
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public Guid? DonorId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public const string Select = """
        SELECT id AS Id, name AS Name, role AS Role, donor_id AS DonorId, created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_keys
        """;

    public ApiKeyView ToView(IEnumerable<Guid> programmeIds) => new()
    {
        Id = Id, Name = Name, Role = Role, ProgrammeIds = programmeIds.ToList(), DonorId = DonorId, CreatedAt = CreatedAt, RevokedAt = RevokedAt,
    };
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
        var rows = await new KeysetQuery(ApiKeyRow.Select, "id").ReadAsync<ApiKeyRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, k => k.Id);
        var byKey = Enumerable.Empty<KeyProgramme>().ToLookup(s => s.ApiKeyId, s => s.ProgrammeId);
        if (page.Items.Count > 0)
        {
            var ids = page.Items.Select(k => k.Id).ToList();
            var scopes = await db.QueryAsync<KeyProgramme>(
                $"SELECT api_key_id AS ApiKeyId, programme_id AS ProgrammeId FROM api_key_programmes WHERE {db.Dialect.InList("api_key_id", "ids")}",
                new { ids = db.Dialect.IdList(ids) }, ct);
            byKey = scopes.ToLookup(s => s.ApiKeyId, s => s.ProgrammeId);
        }
        return new Page<ApiKeyView>(page.Items.Select(k => k.ToView(byKey[k.Id])).ToList(), page.NextCursor);
    }

    private sealed class KeyProgramme
    {
        public required Guid ApiKeyId { get; init; }
        public required Guid ProgrammeId { get; init; }
    }
}
