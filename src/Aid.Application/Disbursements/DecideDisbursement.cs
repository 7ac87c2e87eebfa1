using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Students;
using Mediator;

namespace Aid.Application.Disbursements;

/// <summary>
/// Four eyes: a different person than the one who asked approves (people, not keys: one person's second key or page
/// session is still the same person, see <see cref="People"/>). Approving commits the money, so it is refused when
/// the programme's available balance (held − committed) does not cover it — checked under the programme lock, so two
/// approvals at the same moment cannot both take the last yuan.
/// </summary>
public sealed record ApproveDisbursement(Guid Id) : ICommand<DisbursementView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("disbursement", Id);
}

/// <summary>
/// Refuses a requested or approved (unpaid) disbursement; the reason is kept with it and in the audit trail. Four eyes: the
/// person who requested it cannot decide on it either way (a mistaken request is rejected by a colleague).
/// </summary>
public sealed record RejectDisbursement(Guid Id, string Reason) : ICommand<DisbursementView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("disbursement", Id);
}

internal sealed class ApproveDisbursementHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<ApproveDisbursement, DisbursementView>
{
    public async ValueTask<DisbursementView> Handle(ApproveDisbursement command, CancellationToken ct)
    {
        var disbursement = await DisbursementLoader.LockAsync(db, scope, command.Id, ct);
        if (disbursement.State != DisbursementStatus.Requested)
            throw new ConflictException($"The disbursement is {disbursement.Status}; only a requested one can be approved.");
        if (await People.IsSamePersonAsync(db, disbursement.RequestedBy, scope.Actor, ct))
            throw new ForbiddenException("Four-eyes rule: the person who requested a disbursement cannot approve it.");
        await DisbursementLoader.EnsurePayableStudentAsync(db, clock, disbursement.StudentId, ct);
        await ProgrammeFunds.EnsureAvailableAsync(db, disbursement.ProgrammeId, disbursement.Amount, null, ct);

        await db.ExecuteAsync("UPDATE disbursements SET status = 'approved', decided_at = @now, decided_by = @by WHERE id = @id",
            new { id = disbursement.Id, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        audit.Describe("disbursement", disbursement.Id, disbursement.ProgrammeId, new { disbursement.StudentCode, approved = true, amount = Money.Format(disbursement.Amount) });
        return (await DisbursementRow.FindAsync(db, disbursement.Id, ct))!.ToView([]);
    }
}

internal sealed class RejectDisbursementHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<RejectDisbursement, DisbursementView>
{
    public async ValueTask<DisbursementView> Handle(RejectDisbursement command, CancellationToken ct)
    {
        var disbursement = await DisbursementLoader.LockAsync(db, scope, command.Id, ct);
        if (disbursement.State is not (DisbursementStatus.Requested or DisbursementStatus.Approved))
            throw new ConflictException($"The disbursement is {disbursement.Status}; only a requested or approved (unpaid) one can be rejected.");
        if (await People.IsSamePersonAsync(db, disbursement.RequestedBy, scope.Actor, ct))
            throw new ForbiddenException("Four-eyes rule: the person who requested a disbursement cannot reject it; another manager decides.");
        await db.ExecuteAsync("""
            UPDATE disbursements SET status = 'rejected', decided_at = @now, decided_by = @by, rejection_reason = @reason WHERE id = @id
            """, new { id = disbursement.Id, now = clock.UtcNow(), by = scope.AuditActor, reason = command.Reason }, ct);
        audit.Describe("disbursement", disbursement.Id, disbursement.ProgrammeId, new { disbursement.StudentCode, rejected = true, reason = command.Reason });
        return (await DisbursementRow.FindAsync(db, disbursement.Id, ct))!.ToView([]);
    }
}

internal static class DisbursementLoader
{
    /// <summary>The disbursement, with its programme locked (in scope, not closed) and re-read under the lock.</summary>
    public static async Task<DisbursementRow> LockAsync(IDbSession db, AccessScope scope, Guid id, CancellationToken ct)
    {
        var found = await DisbursementRow.FindAsync(db, id, ct);
        if (found is null || !scope.CanSeeProgramme(found.ProgrammeId)) throw new NotFoundException("Disbursement", id);
        await ProgrammeGuard.LockOpenAsync(db, scope, found.ProgrammeId, ct);
        return (await DisbursementRow.FindAsync(db, id, ct))!;
    }

    public static async Task EnsurePayableStudentAsync(IDbSession db, BusinessClock clock, Guid studentId, CancellationToken ct)
    {
        var student = (await StudentRow.FindAsync(db, studentId, ct))!;
        if (student.State == StudentStatus.Withdrawn) throw new ConflictException($"Student {student.Code} has withdrawn and cannot be paid.");
        if (StudentRules.AgeOn(student.BirthDate, clock.Today()) < StudentRules.ConsentAge && !student.HasConsent)
            throw new ConflictException($"Student {student.Code} is under {StudentRules.ConsentAge}: record the guardian's consent (date and evidence) first.");
    }
}
