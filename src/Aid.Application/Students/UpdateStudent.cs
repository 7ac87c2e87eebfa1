using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Students;

/// <summary>
/// PATCH: school, grade, guardian, consent, or status (withdrawn / graduated, with the date). A null member is left as
/// it is, so every member but the id is nullable on purpose.
/// </summary>
public sealed record UpdateStudent(
    Guid Id, string? School, string? Grade, string? County, string? GuardianName, string? GuardianPhone, string? Address,
    DateOnly? ConsentDate, string? ConsentReference, StudentStatus? Status, DateOnly? StatusDate) : ICommand<StudentView>
{
    public override string ToString() => $"UpdateStudent {{ Id = {Id} }}";
}

/// <summary>The rule that needs the business clock, and a withdrawal or graduation always dated; the shape of a request is checked at the edge.</summary>
public sealed class UpdateStudentValidator : AbstractValidator<UpdateStudent>
{
    public UpdateStudentValidator(BusinessClock clock)
    {
        RuleFor(c => c.ConsentDate).Must(d => d is null || d <= clock.Today()).WithMessage("consentDate cannot be in the future.");
        RuleFor(c => c.StatusDate).NotNull().When(c => c.Status is StudentStatus.Withdrawn or StudentStatus.Graduated)
            .WithMessage("A withdrawal or graduation needs its date (statusDate).");
    }
}

internal sealed class UpdateStudentHandler(IDbSession db, AccessScope scope, IFieldCipher cipher, Preconditions preconditions, AuditRecorder audit) : ICommandHandler<UpdateStudent, StudentView>
{
    public async ValueTask<StudentView> Handle(UpdateStudent command, CancellationToken ct)
    {
        var student = await db.QuerySingleOrDefaultAsync<StudentRow>(
            db.Dialect.LockingSelect(StudentRow.Columns, "students", "id = @id", RowLock.Update), new { id = command.Id }, ct);
        if (student is null || !scope.CanSeeProgramme(student.ProgrammeId)) throw new NotFoundException("Student", command.Id);
        preconditions.EnsureMatches(student.ToView(scope.Actor, cipher));
        var consentDate = command.ConsentDate ?? student.ConsentDate;
        var consentReference = command.ConsentReference ?? student.ConsentReference;
        if (consentDate is not null && string.IsNullOrWhiteSpace(consentReference))
            throw new InputException("consentReference", "A consent needs its evidence reference.");

        await db.ExecuteAsync("""
            UPDATE students SET school = @school, grade = @grade, county = @county, guardian_name = @guardianName, guardian_phone_enc = @phone,
                   address_enc = @address, consent_date = @consentDate, consent_reference = @consentReference, status = @status, status_date = @statusDate
            WHERE id = @id
            """, new
        {
            id = student.Id, school = command.School ?? student.School, grade = command.Grade ?? student.Grade, county = command.County ?? student.County,
            guardianName = command.GuardianName ?? student.GuardianName,
            phone = command.GuardianPhone is null ? student.GuardianPhoneEnc : cipher.Encrypt(command.GuardianPhone),
            address = command.Address is null ? student.AddressEnc : cipher.Encrypt(command.Address),
            consentDate, consentReference, status = command.Status?.Code() ?? student.Status,
            statusDate = command.Status is null ? student.StatusDate : command.StatusDate,
        }, ct);
        audit.Describe("student", student.Id, student.ProgrammeId, new
        {
            student.Code, school = command.School, grade = command.Grade, status = command.Status?.Code(), statusDate = command.StatusDate,
            consentRecorded = command.ConsentDate is not null,
            contactChanged = command.GuardianPhone is not null || command.Address is not null || command.GuardianName is not null,
        });
        return (await StudentRow.FindAsync(db, student.Id, ct))!.ToView(scope.Actor, cipher);
    }
}
