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
        // Donor records are organisation-wide: staff see every donor, a donor only itself.
        var rows = await new KeysetQuery($"SELECT {DonorRow.Columns} FROM donors", "id")
            .InScope(scope, db.Dialect, programmeColumn: null, ownRows: "id = @ownDonorId")
            .WhereIf(!string.IsNullOrEmpty(query.Q), "lower(name) LIKE @pattern ESCAPE '\\'")
            .WhereIf(query.Kind is not null, "kind = @kind")
            .Parameters(new { pattern = TextSearch.ContainsPattern(query.Q), kind = query.Kind })
            .ReadAsync<DonorRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<DonorView>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }
}
