using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Students;

public sealed record ListStudents(Guid? ProgrammeId, string? School, string? Status, int? Limit, string? Cursor) : IQuery<Page<StudentView>>, IPagedQuery;

public sealed class ListStudentsValidator : AbstractValidator<ListStudents>
{
    public ListStudentsValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.School).MaximumLength(100);
        RuleFor(q => q.Status).Must(s => s is null || StudentStatus.All.Contains(s)).WithMessage("status must be active, graduated or withdrawn.");
    }
}

internal sealed class ListStudentsHandler(IDbSession db, AccessScope scope, IFieldCipher cipher) : IQueryHandler<ListStudents, Page<StudentView>>
{
    public async ValueTask<Page<StudentView>> Handle(ListStudents query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var where = new List<string>();
        if (after is not null) where.Add("s.id > @after");
        if (query.ProgrammeId is not null) where.Add("s.programme_id = @programmeId");
        if (query.School is not null) where.Add("s.school = @school");
        if (query.Status is not null) where.Add("s.status = @status");
        if (scope.Actor is { Role: Roles.Donor } donor)
            where.Add(donor.DonorId is null ? "1 = 0" : "EXISTS (SELECT 1 FROM sponsorships sp WHERE sp.student_id = s.id AND sp.donor_id = @ownDonorId)");
        else if (scope.ProgrammeFilter is not null) where.Add(db.Dialect.InList("s.programme_id", "filter"));
        var columns = StudentRow.Columns.Replace("id AS Id,", "s.id AS Id,");
        var sql = $"SELECT {columns} FROM students s {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY s.id LIMIT @take";
        var rows = await db.QueryAsync<StudentRow>(sql, new
        {
            after, programmeId = query.ProgrammeId, school = query.School, status = query.Status, ownDonorId = scope.Actor?.DonorId,
            filter = scope.ProgrammeFilter is { } f ? db.Dialect.IdList(f) : null, take = limit + 1,
        }, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<StudentView>(page.Items.Select(r => r.ToView(scope.Actor, cipher)).ToList(), page.NextCursor);
    }
}
