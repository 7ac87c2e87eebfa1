using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Students;

/// <summary>
/// A manager looks at a student's guardian phone and home address on the console, where they are shown masked: allowed to
/// managers and admins (as <see cref="RevealStudentIdNumber"/>), and written to the audit trail every time, with the student's
/// code and what was shown, never the values themselves.
/// </summary>
public sealed record RevealStudentContact(Guid Id) : ICommand<StudentView>;

internal sealed class RevealStudentContactHandler(IDbSession db, AccessScope scope, IFieldCipher cipher, AuditRecorder audit)
    : ICommandHandler<RevealStudentContact, StudentView>
{
    public async ValueTask<StudentView> Handle(RevealStudentContact command, CancellationToken ct)
    {
        var student = await StudentRow.FindAsync(db, command.Id, ct);
        if (student is null || !scope.CanSeeProgramme(student.ProgrammeId)) throw new NotFoundException("Student", command.Id);
        if (scope.Actor is { Role: not (Roles.Admin or Roles.Manager) })
            throw new ForbiddenException("Only managers and admins may see a student's guardian phone and address.");
        audit.Describe("student", student.Id, student.ProgrammeId, new { student.Code, revealed = "guardianPhone,address" });
        return student.ToView(scope.Actor, cipher);
    }
}
