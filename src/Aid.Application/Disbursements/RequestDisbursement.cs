using FluentValidation;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Students;
using Mediator;

namespace Aid.Application.Disbursements;

/// <summary>
/// A manager asks to pay a student for an academic year ("2021-2022") and term: <paramref name="Amount"/> in minor units.
/// Nothing moves until another user approves and it is paid.
/// </summary>
public sealed record RequestDisbursement(
    Guid ProgrammeId, Guid StudentId, string AcademicYear, string Term, string Purpose, long Amount, DisbursementChannel Channel, string? Reference)
    : ICommand<DisbursementView>, IIdempotentCommand;

/// <summary>The invariant every sender must keep; the shape of an HTTP request is checked at the edge.</summary>
public sealed class RequestDisbursementValidator : AbstractValidator<RequestDisbursement>
{
    public RequestDisbursementValidator() =>
        RuleFor(c => c.Amount).GreaterThan(0).WithMessage("The amount must be greater than zero.");
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

        var id = Guid.CreateVersion7();
        var channel = command.Channel.Code();
        await db.ExecuteAsync("""
            INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, reference, status, requested_at, requested_by)
            VALUES (@id, @programmeId, @studentId, @academicYear, @term, @purpose, @amount, @channel, @reference, 'requested', @now, @by)
            """, new
        {
            id, programmeId = programme.Id, studentId = student.Id, academicYear = command.AcademicYear, term = command.Term, purpose = command.Purpose,
            amount = command.Amount, channel, reference = command.Reference, now = clock.UtcNow(), by = scope.AuditActor,
        }, ct);
        audit.Describe("disbursement", id, programme.Id, new { student.Code, command.AcademicYear, command.Term, amount = Money.Format(command.Amount), channel });
        return (await DisbursementRow.FindAsync(db, id, ct))!.ToView([]);
    }
}
