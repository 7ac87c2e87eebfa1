using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Programmes;

/// <summary>Programmes the caller may see, oldest first; <c>q</c> searches code and name (Chinese works: plain substring).</summary>
public sealed record ListProgrammes(string? Q, string? Status, int? Limit, string? Cursor) : IQuery<Page<ProgrammeView>>, IPagedQuery;

public sealed class ListProgrammesValidator : AbstractValidator<ListProgrammes>
{
    public ListProgrammesValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Q).MaximumLength(100);
        RuleFor(q => q.Status).Must(s => s is null || ProgrammeStatus.All.Contains(s)).WithMessage("status must be planned, active or closed.");
    }
}

internal sealed class ListProgrammesHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListProgrammes, Page<ProgrammeView>>
{
    public async ValueTask<Page<ProgrammeView>> Handle(ListProgrammes query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var filter = scope.ProgrammeFilter;
        var where = new List<string>();
        if (after is not null) where.Add("id > @after");
        if (filter is not null) where.Add(db.Dialect.InList("id", "filter"));
        if (!string.IsNullOrEmpty(query.Q)) where.Add("(lower(name) LIKE @pattern ESCAPE '\\' OR lower(code) LIKE @pattern ESCAPE '\\')");
        if (query.Status is not null) where.Add("status = @status");
        var sql = $"SELECT {ProgrammeRow.Columns} FROM programmes {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY id LIMIT @take";
        var rows = await db.QueryAsync<ProgrammeRow>(sql,
            new { after, filter = filter is null ? null : db.Dialect.IdList(filter), pattern = TextSearch.ContainsPattern(query.Q), status = query.Status, take = limit + 1 }, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<ProgrammeView>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }
}
