using System.Globalization;
using System.Security.Cryptography;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;

namespace Aid.Application.Receipts;

/// <summary>
/// Issues and voids receipts inside the caller's transaction. The number comes from receipt_sequences in the
/// same transaction, so a rollback leaves no hole; the donor row is locked first so two requests cannot
/// receipt the same gift (current_gift_receipts' key enforces it as well).
/// </summary>
/// <summary>A receipt with its number and frozen content, not yet stored (see <see cref="ReceiptIssuer.PrepareAsync"/>).</summary>
internal sealed record PreparedReceipt(Guid Id, ReceiptContent Content, int Year, long Sequence, string Kind, Guid DonorId, Guid? ProgrammeId,
    long Total, Guid? Replaces, Guid? RunId, IReadOnlyList<Guid> GiftIds);

public sealed class ReceiptIssuer(
    IDbSession db, BusinessClock clock, AccessScope scope, ReceiptSettings settings, IKeyRing keys, IReceiptRenderer renderer, IRequestBaseUrl baseUrl,
    Auditing.AuditRecorder audit, Auditing.AuditedRows audited, ReceiptEmails emails)
{
    private byte[]? _key;

    public bool CanRender => renderer.Available;

    internal async Task LockDonorAsync(Guid donorId, CancellationToken ct)
    {
        var found = await db.QuerySingleOrDefaultAsync<Guid?>(db.Dialect.LockingSelect("id", "donors", "id = @donorId", RowLock.Update), new { donorId }, ct);
        if (found is null) throw new NotFoundException("Donor", donorId);
    }

    /// <summary>Gifts of the donor that may be receipted: not reversed, with a value, and without a valid receipt.</summary>
    internal const string EligibleGiftsWhere = """
        g.amount > 0
        AND NOT EXISTS (SELECT 1 FROM gift_reversals x WHERE x.gift_id = g.id)
        AND NOT EXISTS (SELECT 1 FROM current_gift_receipts c WHERE c.gift_id = g.id)
        """;

    internal async Task<ReceiptRow> IssueAsync(Guid donorId, IReadOnlyList<Guid> giftIds, string kind, Guid? replaces, Guid? runId, CancellationToken ct)
    {
        var prepared = await PrepareAsync(donorId, giftIds, kind, replaces, runId, ct);
        return await CompleteAsync(prepared, RenderOriginal(prepared.Content), ct);
    }

    /// <summary>
    /// The first half of issuing, inside the transaction: takes the next number and freezes the content. The PDF can
    /// then be rendered (in parallel, for a batch) before <see cref="CompleteAsync"/> stores the receipt.
    /// </summary>
    internal async Task<PreparedReceipt> PrepareAsync(Guid donorId, IReadOnlyList<Guid> giftIds, string kind, Guid? replaces, Guid? runId, CancellationToken ct)
    {
        if (!renderer.Available)
            throw new UnavailableException("Receipts cannot be issued: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
        if (giftIds.Count == 0) throw new ConflictException("There is nothing to receipt.");
        foreach (var giftId in giftIds) // a receipt is never printed from a gift the audit trail does not vouch for
            await audited.EnsureIntactAsync("gift", giftId, ct);

        var donor = await db.QuerySingleAsync<DonorRow>($"SELECT {DonorRow.Columns} FROM donors WHERE id = @donorId", new { donorId }, ct);
        var lines = await db.QueryAsync<LineRow>($"""
            SELECT g.id AS GiftId, g.received_on AS ReceivedOn, p.code AS ProgrammeCode, p.name AS ProgrammeName, p.id AS ProgrammeId,
                   g.kind AS Kind, g.method AS Method, g.description AS Description, g.quantity AS Quantity, g.unit AS Unit,
                   g.valuation_basis AS ValuationBasis, g.amount AS Amount, g.currency AS Currency
            FROM gifts g JOIN programmes p ON p.id = g.programme_id
            WHERE {db.Dialect.InList("g.id", "giftIds")}
            ORDER BY g.received_on, g.id
            """, new { giftIds = db.Dialect.IdList(giftIds) }, ct);
        if (lines.Select(l => l.Currency).Distinct().Count() > 1)
            throw new ConflictException("Gifts in different currencies need separate receipts.");
        var total = lines.Sum(l => l.Amount);
        if (total <= 0) throw new ConflictException("A receipt is never issued for zero.");

        var issuedAt = clock.UtcNow();
        var issuedOn = clock.Today();
        // Taken inside the issuing transaction: a rolled-back issue leaves no hole in the numbers.
        var sequence = await db.QuerySingleAsync<long>(db.Dialect.IncrementCounter("receipt_sequences", "prefix, year", "@prefix, @year", "last_number"),
            new { prefix = settings.Prefix, year = issuedOn.Year }, ct);
        var number = ReceiptNumber.Format(settings.Prefix, issuedOn.Year, sequence);
        var replacesNumber = replaces is null ? null
            : await db.QuerySingleAsync<string>("SELECT number FROM receipts WHERE id = @replaces", new { replaces }, ct);

        var content = new ReceiptContent(number, kind, issuedOn, issuedAt, donor.Language, settings.Issuer,
            DonorView.PublicName(donor.Name, donor.Anonymous, donor.Language), donor.Anonymous, lines[0].Currency,
            lines.Select(l => new ReceiptLine(l.GiftId, l.ReceivedOn, l.ProgrammeCode, l.ProgrammeName, l.Kind, l.Method, l.Description,
                l.Quantity, l.Unit, l.ValuationBasis, Money.Format(l.Amount))).ToList(),
            Money.Format(total), ChineseAmount.Renminbi(total), replacesNumber, "", "");
        var code = ReceiptContent.ComputeCode(Key, content);
        var link = $"{(settings.PublicBaseUrl ?? baseUrl.Current ?? "http://127.0.0.1:5080").TrimEnd('/')}/verify/{number}?code={code}";
        var programmes = lines.Select(l => l.ProgrammeId).Distinct().ToList();
        return new PreparedReceipt(Guid.CreateVersion7(), content with { VerificationCode = code, VerifyUrl = link }, issuedOn.Year, sequence, kind,
            donorId, programmes.Count == 1 ? programmes[0] : null, total, replaces, runId, lines.Select(l => l.GiftId).ToList());
    }

    /// <summary>The original PDF (hashed into the receipt, attached to its e-mail); safe to call from several threads at once.</summary>
    internal byte[] RenderOriginal(ReceiptContent content) => renderer.Render(content, ReceiptMark.Original);

    /// <summary>The PDF with <paramref name="mark"/>: a download's rendering.</summary>
    internal byte[] Render(ReceiptContent content, ReceiptMark mark) => renderer.Render(content, mark);

    /// <summary>
    /// The second half of issuing: stores the receipt, its gifts and the current-receipt links, and queues the donor's e-mail
    /// with <paramref name="originalPdf"/> attached (in this transaction: no receipt without its message, no message without it).
    /// </summary>
    internal async Task<ReceiptRow> CompleteAsync(PreparedReceipt p, byte[] originalPdf, CancellationToken ct)
    {
        var pdfSha256 = Convert.ToHexStringLower(SHA256.HashData(originalPdf));
        await db.ExecuteAsync("""
            INSERT INTO receipts (id, number, prefix, year, sequence, kind, donor_id, programme_id, currency, total, issued_on, issued_at, issued_by,
                                  content, verification_code, pdf_sha256, status, replaces_id, run_id)
            VALUES (@id, @number, @prefix, @year, @sequence, @kind, @donorId, @programmeId, @currency, @total, @issuedOn, @issuedAt, @issuedBy,
                    @content, @code, @sha, 'valid', @replaces, @runId)
            """, new
        {
            id = p.Id, number = p.Content.Number, prefix = settings.Prefix, year = p.Year, sequence = p.Sequence, kind = p.Kind, donorId = p.DonorId,
            programmeId = p.ProgrammeId, currency = p.Content.Currency, total = p.Total, issuedOn = p.Content.IssuedOn, issuedAt = p.Content.IssuedAt,
            issuedBy = scope.AuditActor, content = p.Content.ToJson(), code = p.Content.VerificationCode, sha = pdfSha256, replaces = p.Replaces, runId = p.RunId,
        }, ct);
        foreach (var giftId in p.GiftIds)
        {
            await db.ExecuteAsync("INSERT INTO receipt_gifts (receipt_id, gift_id) VALUES (@id, @giftId)", new { id = p.Id, giftId }, ct);
            await db.ExecuteAsync("INSERT INTO current_gift_receipts (gift_id, receipt_id) VALUES (@giftId, @id)", new { id = p.Id, giftId }, ct);
        }
        audit.Covers("receipt", p.Id);
        VoidNotice? replaced = null;
        if (p.Replaces is not null)
        {
            await db.ExecuteAsync("UPDATE receipts SET replaced_by_id = @id WHERE id = @replaces", new { id = p.Id, replaces = p.Replaces }, ct);
            audit.Covers("receipt", p.Replaces.Value);
            var old = (await ReceiptRow.FindAsync(db, p.Replaces.Value, ct))!;
            replaced = new VoidNotice(old.Number, old.VoidReason ?? "");
        }
        await emails.IssuedAsync(p.Id, p.DonorId, p.Content, originalPdf, replaced, ct);
        return (await ReceiptRow.FindAsync(db, p.Id, ct))!;
    }

    /// <summary>
    /// Marks a valid receipt void (number kept) and frees its gifts for a new receipt. The donor is told by
    /// <see cref="NotifyVoidedAsync"/>, or by the replacement's message when one is issued in the same transaction.
    /// </summary>
    internal async Task VoidAsync(ReceiptRow receipt, string reason, CancellationToken ct)
    {
        if (receipt.Status != ReceiptStatus.Valid)
            throw new ConflictException($"Receipt {receipt.Number} is already void.");
        await audited.EnsureIntactAsync("receipt", receipt.Id, ct); // the void record must not vouch for an edited receipt
        await db.ExecuteAsync("""
            UPDATE receipts SET status = 'void', void_reason = @reason, voided_at = @now, voided_by = @by WHERE id = @id AND status = 'valid'
            """, new { id = receipt.Id, reason, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        await db.ExecuteAsync("DELETE FROM current_gift_receipts WHERE receipt_id = @id", new { id = receipt.Id }, ct);
        audit.Covers("receipt", receipt.Id);
    }

    /// <summary>E-mails the donor that <paramref name="receipt"/> is void and nothing replaces it (yet).</summary>
    internal Task NotifyVoidedAsync(ReceiptRow receipt, string reason, CancellationToken ct) =>
        emails.VoidedAsync(receipt.Id, receipt.DonorId, ReceiptContent.FromJson(receipt.Content), reason, ct);

    /// <summary>The gifts of a (void) receipt that can still be receipted again.</summary>
    internal Task<IReadOnlyList<Guid>> ReissuableGiftsAsync(Guid receiptId, CancellationToken ct) =>
        db.QueryAsync<Guid>($"""
            SELECT g.id FROM receipt_gifts rg JOIN gifts g ON g.id = rg.gift_id
            WHERE rg.receipt_id = @receiptId AND {EligibleGiftsWhere}
            ORDER BY g.id
            """, new { receiptId }, ct);

    /// <summary>When a gift is reversed: void its receipt and, where it covered other gifts too, reissue for those.</summary>
    internal async Task<(string Voided, string? Reissued)?> OnGiftReversedAsync(Guid giftId, string reason, CancellationToken ct)
    {
        var receiptId = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT receipt_id FROM current_gift_receipts WHERE gift_id = @giftId", new { giftId }, ct);
        if (receiptId is null) return null;
        var receipt = (await ReceiptRow.FindAsync(db, receiptId.Value, ct))!;
        var voidReason = $"捐赠已冲销 Gift reversed: {reason}";
        await VoidAsync(receipt, voidReason, ct);
        var rest = await ReissuableGiftsAsync(receipt.Id, ct);
        if (rest.Count == 0 || !renderer.Available)
        {
            await NotifyVoidedAsync(receipt, voidReason, ct);
            return (receipt.Number, null);
        }
        var reissued = await IssueAsync(receipt.DonorId, rest, receipt.Kind, receipt.Id, null, ct);
        return (receipt.Number, reissued.Number);
    }

    private byte[] Key => _key ??= keys.DeriveKey("receipt-verification");

    private sealed class LineRow
    {
        public required Guid GiftId { get; init; }
        public required DateOnly ReceivedOn { get; init; }
        public required string ProgrammeCode { get; init; }
        public required string ProgrammeName { get; init; }
        public required Guid ProgrammeId { get; init; }
        public required string Kind { get; init; }
        public string? Method { get; init; }
        public string? Description { get; init; }
        public string? Quantity { get; init; }
        public string? Unit { get; init; }
        public string? ValuationBasis { get; init; }
        public required long Amount { get; init; }
        public required string Currency { get; init; }
    }
}
