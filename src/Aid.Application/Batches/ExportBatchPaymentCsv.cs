using Aid.Application.Common;
using Aid.Application.Disbursements;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// The bank payment file of a batch: its approved and paid lines as CSV (序号, 学生编号, 姓名, 学校, 年级, 金额, 用途, 批次).
/// Null when the batch does not exist or is out of scope.
/// </summary>
public sealed record ExportBatchPaymentCsv(Guid BatchId) : IQuery<BatchFile?>;

internal sealed class ExportBatchPaymentCsvHandler(IDbSession db, AccessScope scope, IBatchDocuments documents) : IQueryHandler<ExportBatchPaymentCsv, BatchFile?>
{
    public async ValueTask<BatchFile?> Handle(ExportBatchPaymentCsv query, CancellationToken ct)
    {
        var batch = await BatchRow.FindAsync(db, query.BatchId, ct);
        if (batch is null || !scope.CanSeeProgramme(batch.ProgrammeId)) return null;
        var sheet = await BatchSheets.LoadAsync(db, batch, l => l.State is DisbursementStatus.Approved or DisbursementStatus.Paid, ct);
        return new BatchFile(BatchSheets.FileName("付款清单", batch, ".csv"), "text/csv; charset=utf-8", documents.PaymentCsv(sheet));
    }
}
