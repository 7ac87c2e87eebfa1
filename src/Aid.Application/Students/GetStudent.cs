using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Students;

public sealed record GetStudent(Guid Id) : IQuery<StudentView?>;

internal sealed class GetStudentHandler(IDbSession db, AccessScope scope, IFieldCipher cipher) : IQueryHandler<GetStudent, StudentView?>
{
    public async ValueTask<StudentView?> Handle(GetStudent query, CancellationToken ct)
    {
        var student = await StudentRow.FindAsync(db, query.Id, ct);
        return student is not null && await StudentAccess.CanSeeAsync(db, scope, student, ct) ? student.ToView(scope.Actor, cipher) : null;
    }
}

/// <summary>A manager looks at a student's full ID number: allowed, and written to the audit trail every time.</summary>
public sealed record RevealStudentIdNumber(Guid Id) : ICommand<StudentView>;

internal sealed class RevealStudentIdNumberHandler(IDbSession db, AccessScope scope, IFieldCipher cipher, AuditRecorder audit)
    : ICommandHandler<RevealStudentIdNumber, StudentView>
{
    public async ValueTask<StudentView> Handle(RevealStudentIdNumber command, CancellationToken ct)
    {
        var student = await StudentRow.FindAsync(db, command.Id, ct);
        if (student is null || !scope.CanSeeProgramme(student.ProgrammeId)) throw new NotFoundException("Student", command.Id);
        if (scope.Actor is { Role: not (Roles.Admin or Roles.Manager) })
            throw new ForbiddenException("Only managers and admins may see a student's full ID number.");
        audit.Describe("student", student.Id, student.ProgrammeId, new { student.Code, revealed = "idNumber" });
        return student.ToView(scope.Actor, cipher, reveal: true);
    }
}
