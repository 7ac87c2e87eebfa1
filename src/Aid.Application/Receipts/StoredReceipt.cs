using Aid.Application.Common;

namespace Aid.Application.Receipts;

/// <summary>
/// A stored receipt as files other than the donor's own download show it (run ZIPs, the audit pack): never the original —
/// a copy, or marked void.
/// </summary>
public sealed record StoredReceipt(ReceiptContent Content, bool Void)
{
    public string Number => Content.Number;
    public DateTimeOffset IssuedAt => Content.IssuedAt;
    public ReceiptMark Mark => Void ? ReceiptMark.Void : ReceiptMark.Copy;

    /// <summary>The receipts matching <paramref name="where"/> (over receipts' columns), in number order.</summary>
    internal static async IAsyncEnumerable<StoredReceipt> StreamAsync(IDbSession db, string where, object parameters)
    {
        await foreach (var row in db.StreamAsync<Row>($"SELECT content AS Content, status AS Status FROM receipts WHERE {where} ORDER BY year, sequence", parameters, default))
            yield return new StoredReceipt(ReceiptContent.FromJson(row.Content), row.Status == ReceiptStatus.Void);
    }

    private sealed class Row
    {
        public required string Content { get; init; }
        public required string Status { get; init; }
    }
}
