using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// Public check of a receipt by number and code: "valid" or "void" with the amount and date only; a wrong code
/// is "invalid" and reveals nothing else; an unknown number is "unknown".
/// </summary>
public sealed record VerifyReceipt(string Number, string? Code) : IQuery<ReceiptVerification>;

public sealed record ReceiptVerification(string Status, string? Number, string? Total, string? Currency, DateOnly? IssuedOn);

internal sealed class VerifyReceiptHandler(IDbSession db) : IQueryHandler<VerifyReceipt, ReceiptVerification>
{
    public async ValueTask<ReceiptVerification> Handle(VerifyReceipt query, CancellationToken ct)
    {
        if (!ReceiptNumber.TryParse(query.Number, out _, out _, out _)) return new ReceiptVerification("unknown", null, null, null, null);
        var receipt = await db.QuerySingleOrDefaultAsync<Row>("""
            SELECT number AS Number, status AS Status, verification_code AS Code, total AS Total, currency AS Currency, issued_on AS IssuedOn
            FROM receipts WHERE number = @number
            """, new { number = query.Number }, ct);
        if (receipt is null) return new ReceiptVerification("unknown", null, null, null, null);
        if (!ReceiptContent.CodesMatch(receipt.Code, query.Code)) return new ReceiptVerification("invalid", null, null, null, null);
        return new ReceiptVerification(receipt.Status, receipt.Number, Money.Format(receipt.Total), receipt.Currency, receipt.IssuedOn);
    }

    private sealed class Row
    {
        public required string Number { get; init; }
        public required string Status { get; init; }
        public required string Code { get; init; }
        public required long Total { get; init; }
        public required string Currency { get; init; }
        public required DateOnly IssuedOn { get; init; }
    }
}
