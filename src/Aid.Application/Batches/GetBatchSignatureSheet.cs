using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// The 学生/监护人签领表 of a batch for the school: every line that is not rejected or reversed, with empty signature and date
/// columns. Null when the batch does not exist or is out of scope; 503 (<see cref="UnavailableException"/>) without a CJK font.
/// </summary>
public sealed record GetBatchSignatureSheet(Guid BatchId) : IQuery<BatchFile?>;

internal sealed class GetBatchSignatureSheetHandler(IDbSession db, AccessScope scope, IBatchDocuments documents) : IQueryHandler<GetBatchSignatureSheet, BatchFile?>
{
    public async ValueTask<BatchFile?> Handle(GetBatchSignatureSheet query, CancellationToken ct)
    {
        var batch = await BatchRow.FindAsync(db, query.BatchId, ct);
        if (batch is null || !scope.CanSeeProgramme(batch.ProgrammeId)) return null;
        if (!documents.Available)
            throw new UnavailableException("Signature sheets cannot be rendered: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
        var sheet = await BatchSheets.LoadAsync(db, batch, l => l.IsLive, ct);
        return new BatchFile(BatchSheets.FileName("签领表", batch, ".pdf"), "application/pdf", documents.SignatureSheet(sheet));
    }
}
