using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>A batch with its lines; null when it does not exist or its programme is out of scope.</summary>
public sealed record GetBatch(Guid BatchId) : IQuery<BatchView?>;

internal sealed class GetBatchHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetBatch, BatchView?>
{
    public async ValueTask<BatchView?> Handle(GetBatch query, CancellationToken ct)
    {
        var batch = await BatchRow.FindAsync(db, query.BatchId, ct);
        if (batch is null || !scope.CanSeeProgramme(batch.ProgrammeId)) return null;
        return await BatchViews.LoadAsync(db, batch.Id, ct);
    }
}
