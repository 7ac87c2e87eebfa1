using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// Approves every line of the batch still requested, all or nothing, each through <see cref="ApproveDisbursement"/> (its
/// checks, its audit record). Four eyes by person: whoever created the batch cannot approve it. The available balance
/// must cover the lines' total. A single line is refused with <see cref="RejectDisbursement"/>.
/// </summary>
public sealed record ApproveBatch(Guid BatchId) : ICommand<BatchView>, IIdempotentCommand;

internal sealed class ApproveBatchHandler(IDbSession db, AccessScope scope, AuditRecorder audit, ISender sender) : ICommandHandler<ApproveBatch, BatchView>
{
    public async ValueTask<BatchView> Handle(ApproveBatch command, CancellationToken ct)
    {
        var batch = await BatchLoader.LockAsync(db, scope, command.BatchId, ct);
        if (await People.IsSamePersonAsync(db, batch.CreatedBy, scope.Actor, ct))
            throw new ForbiddenException("Four-eyes rule: the person who created a batch cannot approve it.");
        var lines = (await LineRow.OfAsync(db, batch.Id, ct)).Where(l => l.State == DisbursementStatus.Requested).ToList();
        if (lines.Count == 0)
            throw new ConflictException("No line of this batch is waiting for approval.");
        var total = lines.Sum(l => l.Amount);
        var (available, cash, committed) = await BatchPlanner.AvailableAsync(db, batch.ProgrammeId, ct);
        if (available < total)
            throw new ConflictException(
                $"Insufficient balance to approve the batch: {Money.Format(available)} is available ({Money.Format(cash)} held, {Money.Format(committed)} committed), {Money.Format(total)} needed, {Money.Format(total - available)} short.",
                new Dictionary<string, object?> { ["available"] = Money.Format(available), ["required"] = Money.Format(total), ["shortfall"] = Money.Format(total - available) });

        foreach (var line in lines)
            await sender.Send(new ApproveDisbursement(line.DisbursementId), ct);
        audit.Describe("disbursement_batch", batch.Id, batch.ProgrammeId, new
        {
            batch.AcademicYear, batch.Term, batch.School, approved = lines.Count, total = Money.Format(total),
        });
        return await BatchViews.LoadAsync(db, batch.Id, ct);
    }
}

internal static class BatchLoader
{
    /// <summary>The batch, with its programme locked (in scope, not closed); out of scope reads as not found.</summary>
    public static async Task<BatchRow> LockAsync(IDbSession db, AccessScope scope, Guid id, CancellationToken ct)
    {
        var batch = await BatchRow.FindAsync(db, id, ct);
        if (batch is null || !scope.CanSeeProgramme(batch.ProgrammeId)) throw new NotFoundException("Batch", id);
        await ProgrammeGuard.LockOpenAsync(db, scope, batch.ProgrammeId, ct);
        return batch;
    }
}
