using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Application.ReceiptRuns;

/// <summary>
/// One chunk of a run, in one transaction: issue up to <see cref="ChunkSize"/> missing receipts and record the
/// progress. Returns true when nothing is left (the run is then completed). Sent by the background worker.
/// </summary>
public sealed record ProcessReceiptRunChunk(Guid RunId, int ChunkSize) : ICommand<bool>;

internal sealed class ProcessReceiptRunChunkHandler(IDbSession db, BusinessClock clock, ReceiptIssuer issuer, AuditRecorder audit)
    : ICommandHandler<ProcessReceiptRunChunk, bool>
{
    public async ValueTask<bool> Handle(ProcessReceiptRunChunk command, CancellationToken ct)
    {
        var run = await db.QuerySingleOrDefaultAsync<ReceiptRunRow>(
            db.Dialect.LockingSelect(ReceiptRunRow.Columns, "receipt_runs", "id = @id", RowLock.Update), new { id = command.RunId }, ct);
        if (run is null || run.Status is "completed" or "failed") return true;

        var year = (int)run.Year;
        var pending = await db.QueryAsync<ReceiptRunWork.PendingGiftRow>(ReceiptRunWork.PendingGiftsSql(run.Kind),
            new { programmeId = run.ProgrammeId, from = new DateOnly(year, 1, 1), to = new DateOnly(year, 12, 31) }, ct);

        // Numbers and contents in order inside the transaction; each PDF (the slow part) rendered on another core as soon as its
        // content is known, while the next receipts are prepared; then stored in order.
        var prepared = new List<PreparedReceipt>();
        var renders = new List<Task<byte[]>>();
        // At most one render per core at a time, so the renders queued behind them do not crowd out this transaction's own work.
        using var cores = new SemaphoreSlim(Environment.ProcessorCount);
        void Render(PreparedReceipt receipt) => renders.Add(Task.Run(async () =>
        {
            await cores.WaitAsync(CancellationToken.None);
            try { return issuer.RenderOriginal(receipt.Content); }
            finally { cores.Release(); }
        }, CancellationToken.None));
        try
        {
            if (run.Kind == ReceiptRunKinds.PerGift)
            {
                foreach (var gift in pending.Take(command.ChunkSize))
                {
                    await issuer.LockDonorAsync(gift.DonorId, ct);
                    prepared.Add(await issuer.PrepareAsync(gift.DonorId, [gift.GiftId], "gift", null, run.Id, IssueTerms.Today, ct));
                    Render(prepared[^1]);
                }
            }
            else
            {
                foreach (var donor in pending.GroupBy(p => p.DonorId).Take(command.ChunkSize))
                {
                    await issuer.LockDonorAsync(donor.Key, ct);
                    prepared.Add(await issuer.PrepareAsync(donor.Key, donor.Select(g => g.GiftId).ToList(), "annual", null, run.Id,
                        new IssueTerms(CoversYear: year), ct));
                    Render(prepared[^1]);
                }
            }
            for (var i = 0; i < prepared.Count; i++)
                await issuer.CompleteAsync(prepared[i], await renders[i], ct);
        }
        finally
        {
            // A chunk that fails rolls back; its renders still running are let finish before the next chunk starts.
            try { await Task.WhenAll(renders); }
            catch (Exception) { } // the chunk's own failure is what propagates
        }
        var issued = prepared.Count;

        var finished = issued == 0;
        var now = clock.UtcNow();
        await db.ExecuteAsync("""
            UPDATE receipt_runs SET status = @status, done = done + @issued, started_at = COALESCE(started_at, @now),
                   finished_at = @finishedAt
            WHERE id = @id
            """, new { id = run.Id, status = finished ? "completed" : "running", issued, now, finishedAt = finished ? now : (DateTimeOffset?)null }, ct);
        audit.Describe("receipt_run", run.Id, run.ProgrammeId, new { issued, finished });
        return finished;
    }
}

/// <summary>Records a failed chunk (its own transaction, after the chunk rolled back); three failures in a row fail the run.</summary>
public sealed record RecordReceiptRunError(Guid RunId, string Error, bool Fail) : ICommand<Unit>;

internal sealed class RecordReceiptRunErrorHandler(IDbSession db, BusinessClock clock, AuditRecorder audit) : ICommandHandler<RecordReceiptRunError, Unit>
{
    public async ValueTask<Unit> Handle(RecordReceiptRunError command, CancellationToken ct)
    {
        await db.ExecuteAsync("""
            UPDATE receipt_runs SET errors = errors + 1, last_error = @error, status = CASE WHEN @fail THEN 'failed' ELSE status END,
                   finished_at = CASE WHEN @fail THEN @now ELSE finished_at END
            WHERE id = @id
            """, new { id = command.RunId, error = command.Error, fail = command.Fail, now = clock.UtcNow() }, ct);
        audit.Describe("receipt_run", command.RunId, null, new { error = command.Error, failed = command.Fail });
        return Unit.Value;
    }
}

/// <summary>Runs the worker should pick up: pending ones and those a stopped process left running.</summary>
public sealed record ListActiveReceiptRuns : IQuery<IReadOnlyList<Guid>>;

internal sealed class ListActiveReceiptRunsHandler(IDbSession db) : IQueryHandler<ListActiveReceiptRuns, IReadOnlyList<Guid>>
{
    public async ValueTask<IReadOnlyList<Guid>> Handle(ListActiveReceiptRuns query, CancellationToken ct) =>
        await db.QueryAsync<Guid>("SELECT id FROM receipt_runs WHERE status IN ('pending', 'running') ORDER BY id", null, ct);
}
