using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Students;

/// <summary>
/// Students as the caller may see them, oldest first. <paramref name="Q"/> finds a student by code (<c>0001</c> finds ZP-0001)
/// or, for callers who see names (admins and managers), by a part of the name; auditors and donors search by code only, so a
/// search never tells them more of a name than they are shown.
/// </summary>
public sealed record ListStudents(Guid? ProgrammeId, string? School, string? Status, int? Limit, string? Cursor, string? Q = null)
    : IQuery<Page<StudentView>>, IPagedQuery;

public sealed class ListStudentsValidator : AbstractValidator<ListStudents>
{
    public ListStudentsValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.School).MaximumLength(100);
        RuleFor(q => q.Q).MaximumLength(50);
        RuleFor(q => q.Status).Must(s => s is null || Codes.TryParse<StudentStatus>(s, out _)).WithMessage("status must be active, graduated or withdrawn.");
    }
}

internal sealed class ListStudentsHandler(IDbSession db, AccessScope scope, IFieldCipher cipher) : IQueryHandler<ListStudents, Page<StudentView>>
{
    public async ValueTask<Page<StudentView>> Handle(ListStudents query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var columns = StudentRow.Columns.Replace("id AS Id,", "s.id AS Id,");
        var q = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q.Trim();
        var namesVisible = scope.Actor is null or { Role: Roles.Admin or Roles.Manager };
        var rows = await new KeysetQuery($"SELECT {columns} FROM students s", "s.id")
            .WhereIf(query.ProgrammeId is not null, "s.programme_id = @programmeId")
            .WhereIf(query.School is not null, "s.school = @school")
            .WhereIf(query.Status is not null, "s.status = @status")
            .WhereIf(q is not null, namesVisible
                ? "(lower(s.code) LIKE @pattern ESCAPE '\\' OR lower(s.name) LIKE @pattern ESCAPE '\\')"
                : "lower(s.code) LIKE @pattern ESCAPE '\\'")
            .InScope(scope, db.Dialect, programmeColumn: "s.programme_id",
                ownRows: "EXISTS (SELECT 1 FROM sponsorships sp WHERE sp.student_id = s.id AND sp.donor_id = @ownDonorId)")
            .Parameters(new { programmeId = query.ProgrammeId, school = query.School, status = query.Status, pattern = TextSearch.ContainsPattern(q) })
            .ReadAsync<StudentRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<StudentView>(page.Items.Select(r => r.ToView(scope.Actor, cipher)).ToList(), page.NextCursor);
    }
}
