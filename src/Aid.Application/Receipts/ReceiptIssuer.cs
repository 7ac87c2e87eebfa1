using System.Globalization;
using System.Security.Cryptography;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;

namespace Aid.Application.Receipts;

/// <summary>How a receipt is issued beyond its gifts: its business date (today when null), 备注, the year an annual receipt covers.</summary>
/// <param name="FollowSeries">For work that follows another date (a reissue): move the date up to the series' last one instead of refusing.</param>
internal sealed record IssueTerms(DateOnly? IssuedOn = null, string? Note = null, int? CoversYear = null, bool FollowSeries = false)
{
    public static readonly IssueTerms Today = new();
}

/// <summary>A receipt with its number and frozen content, not yet stored (see <see cref="ReceiptIssuer.PrepareAsync"/>).</summary>
internal sealed record PreparedReceipt(Guid Id, ReceiptContent Content, int Year, long Sequence, string Kind, Guid DonorId, Guid? ProgrammeId,
    long Total, Guid? Replaces, Guid? RunId, IReadOnlyList<Guid> GiftIds);

/// <summary>
/// Issues and voids receipts inside the caller's transaction. The number comes from receipt_sequences in the
/// same transaction, so a rollback leaves no hole; the donor row is locked first so two requests cannot
/// receipt the same gift (current_gift_receipts' key enforces it as well).
/// </summary>
public sealed class ReceiptIssuer(
    IDbSession db, BusinessClock clock, AccessScope scope, ReceiptSettings settings, IKeyRing keys, IReceiptRenderer renderer, IRequestBaseUrl baseUrl,
    Auditing.AuditRecorder audit, Auditing.AuditedRows audited, ReceiptEmails emails)
{
    private byte[]? _key;
    private readonly HashSet<Guid> _claimedVoids = [];

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

    internal async Task<ReceiptRow> IssueAsync(Guid donorId, IReadOnlyList<Guid> giftIds, string kind, Guid? replaces, Guid? runId, IssueTerms terms,
        CancellationToken ct)
    {
        var prepared = await PrepareAsync(donorId, giftIds, kind, replaces, runId, terms, ct);
        return await CompleteAsync(prepared, RenderOriginal(prepared.Content), ct);
    }

    /// <summary>
    /// The first half of issuing, inside the transaction: takes the next number and freezes the content. The PDF can
    /// then be rendered (in parallel, for a batch) before <see cref="CompleteAsync"/> stores the receipt.
    /// </summary>
    internal async Task<PreparedReceipt> PrepareAsync(Guid donorId, IReadOnlyList<Guid> giftIds, string kind, Guid? replaces, Guid? runId, IssueTerms terms,
        CancellationToken ct)
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
        var issuedOn = IssueDate(terms, lines[^1].ReceivedOn);
        // A receipt voided without a replacement is replaced by the next receipt for any of its gifts, however much later
        // (never dated before that void).
        if (replaces is null && await UnreplacedVoidAsync(giftIds, ct) is { } voided)
        {
            replaces = voided.Id;
            var voidedOn = voided.VoidNote(clock.Zone)!.VoidedOn;
            if (issuedOn < voidedOn)
            {
                if (!terms.FollowSeries)
                    throw new InputException("issuedOn", $"issuedOn {issuedOn:yyyy-MM-dd} is before receipt {voided.Number}, which this one replaces, was voided on {voidedOn:yyyy-MM-dd}.");
                issuedOn = voidedOn;
            }
        }
        // Taken inside the issuing transaction: a rolled-back issue leaves no hole in the numbers.
        var sequence = await db.QuerySingleAsync<long>(db.Dialect.IncrementCounter("receipt_sequences", "prefix, year", "@prefix, @year", "last_number"),
            new { prefix = settings.Prefix, year = issuedOn.Year }, ct);
        issuedOn = await InSeriesOrderAsync(issuedOn, sequence, terms, ct);
        var number = ReceiptNumber.Format(settings.Prefix, issuedOn.Year, sequence);
        var replacesNumber = replaces is null ? null
            : await db.QuerySingleAsync<string>("SELECT number FROM receipts WHERE id = @replaces", new { replaces }, ct);

        var content = new ReceiptContent(number, kind, issuedOn, issuedAt, donor.Language, settings.Issuer,
            DonorView.PublicName(donor.Name, donor.Anonymous, donor.Language), donor.Anonymous, lines[0].Currency,
            lines.Select(l => new ReceiptLine(l.GiftId, l.ReceivedOn, l.ProgrammeCode, l.ProgrammeName, l.Kind, l.Method, l.Description,
                l.Quantity, l.Unit, l.ValuationBasis, Money.Format(l.Amount))).ToList(),
            Money.Format(total), ChineseAmount.Renminbi(total), replacesNumber, "", "",
            DonorCode: donor.Anonymous ? null : donor.OrganisationCode,
            CoversYear: kind == "annual" ? terms.CoversYear ?? lines[0].ReceivedOn.Year : null,
            Note: string.IsNullOrWhiteSpace(terms.Note) ? null : terms.Note.Trim(),
            IssuedBy: await IssuerNameAsync(ct),
            ReviewedBy: settings.Reviewer);
        var code = ReceiptContent.ComputeCode(Key, content);
        var link = $"{(settings.PublicBaseUrl ?? baseUrl.Current ?? "http://127.0.0.1:5080").TrimEnd('/')}/verify/{number}?code={code}";
        var programmes = lines.Select(l => l.ProgrammeId).Distinct().ToList();
        return new PreparedReceipt(Guid.CreateVersion7(), content with { VerificationCode = code, VerifyUrl = link }, issuedOn.Year, sequence, kind,
            donorId, programmes.Count == 1 ? programmes[0] : null, total, replaces, runId, lines.Select(l => l.GiftId).ToList());
    }

    /// <summary>
    /// The receipt's business date: today unless <see cref="IssueTerms.IssuedOn"/> says otherwise — never in the future, never
    /// before the last gift it covers. Work that follows another business date (a reissue after a back-dated reversal) moves
    /// up to the gift's date instead of failing.
    /// </summary>
    private DateOnly IssueDate(IssueTerms terms, DateOnly lastGift)
    {
        var today = clock.Today();
        if (terms.IssuedOn is not { } issuedOn) return today;
        if (issuedOn > today) throw new InputException("issuedOn", "issuedOn cannot be in the future.");
        if (issuedOn >= lastGift) return issuedOn;
        if (!terms.FollowSeries)
            throw new InputException("issuedOn", $"issuedOn {issuedOn:yyyy-MM-dd} is before the gift received on {lastGift:yyyy-MM-dd}: a receipt is never dated before the gift.");
        return lastGift;
    }

    /// <summary>
    /// Numbers and dates run in the same order: a back-dated receipt is never dated before the one numbered just before it.
    /// Read after taking the number, under the counter's row lock, so a concurrent issue cannot slip in between. Refusing
    /// rolls the number back with the transaction; a reissue moves up to that date instead (the same year: its number stands).
    /// </summary>
    private async Task<DateOnly> InSeriesOrderAsync(DateOnly issuedOn, long sequence, IssueTerms terms, CancellationToken ct)
    {
        if (terms.IssuedOn is null || sequence == 1) return issuedOn; // today is never before an earlier receipt's date
        var previous = await db.QueryAsync<DateOnly>("SELECT issued_on FROM receipts WHERE prefix = @prefix AND year = @year AND sequence = @sequence",
            new { prefix = settings.Prefix, year = issuedOn.Year, sequence = sequence - 1 }, ct);
        if (previous.Count == 0 || issuedOn >= previous[0]) return issuedOn;
        if (!terms.FollowSeries)
            throw new InputException("issuedOn", $"issuedOn {issuedOn:yyyy-MM-dd} is before the last receipt of {issuedOn.Year}, issued on {previous[0]:yyyy-MM-dd}: receipt numbers and dates run in the same order.");
        return previous[0];
    }

    /// <summary>
    /// The latest void receipt of any of these gifts that nothing replaced yet, and that no other receipt prepared in this
    /// scope (a run's chunk) claimed; checked against the audit trail before the replacement's link changes its row.
    /// </summary>
    private async Task<ReceiptRow?> UnreplacedVoidAsync(IReadOnlyList<Guid> giftIds, CancellationToken ct)
    {
        var found = await db.QueryAsync<Guid>($"""
            SELECT r.id FROM receipts r JOIN receipt_gifts rg ON rg.receipt_id = r.id
            WHERE r.status = 'void' AND r.replaced_by_id IS NULL AND {db.Dialect.InList("rg.gift_id", "giftIds")}
            ORDER BY r.year DESC, r.sequence DESC
            """, new { giftIds = db.Dialect.IdList(giftIds) }, ct);
        var voidId = found.FirstOrDefault(id => !_claimedVoids.Contains(id));
        if (voidId == Guid.Empty) return null;
        _claimedVoids.Add(voidId);
        await audited.EnsureIntactAsync("receipt", voidId, ct);
        return await ReceiptRow.FindAsync(db, voidId, ct);
    }

    /// <summary>经办人: the name of the staff member the request acts for; null for the system's own work and a donor's own request.</summary>
    private async Task<string?> IssuerNameAsync(CancellationToken ct) =>
        scope.Actor is { Role: not Roles.Donor } && await People.UserOfAsync(db, scope.AuditActor, ct) is { } userId
            ? await db.QuerySingleOrDefaultAsync<string>("SELECT display_name FROM users WHERE id = @userId", new { userId }, ct)
            : null;

    /// <summary>The original PDF (hashed into the receipt, attached to its e-mail); safe to call from several threads at once.</summary>
    internal byte[] RenderOriginal(ReceiptContent content) => renderer.Render(content, ReceiptMark.Original);

    /// <summary>The PDF with <paramref name="mark"/>: a download's rendering.</summary>
    internal byte[] Render(ReceiptContent content, ReceiptMark mark, ReceiptVoidNote? voided = null) => renderer.Render(content, mark, voided);

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
            if (await db.ExecuteAsync("UPDATE receipts SET replaced_by_id = @id WHERE id = @replaces AND replaced_by_id IS NULL",
                    new { id = p.Id, replaces = p.Replaces }, ct) != 1)
                throw new ConflictException("The void receipt is already replaced by another receipt.");
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
    /// <param name="voidedOn">The business date (today when null); never before the receipt's own date, never in the future.</param>
    internal async Task<DateOnly> VoidAsync(ReceiptRow receipt, string reason, DateOnly? voidedOn, CancellationToken ct)
    {
        if (receipt.Status != ReceiptStatus.Valid)
            throw new ConflictException($"Receipt {receipt.Number} is already void.");
        var on = voidedOn ?? clock.Today();
        if (on > clock.Today()) throw new InputException("voidedOn", "voidedOn cannot be in the future.");
        if (on < receipt.IssuedOn)
            throw new InputException("voidedOn", $"voidedOn {on:yyyy-MM-dd} is before receipt {receipt.Number} was issued on {receipt.IssuedOn:yyyy-MM-dd}.");
        await audited.EnsureIntactAsync("receipt", receipt.Id, ct); // the void record must not vouch for an edited receipt
        await db.ExecuteAsync("""
            UPDATE receipts SET status = 'void', void_reason = @reason, voided_at = @now, voided_on = @on, voided_by = @by WHERE id = @id AND status = 'valid'
            """, new { id = receipt.Id, reason, now = clock.UtcNow(), on, by = scope.AuditActor }, ct);
        await db.ExecuteAsync("DELETE FROM current_gift_receipts WHERE receipt_id = @id", new { id = receipt.Id }, ct);
        audit.Covers("receipt", receipt.Id);
        return on;
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
    /// <param name="reversedOn">The reversal's business date: the void is dated then (or on the receipt's date, if that is later).</param>
    internal async Task<(string Voided, string? Reissued)?> OnGiftReversedAsync(Guid giftId, string reason, DateOnly reversedOn, CancellationToken ct)
    {
        var receiptId = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT receipt_id FROM current_gift_receipts WHERE gift_id = @giftId", new { giftId }, ct);
        if (receiptId is null) return null;
        var receipt = (await ReceiptRow.FindAsync(db, receiptId.Value, ct))!;
        var voidReason = $"捐赠已冲销 Gift reversed: {reason}";
        var voidedOn = await VoidAsync(receipt, voidReason, reversedOn < receipt.IssuedOn ? receipt.IssuedOn : reversedOn, ct);
        var rest = await ReissuableGiftsAsync(receipt.Id, ct);
        if (rest.Count == 0 || !renderer.Available)
        {
            await NotifyVoidedAsync(receipt, voidReason, ct);
            return (receipt.Number, null);
        }
        var covered = ReceiptContent.FromJson(receipt.Content).CoversYear;
        var reissued = await IssueAsync(receipt.DonorId, rest, receipt.Kind, receipt.Id, null,
            new IssueTerms(voidedOn, CoversYear: covered, FollowSeries: true), ct);
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
