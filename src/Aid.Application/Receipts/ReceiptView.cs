using Aid.Application.Common;

namespace Aid.Application.Receipts;

public static class ReceiptStatus
{
    public const string Valid = "valid";
    public const string Void = "void";
}

/// <param name="OriginalVia">
/// How the donor got the one original: "email" (attached to the receipt's e-mail), "download" (the donor's first download), or
/// null (not yet: the next download by the donor is the original; everyone else's are copies).
/// </param>
public sealed record ReceiptView(
    Guid Id, string Number, string Status, string Kind, Guid DonorId, Guid? ProgrammeId, string Currency, string Total, string TotalInWords,
    DateOnly IssuedOn, DateTimeOffset IssuedAt, string VerificationCode, string VerifyUrl, string? Replaces, string? ReplacedBy,
    string? VoidReason, DateTimeOffset? VoidedAt, IReadOnlyList<Guid> GiftIds, long Downloads, string PdfSha256,
    string? OriginalVia = null, DateTimeOffset? OriginalAt = null, DateOnly? VoidedOn = null);

internal sealed class ReceiptRow
{
    public required Guid Id { get; init; }
    public required string Number { get; init; }
    public required string Status { get; init; }
    public required string Kind { get; init; }
    public required Guid DonorId { get; init; }
    public Guid? ProgrammeId { get; init; }
    public required string Currency { get; init; }
    public required long Total { get; init; }
    public required DateOnly IssuedOn { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required string Content { get; init; }
    public required string VerificationCode { get; init; }
    public required string PdfSha256 { get; init; }
    public string? VoidReason { get; init; }
    public DateTimeOffset? VoidedAt { get; init; }
    public DateOnly? VoidedOn { get; init; }
    public string? ReplacesNumber { get; init; }
    public string? ReplacedByNumber { get; init; }
    public required long Downloads { get; init; }
    public string? OriginalVia { get; init; }
    public DateTimeOffset? OriginalAt { get; init; }

    public const string Select = """
        SELECT r.id AS Id, r.number AS Number, r.status AS Status, r.kind AS Kind, r.donor_id AS DonorId, r.programme_id AS ProgrammeId,
               r.currency AS Currency, r.total AS Total, r.issued_on AS IssuedOn, r.issued_at AS IssuedAt, r.content AS Content,
               r.verification_code AS VerificationCode, r.pdf_sha256 AS PdfSha256, r.void_reason AS VoidReason, r.voided_at AS VoidedAt, r.voided_on AS VoidedOn,
               o.number AS ReplacesNumber, n.number AS ReplacedByNumber, r.downloads AS Downloads, r.original_via AS OriginalVia,
               r.original_at AS OriginalAt
        FROM receipts r
        LEFT JOIN receipts o ON o.id = r.replaces_id
        LEFT JOIN receipts n ON n.id = r.replaced_by_id
        """;

    public static Task<ReceiptRow?> FindAsync(IDbSession db, string number, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ReceiptRow>($"{Select} WHERE r.number = @number", new { number }, ct);

    public static Task<ReceiptRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ReceiptRow>($"{Select} WHERE r.id = @id", new { id }, ct);

    public async Task<ReceiptView> ToViewAsync(IDbSession db, CancellationToken ct) =>
        ToView(await db.QueryAsync<Guid>("SELECT gift_id FROM receipt_gifts WHERE receipt_id = @id ORDER BY gift_id", new { id = Id }, ct));

    /// <param name="gifts">The receipt's gift ids in id order (a list reads them for the whole page at once).</param>
    public ReceiptView ToView(IReadOnlyList<Guid> gifts)
    {
        var content = ReceiptContent.FromJson(Content);
        return new ReceiptView(Id, Number, Status, Kind, DonorId, ProgrammeId, Currency, Money.Format(Total), content.TotalInWords, IssuedOn,
            IssuedAt, VerificationCode, content.VerifyUrl, ReplacesNumber, ReplacedByNumber, VoidReason, VoidedAt, gifts, Downloads, PdfSha256,
            OriginalVia, OriginalAt, VoidedOn);
    }

    /// <summary>What the void receipt's PDF prints about its voiding (null while valid).</summary>
    public ReceiptVoidNote? VoidNote(TimeZoneInfo zone) =>
        Status == ReceiptStatus.Void ? ReceiptVoidNote.Of(VoidReason, VoidedOn, VoidedAt, IssuedOn, ReplacedByNumber, zone) : null;

    /// <summary>Admins see all; a donor its own; staff the receipts whose gifts all lie in their programmes.</summary>
    public async Task<bool> VisibleToAsync(IDbSession db, AccessScope scope, CancellationToken ct)
    {
        if (scope.Actor is { Role: Roles.Donor } donor) return donor.DonorId == DonorId;
        if (scope.ProgrammeFilter is null) return true;
        if (ProgrammeId is { } programmeId) return scope.CanSeeProgramme(programmeId);
        var programmes = await db.QueryAsync<Guid>(
            "SELECT DISTINCT g.programme_id FROM receipt_gifts rg JOIN gifts g ON g.id = rg.gift_id WHERE rg.receipt_id = @id", new { id = Id }, ct);
        return programmes.All(scope.CanSeeProgramme);
    }
}
