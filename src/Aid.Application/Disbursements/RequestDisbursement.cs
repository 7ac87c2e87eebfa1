using FluentValidation;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Students;
using Mediator;

namespace Aid.Application.Disbursements;

/// <summary>
/// A manager asks to pay a student for an academic year ("2021-2022") and term: <paramref name="Amount"/> in minor units.
/// Nothing moves until another user approves and it is paid. <paramref name="RequestedOn"/> is the business date of the
/// request (default: today in the organisation's time zone): records of past terms are entered long after the fact, and the
/// payment may not precede it.
/// </summary>
public sealed record RequestDisbursement(
    Guid ProgrammeId, Guid StudentId, string AcademicYear, string Term, string Purpose, long Amount, DisbursementChannel Channel, string? Reference,
    DateOnly? RequestedOn = null)
    : ICommand<DisbursementView>, IIdempotentCommand;

/// <summary>
/// The rule that needs the business clock, and the invariants every sender (API, demo) must keep; the shape of an HTTP
/// request is checked at the edge with the same messages.
/// </summary>
public sealed class RequestDisbursementValidator : AbstractValidator<RequestDisbursement>
{
    public RequestDisbursementValidator(BusinessClock clock)
    {
        RuleFor(c => c.Amount).GreaterThan(0).WithMessage("The amount must be greater than zero.");
        RuleFor(c => c.RequestedOn).Must(d => d is null || d <= clock.Today()).WithMessage("requestedOn cannot be in the future.");
        RuleFor(c => c.RequestedOn).Must(d => d is null || d >= BusinessDates.Earliest && d <= BusinessDates.Latest)
            .WithMessage($"requestedOn must be between {BusinessDates.Earliest:yyyy-MM-dd} and {BusinessDates.Latest:yyyy-MM-dd}.");
    }
}

internal sealed class RequestDisbursementHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<RequestDisbursement, DisbursementView>
{
    public async ValueTask<DisbursementView> Handle(RequestDisbursement command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId, ct);
        var student = await StudentRow.FindAsync(db, command.StudentId, ct);
        if (student is null || student.ProgrammeId != programme.Id) throw new InputException("studentId", "No such student in this programme.");
        if (student.State == StudentStatus.Withdrawn) throw new ConflictException($"Student {student.Code} has withdrawn and cannot be paid.");
        var requestedOn = command.RequestedOn ?? clock.Today();
        ProgrammeGuard.EnsureWithinSpan(programme, requestedOn, "requestedOn");

        var channel = command.Channel.Code();
        var id = await DisbursementRequests.InsertAsync(db, clock, scope, new NewDisbursement(programme.Id, student.Id, student.Code, command.AcademicYear,
            command.Term, command.Purpose, command.Amount, command.Channel, command.Reference, requestedOn, BatchId: null), ct);
        audit.Describe("disbursement", id, programme.Id, new { student.Code, command.AcademicYear, command.Term, amount = Money.Format(command.Amount), channel, requestedOn });
        return (await DisbursementRow.FindAsync(db, id, ct))!.ToView([]);
    }
}

/// <summary>A requested disbursement about to be written (by <see cref="RequestDisbursement"/> or a batch).</summary>
internal sealed record NewDisbursement(
    Guid ProgrammeId, Guid StudentId, string StudentCode, string AcademicYear, string Term, string Purpose, long Amount, DisbursementChannel Channel,
    string? Reference, DateOnly RequestedOn, Guid? BatchId);

/// <summary>
/// The one place a requested disbursement is written. A student has at most one live (not rejected, not reversed) disbursement
/// per academic year and term: checked here first for a clear message, and held by a unique index when two requests race
/// (the transaction then runs again and this check answers, see <see cref="Pipeline.TransactionBehaviour{TMessage, TResponse}"/>).
/// The caller holds the programme lock and describes the change for the audit trail.
/// </summary>
internal static class DisbursementRequests
{
    public static async Task EnsureNoLiveAsync(IDbSession db, Guid studentId, string studentCode, string academicYear, string term, CancellationToken ct)
    {
        var live = await db.QueryAsync<string>("""
            SELECT status FROM disbursements
            WHERE student_id = @studentId AND academic_year = @academicYear AND term = @term AND status <> 'rejected' AND status <> 'reversed'
            """, new { studentId, academicYear, term }, ct);
        if (live.Count > 0)
            throw new ConflictException(
                $"Student {studentCode} already has a disbursement for {academicYear} {term} (status {live[0]}): one per student, academic year and term.",
                new Dictionary<string, object?> { ["studentCode"] = studentCode, ["academicYear"] = academicYear, ["term"] = term, ["status"] = live[0] });
    }

    public static async Task<Guid> InsertAsync(IDbSession db, BusinessClock clock, AccessScope scope, NewDisbursement d, CancellationToken ct)
    {
        await EnsureNoLiveAsync(db, d.StudentId, d.StudentCode, d.AcademicYear, d.Term, ct);
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, reference, status, requested_on,
                                       requested_at, requested_by, batch_id)
            VALUES (@id, @programmeId, @studentId, @academicYear, @term, @purpose, @amount, @channel, @reference, 'requested', @requestedOn, @now, @by, @batchId)
            """, new
        {
            id, programmeId = d.ProgrammeId, studentId = d.StudentId, academicYear = d.AcademicYear, term = d.Term, purpose = d.Purpose,
            amount = d.Amount, channel = d.Channel.Code(), reference = d.Reference, requestedOn = d.RequestedOn, now = clock.UtcNow(), by = scope.AuditActor,
            batchId = d.BatchId,
        }, ct);
        return id;
    }
}
