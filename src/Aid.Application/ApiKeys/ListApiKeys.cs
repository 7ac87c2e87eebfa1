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
    /// <summary>The person the key belongs to; the key acts with their role and scope (shown here as they are now).</summary>
    public Guid UserId { get; init; }
}

/// <summary>The api_keys row without the hash, with its person's current role and donor; their programmes are in user_programmes.</summary>
internal sealed class ApiKeyRow
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public Guid? DonorId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public required Guid UserId { get; init; }

    public const string Select = """
        SELECT id AS Id, name AS Name, (SELECT u.role FROM users u WHERE u.id = api_keys.user_id) AS Role,
               (SELECT u.donor_id FROM users u WHERE u.id = api_keys.user_id) AS DonorId, created_at AS CreatedAt, revoked_at AS RevokedAt,
               user_id AS UserId
        FROM api_keys
        """;

    public ApiKeyView ToView(IEnumerable<Guid> programmeIds) => new()
    {
        Id = Id, Name = Name, Role = Role, ProgrammeIds = programmeIds.ToList(), DonorId = DonorId, CreatedAt = CreatedAt, RevokedAt = RevokedAt,
        UserId = UserId,
    };

    /// <summary>Views of a page of keys, each with its person's programmes (managers and auditors).</summary>
    public static async Task<IReadOnlyList<ApiKeyView>> ViewsAsync(IDbSession db, IReadOnlyList<ApiKeyRow> rows, CancellationToken ct)
    {
        var programmes = await Users.UserStore.ProgrammesAsync(db, rows.Select(k => k.UserId).ToList(), ct);
        return rows.Select(k => k.ToView(k.Role is Roles.Manager or Roles.Auditor ? programmes[k.UserId] : [])).ToList();
    }
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
        return new Page<ApiKeyView>(await ApiKeyRow.ViewsAsync(db, page.Items, ct), page.NextCursor);
    }
}
