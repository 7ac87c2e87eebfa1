using System.Text.Json.Serialization;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Students;
using FluentValidation;
using Mediator;

namespace Aid.Application.Disbursements;

/// <summary>A manager asks to pay a student for an academic year and term. Nothing moves until another user approves and it is paid.</summary>
public sealed record RequestDisbursement(
    Guid? ProgrammeId, Guid? StudentId, string? AcademicYear, string? Term, string? Purpose, string? Amount, string? Channel, string? Reference)
    : ICommand<DisbursementView>, IIdempotentCommand
{
    [JsonIgnore] public string? IdempotencyKey { get; init; }
}

public sealed class RequestDisbursementValidator : AbstractValidator<RequestDisbursement>
{
    public RequestDisbursementValidator()
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.StudentId).NotEmpty();
        RuleFor(c => c.AcademicYear).NotEmpty().Must(StudentRules.IsAcademicYear).WithMessage("academicYear is two consecutive years, e.g. \"2021-2022\".");
        RuleFor(c => c.Term).NotEmpty().Text(30);
        RuleFor(c => c.Purpose).NotEmpty().Text(200);
        RuleFor(c => c.Amount).MoneyAmount();
        RuleFor(c => c.Channel).NotEmpty().Must(c => DisbursementChannels.All.Contains(c!)).WithMessage("channel must be bank_card, aid_card or school_account.");
        RuleFor(c => c.Reference).Text(100);
    }
}

internal sealed class RequestDisbursementHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<RequestDisbursement, DisbursementView>
{
    public async ValueTask<DisbursementView> Handle(RequestDisbursement command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId!.Value, ct);
        var student = await StudentRow.FindAsync(db, command.StudentId!.Value, ct);
        if (student is null || student.ProgrammeId != programme.Id) throw new InputException("studentId", "No such student in this programme.");
        if (student.Status == StudentStatus.Withdrawn) throw new ConflictException($"Student {student.Code} has withdrawn and cannot be paid.");

        var id = Guid.CreateVersion7();
        var amount = Money.Parse(command.Amount!);
        await db.ExecuteAsync("""
            INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, reference, status, requested_at, requested_by)
            VALUES (@id, @programmeId, @studentId, @academicYear, @term, @purpose, @amount, @channel, @reference, 'requested', @now, @by)
            """, new
        {
            id, programmeId = programme.Id, studentId = student.Id, academicYear = command.AcademicYear, term = command.Term, purpose = command.Purpose,
            amount, channel = command.Channel, reference = command.Reference, now = clock.UtcNow(), by = scope.AuditActor,
        }, ct);
        audit.Describe("disbursement", id, programme.Id, new { student.Code, command.AcademicYear, command.Term, amount = Money.Format(amount), command.Channel });
        return (await DisbursementRow.FindAsync(db, id, ct))!.ToView([]);
    }
}
