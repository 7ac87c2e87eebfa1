using Aid.Application.Common;
using Aid.Application.Programmes;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// What a batch for a school, academic year ("2026-2027") and term would request now: one line per active student of the
/// school sponsored that year without a live disbursement for the year and term, the total against the available balance.
/// Null when the programme is out of scope or missing.
/// </summary>
public sealed record PreviewBatch(Guid ProgrammeId, string AcademicYear, string Term, string School, BatchAmountBasis Basis = BatchAmountBasis.Sponsorship)
    : IQuery<BatchPreview?>;

internal sealed class PreviewBatchHandler(IDbSession db, AccessScope scope) : IQueryHandler<PreviewBatch, BatchPreview?>
{
    public async ValueTask<BatchPreview?> Handle(PreviewBatch query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var programme = await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct);
        if (programme is null) return null;
        var school = query.School?.Trim() ?? "";
        var (terms, _) = await ProgrammeTerms.OfAsync(db, programme.Id, ct);
        var plan = await BatchPlanner.PlanAsync(db, programme, query.AcademicYear, query.Term, school, query.Basis, terms, ct);
        var (available, _, _) = await BatchPlanner.AvailableAsync(db, programme.Id, ct);
        var existing = await BatchPlanner.ExistingAsync(db, programme.Id, query.AcademicYear, query.Term, school, ct);
        return new BatchPreview(programme.Id, query.AcademicYear, query.Term, school,
            plan.Lines.Select(l => new BatchPreviewLine(l.StudentId, l.StudentCode, l.StudentName, l.Grade, Money.Format(l.AnnualAmount), Money.Format(l.Amount))).ToList(),
            Money.Format(plan.Total), Money.Format(available), plan.Total > available, plan.AlreadyCovered, existing);
    }
}
