using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Receipts;

public sealed record GetReceipt(string Number) : IQuery<ReceiptView?>;

internal sealed class GetReceiptHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetReceipt, ReceiptView?>
{
    public async ValueTask<ReceiptView?> Handle(GetReceipt query, CancellationToken ct)
    {
        var receipt = await ReceiptRow.FindAsync(db, query.Number, ct);
        if (receipt is null || !await receipt.VisibleToAsync(db, scope, ct)) return null;
        return await receipt.ToViewAsync(db, ct);
    }
}
