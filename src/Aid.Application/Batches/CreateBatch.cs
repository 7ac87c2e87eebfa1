using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// Creates the batch of a school for an academic year and term: one requested disbursement (purpose 助学金) per line of
/// <see cref="PreviewBatch"/>, all in one transaction. Refused when it would be empty, and when the school already has a batch
/// for the year and term (also when two managers press at the same moment: the programme lock serialises them, and the
/// unique key on the batch makes the second run answer as a duplicate). A second person approves it (<see cref="ApproveBatch"/>).
/// </summary>
public sealed record CreateBatch(
    Guid ProgrammeId, string AcademicYear, string Term, string School, DisbursementChannel Channel, DateOnly? RequestedOn = null,
    BatchAmountBasis Basis = BatchAmountBasis.Sponsorship) : ICommand<BatchView>, IIdempotentCommand;

/// <summary>The rules that need the business clock, as for a single request.</summary>
public sealed class CreateBatchValidator : AbstractValidator<CreateBatch>
{
    public CreateBatchValidator(BusinessClock clock)
    {
        RuleFor(c => c.RequestedOn).Must(d => d is null || d <= clock.Today()).WithMessage("requestedOn cannot be in the future.");
        RuleFor(c => c.RequestedOn).Must(d => d is null || d >= BusinessDates.Earliest && d <= BusinessDates.Latest)
            .WithMessage($"requestedOn must be between {BusinessDates.Earliest:yyyy-MM-dd} and {BusinessDates.Latest:yyyy-MM-dd}.");
    }
}

internal sealed class CreateBatchHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit) : ICommandHandler<CreateBatch, BatchView>
{
    public const string Purpose = "助学金";

    public async ValueTask<BatchView> Handle(CreateBatch command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId, ct);
        var school = command.School?.Trim() ?? "";
        var (terms, _) = await ProgrammeTerms.OfAsync(db, programme.Id, ct);
        BatchPlanner.Check(command.AcademicYear, command.Term, school, terms);
        if (await BatchPlanner.ExistingAsync(db, programme.Id, command.AcademicYear, command.Term, school, ct) is { } existing)
            throw new ConflictException($"{school} already has a batch for {command.AcademicYear} {command.Term}; open it instead of creating another.",
                new Dictionary<string, object?> { ["batchId"] = existing });
        var requestedOn = command.RequestedOn ?? clock.Today();
        ProgrammeGuard.EnsureWithinSpan(programme, requestedOn, "requestedOn");

        var plan = await BatchPlanner.PlanAsync(db, programme, command.AcademicYear, command.Term, school, command.Basis, terms, ct);
        if (plan.Lines.Count == 0)
            throw new ConflictException(
                $"No student of {school} is waiting for a disbursement for {command.AcademicYear} {command.Term}: none is sponsored that year, or each already has one.");

        var id = Guid.CreateVersion7();
        var channel = command.Channel.Code();
        await db.ExecuteAsync("""
            INSERT INTO disbursement_batches (id, programme_id, academic_year, term, school, channel, requested_on, created_at, created_by)
            VALUES (@id, @programmeId, @academicYear, @term, @school, @channel, @requestedOn, @now, @by)
            """, new
        {
            id, programmeId = programme.Id, academicYear = command.AcademicYear, term = command.Term, school, channel, requestedOn,
            now = clock.UtcNow(), by = scope.AuditActor,
        }, ct);
        foreach (var line in plan.Lines)
        {
            var disbursementId = await DisbursementRequests.InsertAsync(db, clock, scope, new NewDisbursement(programme.Id, line.StudentId, line.StudentCode,
                command.AcademicYear, command.Term, Purpose, line.Amount, command.Channel, Reference: null, requestedOn, id), ct);
            audit.Covers("disbursement", disbursementId);
        }
        audit.Describe("disbursement_batch", id, programme.Id, new
        {
            command.AcademicYear, command.Term, school, channel, requestedOn, basis = command.Basis.Code(), lines = plan.Lines.Count,
            total = Money.Format(plan.Total), students = plan.Lines.Select(l => l.StudentCode).ToList(),
        });
        return await BatchViews.LoadAsync(db, id, ct);
    }
}
