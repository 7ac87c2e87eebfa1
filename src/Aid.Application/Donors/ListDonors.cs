using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Donors;

/// <summary>
/// Donors oldest first; <c>q</c> finds a name anywhere in it (蒋 finds 蒋晟晖), and a <c>q</c> of 1–10 ASCII letters also
/// finds names whose pinyin initials start with it (<c>zsm</c> or <c>ZS</c> finds 张三明; see <see cref="PinyinInitials"/>).
/// </summary>
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
        // 1–10 ASCII letters are also pinyin initials: a prefix of name_initials (indexed; zsm finds 张三明).
        var initials = PinyinInitials.QueryPrefix(query.Q);
        var rows = await new KeysetQuery($"SELECT {DonorRow.Columns} FROM donors", "id")
            .InScope(scope, db.Dialect, programmeColumn: null, ownRows: "id = @ownDonorId")
            .WhereIf(!string.IsNullOrEmpty(query.Q), initials is null
                ? "lower(name) LIKE @pattern ESCAPE '\\'"
                : "(lower(name) LIKE @pattern ESCAPE '\\' OR name_initials LIKE @initials)")
            .WhereIf(query.Kind is not null, "kind = @kind")
            .Parameters(new { pattern = TextSearch.ContainsPattern(query.Q), kind = query.Kind, initials })
            .ReadAsync<DonorRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<DonorView>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }
}
