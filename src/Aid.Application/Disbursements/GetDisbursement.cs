using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Disbursements;

public sealed record GetDisbursement(Guid Id) : IQuery<DisbursementView?>;

internal sealed class GetDisbursementHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetDisbursement, DisbursementView?>
{
    public async ValueTask<DisbursementView?> Handle(GetDisbursement query, CancellationToken ct)
    {
        var row = await DisbursementRow.FindAsync(db, query.Id, ct);
        if (row is null || !scope.CanSeeProgramme(row.ProgrammeId)) return null;
        return row.ToView(await DisbursementRow.FundingAsync(db, row.Id, ct));
    }
}

public sealed record ListDisbursements(Guid? ProgrammeId, Guid? StudentId, string? Status, int? Limit, string? Cursor) : IQuery<Page<DisbursementView>>, IPagedQuery;

public sealed class ListDisbursementsValidator : AbstractValidator<ListDisbursements>
{
    public ListDisbursementsValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Status).Must(s => s is null || Codes.TryParse<DisbursementStatus>(s, out _))
            .WithMessage("status must be requested, approved, rejected, paid or reversed.");
    }
}

internal sealed class ListDisbursementsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListDisbursements, Page<DisbursementView>>
{
    public async ValueTask<Page<DisbursementView>> Handle(ListDisbursements query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        // Donors see no disbursement list (their view is the donor statement): their programme filter is empty.
        var rows = await new KeysetQuery(DisbursementRow.Select, "d.id")
            .WhereIf(query.ProgrammeId is not null, "d.programme_id = @programmeId")
            .WhereIf(query.StudentId is not null, "d.student_id = @studentId")
            .WhereIf(query.Status is not null, "d.status = @status")
            .InScope(scope, db.Dialect, programmeColumn: "d.programme_id", ownRows: null)
            .Parameters(new { programmeId = query.ProgrammeId, studentId = query.StudentId, status = query.Status })
            .ReadAsync<DisbursementRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<DisbursementView>(page.Items.Select(r => r.ToView(null)).ToList(), page.NextCursor);
    }
}
