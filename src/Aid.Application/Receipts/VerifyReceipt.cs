using System.Text.Json;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// Public check of a receipt by number and code. "valid" or "void" (with the amount and date only) needs three things:
/// the stored snapshot still carries the code its HMAC gives (recomputed under every key this instance holds, so codes
/// printed before a key rotation keep verifying); the receipt row agrees with the snapshot (number, kind, total, currency,
/// issue date, the receipt it replaces, its gifts, its status columns); and the presented code is the receipt's. Anything
/// else is "invalid" and reveals nothing more — a number never issued included. "unknown" is only for a number that is not
/// well-formed (DESIGN.md, verify).
/// </summary>
public sealed record VerifyReceipt(string Number, string? Code) : IQuery<ReceiptCheck>;

public sealed record ReceiptVerification(string Status, string? Number, string? Total, string? Currency, DateOnly? IssuedOn);

/// <summary>
/// The public answer, and — for the server's log only, never for the caller — what of the stored receipt disagreed with
/// its signed snapshot: a column name, no values (so no personal data). <see cref="Details"/> is for the public page only,
/// and only with a "valid" or "void" answer: never part of the JSON answer.
/// </summary>
public sealed record ReceiptCheck(ReceiptVerification Answer, string? Disagreement, ReceiptPageDetails? Details = null);

/// <summary>
/// What the public verification page adds to a confirmed answer, all of it printed on the receipt itself or about the receipt
/// (never about the donor): the receipt's language, the issuer as printed, the amount in Chinese capitals (大写), the void
/// receipt it replaces, and — for a void receipt — the number of the receipt that replaced it.
/// </summary>
public sealed record ReceiptPageDetails(string Language, ReceiptIssuerInfo Issuer, string TotalInWords, string? Replaces, string? ReplacedBy);

internal sealed class VerifyReceiptHandler(IDbSession db, IKeyRing keys, Auditing.AuditedRows audited) : IQueryHandler<VerifyReceipt, ReceiptCheck>
{
    /// <summary>The purpose <see cref="ReceiptIssuer"/> derives the code's key for.</summary>
    private const string KeyPurpose = "receipt-verification";

    private static readonly ReceiptVerification Unknown = new("unknown", null, null, null, null);
    private static readonly ReceiptVerification Invalid = new("invalid", null, null, null, null);

    public async ValueTask<ReceiptCheck> Handle(VerifyReceipt query, CancellationToken ct)
    {
        if (!ReceiptNumber.TryParse(query.Number, out _, out _, out _)) return new ReceiptCheck(Unknown, null);
        var receipt = await db.QuerySingleOrDefaultAsync<Row>("""
            SELECT r.id AS Id, r.number AS Number, r.prefix AS Prefix, r.year AS Year, r.sequence AS Sequence, r.kind AS Kind,
                   r.status AS Status, CASE WHEN r.voided_at IS NULL THEN 0 ELSE 1 END AS Voided, r.verification_code AS Code,
                   r.total AS Total, r.currency AS Currency, r.issued_on AS IssuedOn, r.content AS Content, o.number AS ReplacesNumber,
                   n.number AS ReplacedByNumber
            FROM receipts r LEFT JOIN receipts o ON o.id = r.replaces_id LEFT JOIN receipts n ON n.id = r.replaced_by_id
            WHERE r.number = @number
            """, new { number = query.Number }, ct);
        if (receipt is null) return new ReceiptCheck(Invalid, null); // never issued: the same answer as a wrong code

        var gifts = await db.QueryAsync<Guid>("SELECT gift_id FROM receipt_gifts WHERE receipt_id = @id", new { id = receipt.Id }, ct);
        // Checked whatever code was presented: a receipt whose rows were edited is logged the first time anyone looks at it.
        var disagreement = Disagreement(receipt, gifts) ?? await ChainDigestProblemAsync(receipt.Id, ct);
        if (disagreement is not null) return new ReceiptCheck(Invalid, disagreement);
        if (!ReceiptContent.CodesMatch(receipt.Code, query.Code)) return new ReceiptCheck(Invalid, null);
        var content = ReceiptContent.FromJson(receipt.Content); // readable: checked above
        var details = new ReceiptPageDetails(content.Language, content.Issuer, content.TotalInWords, content.Replaces,
            receipt.Status == ReceiptStatus.Void ? receipt.ReplacedByNumber : null);
        return new ReceiptCheck(new ReceiptVerification(receipt.Status, receipt.Number, Money.Format(receipt.Total), receipt.Currency, receipt.IssuedOn), null, details);
    }

    /// <summary>The first stored fact that disagrees with the snapshot the code was made over (a column name), or null.</summary>
    private string? Disagreement(Row row, IReadOnlyList<Guid> giftIds)
    {
        ReceiptContent? content;
        try
        {
            content = ReceiptContent.FromJson(row.Content);
        }
        catch (JsonException)
        {
            return "content (not readable)";
        }
        if (content?.VerificationCode is null || content.Lines is null) return "content (not readable)";
        // The snapshot with its code and link blanked is what the HMAC covers: an edited amount, name or date changes it.
        if (!SignedHere(content)) return "content";
        if (row.Code != content.VerificationCode) return "verification_code";
        if (content.VerifyUrl is null || !content.VerifyUrl.EndsWith($"/verify/{row.Number}?code={row.Code}", StringComparison.Ordinal))
            return "content (verification link)";
        if (content.Number != row.Number) return "number";
        if (ReceiptNumber.Format(row.Prefix, (int)row.Year, row.Sequence) != row.Number) return "prefix, year or sequence";
        if (content.Kind != row.Kind) return "kind";
        if (!Money.TryParse(content.Total, out var total, out _) || total != row.Total) return "total";
        if (content.Currency != row.Currency) return "currency";
        if (content.IssuedOn != row.IssuedOn) return "issued_on";
        if (content.Replaces != row.ReplacesNumber) return "replaces_id";
        if ((row.Status, row.Voided) is not ((ReceiptStatus.Valid, 0) or (ReceiptStatus.Void, 1))) return "status";
        if (!content.Lines.Select(l => l.GiftId).Order().SequenceEqual(giftIds.Order())) return "receipt_gifts";
        return null;
    }

    /// <summary>Whether the snapshot's code is its HMAC under one of the keys held here (the current one first).</summary>
    private bool SignedHere(ReceiptContent content)
    {
        foreach (var keyId in keys.KeyIds)
            if (keys.DeriveKey(KeyPurpose, keyId) is { } key && ReceiptContent.CodesMatch(ReceiptContent.ComputeCode(key, content), content.VerificationCode))
                return true;
        return false;
    }

    /// <summary>
    /// Whether the receipt's rows still match the digest the audit trail recorded for them (null when they do): an edit of
    /// the row and the snapshot together, made to agree with each other, is caught here and not above.
    /// </summary>
    private Task<string?> ChainDigestProblemAsync(Guid receiptId, CancellationToken ct) => audited.ProblemAsync("receipt", receiptId, ct);

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required string Number { get; init; }
        public required string Prefix { get; init; }
        public required long Year { get; init; }
        public required long Sequence { get; init; }
        public required string Kind { get; init; }
        public required string Status { get; init; }
        public required long Voided { get; init; }
        public required string Code { get; init; }
        public required long Total { get; init; }
        public required string Currency { get; init; }
        public required DateOnly IssuedOn { get; init; }
        public required string Content { get; init; }
        public string? ReplacesNumber { get; init; }
        public string? ReplacedByNumber { get; init; }
    }
}
