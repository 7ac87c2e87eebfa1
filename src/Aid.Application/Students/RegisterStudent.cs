using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Students;

/// <summary>
/// Registers a student in a programme under a pseudonymous code (ZP-0001). The ID number, the guardian's phone and
/// the address are encrypted before they reach the database; the audit trail gets the code, school and grade only.
/// </summary>
public sealed record RegisterStudent(
    Guid ProgrammeId, string Name, Gender Gender, DateOnly BirthDate, string IdNumber, string School, string Grade, string? County,
    bool PovertyRegistered, string? GuardianName, string? GuardianPhone, string? Address, DateOnly? ConsentDate, string? ConsentReference)
    : ICommand<StudentView>, IIdempotentCommand
{
    // Keeps the ID number out of anything that prints the command (exception messages, debugger, logs).
    public override string ToString() => $"RegisterStudent {{ ProgrammeId = {ProgrammeId}, School = {School}, Grade = {Grade} }}";
}

/// <summary>
/// The rules that need the business clock, and what must hold together for any sender: the birth date inside the ID number
/// is the birth date, and a consent is a date with its evidence. The shape of a request is checked at the edge.
/// </summary>
public sealed class RegisterStudentValidator : AbstractValidator<RegisterStudent>
{
    public RegisterStudentValidator(BusinessClock clock)
    {
        RuleFor(c => c.BirthDate).Must(d => d < clock.Today()).WithMessage("birthDate must be in the past.");
        RuleFor(c => c.IdNumber).Must((c, id) => !StudentRules.IsValidIdNumber(id) || StudentRules.BirthDateOf(id) == c.BirthDate)
            .WithMessage("The birth date inside idNumber does not match birthDate.");
        RuleFor(c => c.ConsentDate).Must(d => d is null || d <= clock.Today()).WithMessage("consentDate cannot be in the future.");
        RuleFor(c => c.ConsentReference).NotEmpty().When(c => c.ConsentDate is not null).WithMessage("A consent needs its evidence reference.");
        RuleFor(c => c.ConsentDate).NotNull().When(c => !string.IsNullOrEmpty(c.ConsentReference)).WithMessage("A consent reference needs its date.");
    }
}

internal sealed class RegisterStudentHandler(IDbSession db, BusinessClock clock, AccessScope scope, IFieldCipher cipher, AuditRecorder audit)
    : ICommandHandler<RegisterStudent, StudentView>
{
    public async ValueTask<StudentView> Handle(RegisterStudent command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId, ct);
        var idNumber = command.IdNumber.ToUpperInvariant();
        var fingerprint = cipher.Fingerprint(idNumber);
        var existing = await db.QuerySingleOrDefaultAsync<string>(
            "SELECT code FROM students WHERE programme_id = @programmeId AND id_number_hmac = @fingerprint", new { programmeId = programme.Id, fingerprint }, ct);
        if (existing is not null)
            throw new ConflictException($"This student is already registered in the programme as {existing}.", new Dictionary<string, object?> { ["existingCode"] = existing });

        var sequence = await db.QuerySingleAsync<long>("SELECT COALESCE(MAX(sequence), 0) + 1 FROM students WHERE programme_id = @programmeId",
            new { programmeId = programme.Id }, ct);
        var prefix = programme.Code.Split('-')[0].ToUpperInvariant();
        var code = $"{prefix}-{sequence:0000}";
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO students (id, programme_id, code, sequence, name, gender, birth_date, id_number_enc, id_number_hmac, school, grade, county,
                                  poverty_registered, guardian_name, guardian_phone_enc, address_enc, consent_date, consent_reference, status,
                                  created_at, created_by)
            VALUES (@id, @programmeId, @code, @sequence, @name, @gender, @birthDate, @idEnc, @fingerprint, @school, @grade, @county,
                    @poverty, @guardianName, @phoneEnc, @addressEnc, @consentDate, @consentReference, 'active', @now, @by)
            """, new
        {
            id, programmeId = programme.Id, code, sequence, name = command.Name.Trim(), gender = command.Gender.Code(), birthDate = command.BirthDate,
            idEnc = cipher.Encrypt(idNumber), fingerprint, school = command.School, grade = command.Grade, county = command.County,
            poverty = command.PovertyRegistered, guardianName = command.GuardianName,
            phoneEnc = command.GuardianPhone is null ? null : cipher.Encrypt(command.GuardianPhone),
            addressEnc = command.Address is null ? null : cipher.Encrypt(command.Address), consentDate = command.ConsentDate,
            consentReference = command.ConsentReference, now = clock.UtcNow(), by = scope.AuditActor,
        }, ct);
        audit.Describe("student", id, programme.Id, new { code, command.School, command.Grade, consent = command.ConsentDate is not null });
        var row = await StudentRow.FindAsync(db, id, ct);
        return row!.ToView(scope.Actor, cipher);
    }
}
