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

        var id = Guid.CreateVersion7();
        var channel = command.Channel.Code();
        await db.ExecuteAsync("""
            INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, reference, status, requested_on,
                                       requested_at, requested_by)
            VALUES (@id, @programmeId, @studentId, @academicYear, @term, @purpose, @amount, @channel, @reference, 'requested', @requestedOn, @now, @by)
            """, new
        {
            id, programmeId = programme.Id, studentId = student.Id, academicYear = command.AcademicYear, term = command.Term, purpose = command.Purpose,
            amount = command.Amount, channel, reference = command.Reference, requestedOn, now = clock.UtcNow(), by = scope.AuditActor,
        }, ct);
        audit.Describe("disbursement", id, programme.Id, new { student.Code, command.AcademicYear, command.Term, amount = Money.Format(command.Amount), channel, requestedOn });
        return (await DisbursementRow.FindAsync(db, id, ct))!.ToView([]);
    }
}
