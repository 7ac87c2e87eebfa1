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
        var rows = await new KeysetQuery($"SELECT {ProgrammeRow.Columns} FROM programmes", "id")
            .InScope(scope, db.Dialect, programmeColumn: "id", ownRows: null)
            .WhereIf(!string.IsNullOrEmpty(query.Q), "(lower(name) LIKE @pattern ESCAPE '\\' OR lower(code) LIKE @pattern ESCAPE '\\')")
            .WhereIf(query.Status is not null, "status = @status")
            .Parameters(new { pattern = TextSearch.ContainsPattern(query.Q), status = query.Status })
            .ReadAsync<ProgrammeRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<ProgrammeView>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }
}
