using Aid.Application.Common;

namespace Aid.Application.Receipts;

/// <summary>
/// A stored receipt as files other than the donor's own download show it (run ZIPs, the audit pack): never the original —
/// a copy, or marked void.
/// </summary>
public sealed record StoredReceipt(ReceiptContent Content, ReceiptVoidNote? Voided)
{
    public bool Void => Voided is not null;
    public string Number => Content.Number;
    public DateTimeOffset IssuedAt => Content.IssuedAt;
    public ReceiptMark Mark => Void ? ReceiptMark.Void : ReceiptMark.Copy;

    /// <summary>The receipts matching <paramref name="where"/> (over receipts' columns), in number order.</summary>
    /// <param name="zone">The business time zone: the date of a void recorded before void dates were kept.</param>
    internal static async IAsyncEnumerable<StoredReceipt> StreamAsync(IDbSession db, string where, object parameters, TimeZoneInfo zone)
    {
        await foreach (var row in db.StreamAsync<Row>($"""
            SELECT content AS Content, status AS Status, void_reason AS VoidReason, voided_on AS VoidedOn, voided_at AS VoidedAt, issued_on AS IssuedOn,
                   (SELECT n.number FROM receipts n WHERE n.id = receipts.replaced_by_id) AS ReplacedBy
            FROM receipts
            WHERE {where} ORDER BY year, sequence
            """, parameters, default))
            yield return new StoredReceipt(ReceiptContent.FromJson(row.Content),
                row.Status == ReceiptStatus.Void ? ReceiptVoidNote.Of(row.VoidReason, row.VoidedOn, row.VoidedAt, row.IssuedOn, row.ReplacedBy, zone) : null);
    }

    private sealed class Row
    {
        public required string Content { get; init; }
        public required string Status { get; init; }
        public string? VoidReason { get; init; }
        public DateOnly? VoidedOn { get; init; }
        public DateTimeOffset? VoidedAt { get; init; }
        public required DateOnly IssuedOn { get; init; }
        public string? ReplacedBy { get; init; }
    }
}
