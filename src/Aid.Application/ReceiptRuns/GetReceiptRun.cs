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

/// <summary>The receipts a run issued, in number order (for the ZIP download), streamed as their snapshots.</summary>
public sealed record ListRunReceipts(Guid RunId) : IQuery<Func<IAsyncEnumerable<Receipts.ReceiptContent>>?>;

internal sealed class ListRunReceiptsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListRunReceipts, Func<IAsyncEnumerable<Receipts.ReceiptContent>>?>
{
    public async ValueTask<Func<IAsyncEnumerable<Receipts.ReceiptContent>>?> Handle(ListRunReceipts query, CancellationToken ct)
    {
        var programmeId = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT programme_id FROM receipt_runs WHERE id = @id", new { id = query.RunId }, ct);
        if (programmeId is null || !scope.CanSeeProgramme(programmeId.Value)) return null;
        return () => Contents(query.RunId);
    }

    private async IAsyncEnumerable<Receipts.ReceiptContent> Contents(Guid runId)
    {
        await foreach (var json in db.StreamAsync<string>("SELECT content FROM receipts WHERE run_id = @runId ORDER BY year, sequence", new { runId }, default))
            yield return Receipts.ReceiptContent.FromJson(json);
    }
}
