using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Donors;

/// <summary>Donors oldest first; <c>q</c> finds a name anywhere in it (蒋 finds 蒋晟晖).</summary>
public sealed record ListDonors(string? Q, string? Kind, int? Limit, string? Cursor) : IQuery<Page<DonorView>>, IPagedQuery;

public sealed class ListDonorsValidator : AbstractValidator<ListDonors>
{
    public ListDonorsValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Q).MaximumLength(100);
        RuleFor(q => q.Kind).Must(k => k is null || DonorKinds.All.Contains(k)).WithMessage("kind must be person or organisation.");
    }
}

internal sealed class ListDonorsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListDonors, Page<DonorView>>
{
    public async ValueTask<Page<DonorView>> Handle(ListDonors query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var where = new List<string>();
        if (after is not null) where.Add("id > @after");
        if (scope.Actor is { Role: Roles.Donor } donor) where.Add(donor.DonorId is null ? "1 = 0" : "id = @ownDonorId");
        if (!string.IsNullOrEmpty(query.Q)) where.Add("lower(name) LIKE @pattern ESCAPE '\\'");
        if (query.Kind is not null) where.Add("kind = @kind");
        var sql = $"SELECT {DonorView.Columns} FROM donors {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id LIMIT @take";
        var rows = await db.QueryAsync<DonorView>(sql, new
        {
            after, ownDonorId = scope.Actor?.DonorId, pattern = TextSearch.ContainsPattern(query.Q), kind = query.Kind, take = limit + 1,
        }, ct);
        return Cursor.ToPage(rows, limit, d => d.Id);
    }
}
