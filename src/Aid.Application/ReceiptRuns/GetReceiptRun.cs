using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ReceiptRuns;

public sealed record GetReceiptRun(Guid Id) : IQuery<ReceiptRunView?>;

internal sealed class GetReceiptRunHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<GetReceiptRun, ReceiptRunView?>
{
    public async ValueTask<ReceiptRunView?> Handle(GetReceiptRun query, CancellationToken ct)
    {
        var run = await db.QuerySingleOrDefaultAsync<ReceiptRunRow>($"SELECT {ReceiptRunRow.Columns} FROM receipt_runs WHERE id = @id", new { id = query.Id }, ct);
        return run is null || !scope.CanSeeProgramme(run.ProgrammeId) ? null : run.ToView(clock.UtcNow());
    }
}

/// <summary>The receipts a run issued, for its ZIP: copies (the originals are the donors'), void ones marked void.</summary>
public sealed record ListRunReceipts(Guid RunId) : IQuery<Func<IAsyncEnumerable<Receipts.StoredReceipt>>?>;

internal sealed class ListRunReceiptsHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<ListRunReceipts, Func<IAsyncEnumerable<Receipts.StoredReceipt>>?>
{
    public async ValueTask<Func<IAsyncEnumerable<Receipts.StoredReceipt>>?> Handle(ListRunReceipts query, CancellationToken ct)
    {
        var programmeId = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT programme_id FROM receipt_runs WHERE id = @id", new { id = query.RunId }, ct);
        if (programmeId is null || !scope.CanSeeProgramme(programmeId.Value)) return null;
        return () => Receipts.StoredReceipt.StreamAsync(db, "run_id = @runId", new { runId = query.RunId }, clock.Zone);
    }
}
