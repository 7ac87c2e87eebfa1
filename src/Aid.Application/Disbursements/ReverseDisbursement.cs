using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Ledger;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Disbursements;

/// <summary>A paid disbursement that came back (wrong card, returned by the school): the reversing entry restores the balance and frees its gifts.</summary>
public sealed record ReverseDisbursement(Guid Id, string Reason) : ICommand<DisbursementView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("disbursement", Id);
}

internal sealed class ReverseDisbursementHandler(IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, AuditRecorder audit)
    : ICommandHandler<ReverseDisbursement, DisbursementView>
{
    public async ValueTask<DisbursementView> Handle(ReverseDisbursement command, CancellationToken ct)
    {
        var disbursement = await DisbursementLoader.LockAsync(db, scope, command.Id, ct);
        if (disbursement.State != DisbursementStatus.Paid)
            throw new ConflictException($"The disbursement is {disbursement.Status}; only a paid one can be reversed.");
        var entryId = await journal.ReverseAsync(disbursement.JournalEntryId!.Value, clock.Today(), EntryKinds.DisbursementReversal, "disbursement",
            disbursement.Id, memo: null, ct);
        await db.ExecuteAsync("""
            UPDATE disbursements SET status = 'reversed', reversed_at = @now, reversed_by = @by, reversal_reason = @reason, reversal_entry_id = @entryId
            WHERE id = @id
            """, new { id = disbursement.Id, now = clock.UtcNow(), by = scope.AuditActor, reason = command.Reason, entryId }, ct);
        audit.Describe("disbursement", disbursement.Id, disbursement.ProgrammeId, new { disbursement.StudentCode, reversed = true, reason = command.Reason });
        return (await DisbursementRow.FindAsync(db, disbursement.Id, ct))!.ToView(await DisbursementRow.FundingAsync(db, disbursement.Id, ct));
    }
}
