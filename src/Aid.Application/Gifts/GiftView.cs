using Aid.Application.Common;

namespace Aid.Application.Gifts;

/// <summary>Codes: <c>cash</c>, <c>in_kind</c> (see <see cref="Codes"/>).</summary>
public enum GiftKind { Cash, InKind }

/// <summary>Codes: <c>bank_transfer</c>, <c>cash</c>, <c>wechat_pay</c>, <c>alipay</c>, <c>cheque</c>.</summary>
public enum PaymentMethod { BankTransfer, Cash, WechatPay, Alipay, Cheque }

/// <summary>Codes: <c>invoice</c>, <c>fair_value</c>, <c>not_valued</c>.</summary>
public enum ValuationBasis { Invoice, FairValue, NotValued }

public sealed record PledgeAllocationView(int Instalment, string Amount);

public sealed record GiftReversalView(string Reason, DateOnly ReversedOn, DateTimeOffset ReversedAt);

/// <summary>A student term a gift paid for: the student's pseudonymous code only.</summary>
public sealed record PaidForView(Guid DisbursementId, string StudentCode, string AcademicYear, string Term, string Amount, DateOnly? PaidOn);

/// <summary>
/// A gift as the API shows it. <c>amount</c> is what the gift booked (cash, or the value of goods; "0.00" for goods not valued).
/// <c>pledgeAllocations</c> is listed on a single gift and left out (null) in lists.
/// </summary>
public sealed record GiftView(
    Guid Id, Guid ProgrammeId, Guid DonorId, Guid? PledgeId, string Kind, DateOnly ReceivedOn, string Currency, string Amount,
    string? Method, string? Reference, string? Description, decimal? Quantity, string? Unit, string? ValuationBasis, string? Value,
    string Status, IReadOnlyList<PledgeAllocationView>? PledgeAllocations, string? ExcessAsGift, GiftReversalView? Reversal, DateTimeOffset CreatedAt,
    IReadOnlyList<PaidForView>? PaidFor = null, IReadOnlyList<UnfundedDisbursementView>? UnfundedDisbursements = null);

/// <summary>Only in the answer to a confirmed reversal: an approved disbursement the remaining cash no longer covers.</summary>
public sealed record UnfundedDisbursementView(Guid DisbursementId, string Amount, DateTimeOffset? ApprovedAt);

internal sealed class GiftRow
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required Guid DonorId { get; init; }
    public Guid? PledgeId { get; init; }
    public required string Kind { get; init; }
    public required DateOnly ReceivedOn { get; init; }
    public required string Currency { get; init; }
    public required long Amount { get; init; }
    public string? Method { get; init; }
    public string? Reference { get; init; }
    public string? Description { get; init; }
    public string? Quantity { get; init; }
    public string? Unit { get; init; }
    public string? ValuationBasis { get; init; }
    public Guid? JournalEntryId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? ReversalReason { get; init; }
    public DateOnly? ReversedOn { get; init; }
    public DateTimeOffset? ReversedAt { get; init; }
    /// <summary>Who recorded it (the audit actor); written, not read back.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The same new gift, booked by the journal entry <paramref name="entryId"/>.</summary>
    public GiftRow WithJournalEntry(Guid entryId) => new()
    {
        Id = Id, ProgrammeId = ProgrammeId, DonorId = DonorId, PledgeId = PledgeId, Kind = Kind, ReceivedOn = ReceivedOn, Currency = Currency,
        Amount = Amount, Method = Method, Reference = Reference, Description = Description, Quantity = Quantity, Unit = Unit,
        ValuationBasis = ValuationBasis, JournalEntryId = entryId, CreatedAt = CreatedAt, CreatedBy = CreatedBy,
    };

    public bool IsReversed => ReversedAt is not null;

    public const string Select = """
        SELECT g.id AS Id, g.programme_id AS ProgrammeId, g.donor_id AS DonorId, g.pledge_id AS PledgeId, g.kind AS Kind,
               g.received_on AS ReceivedOn, g.currency AS Currency, g.amount AS Amount, g.method AS Method, g.reference AS Reference,
               g.description AS Description, g.quantity AS Quantity, g.unit AS Unit, g.valuation_basis AS ValuationBasis,
               g.journal_entry_id AS JournalEntryId, g.created_at AS CreatedAt,
               r.reason AS ReversalReason, r.reversed_on AS ReversedOn, r.reversed_at AS ReversedAt
        FROM gifts g LEFT JOIN gift_reversals r ON r.gift_id = g.id
        """;

    /// <summary>Inserts a new gift; the parameters are this row's properties.</summary>
    public const string Insert = """
        INSERT INTO gifts (id, programme_id, donor_id, pledge_id, kind, received_on, currency, amount, method, reference, description,
                           quantity, unit, valuation_basis, journal_entry_id, created_at, created_by)
        VALUES (@Id, @ProgrammeId, @DonorId, @PledgeId, @Kind, @ReceivedOn, @Currency, @Amount, @Method, @Reference, @Description,
                @Quantity, @Unit, @ValuationBasis, @JournalEntryId, @CreatedAt, @CreatedBy)
        """;

    public static Task<GiftRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<GiftRow>($"{Select} WHERE g.id = @id", new { id }, ct);

    public GiftView ToView(IReadOnlyList<PledgeAllocationView>? allocations)
    {
        string? excess = null;
        if (PledgeId is not null && allocations is not null)
        {
            var allocated = allocations.Sum(a => Money.Parse(a.Amount));
            excess = Money.Format(Amount - allocated);
        }
        return new GiftView(Id, ProgrammeId, DonorId, PledgeId, Kind, ReceivedOn, Currency, Money.Format(Amount), Method, Reference,
            Description, Quantity is null ? null : decimal.Parse(Quantity, System.Globalization.CultureInfo.InvariantCulture), Unit,
            ValuationBasis, Kind == GiftKind.InKind.Code() ? Money.Format(Amount) : null,
            IsReversed ? "reversed" : "recorded", allocations, excess,
            IsReversed ? new GiftReversalView(ReversalReason!, ReversedOn!.Value, ReversedAt!.Value) : null, CreatedAt,
            PaidFor: allocations is null ? null : []);
    }

    public static async Task<IReadOnlyList<PledgeAllocationView>> AllocationsAsync(IDbSession db, Guid giftId, CancellationToken ct)
    {
        var rows = await db.QueryAsync<AllocationRow>(
            "SELECT instalment_number AS Instalment, amount AS Amount FROM pledge_allocations WHERE gift_id = @giftId ORDER BY instalment_number",
            new { giftId }, ct);
        return rows.Select(r => new PledgeAllocationView((int)r.Instalment, Money.Format(r.Amount))).ToList();
    }

    /// <summary>The paid (not reversed) disbursements this gift funded.</summary>
    public static async Task<IReadOnlyList<PaidForView>> PaidForAsync(IDbSession db, Guid giftId, CancellationToken ct)
    {
        var rows = await db.QueryAsync<PaidForRow>("""
            SELECT d.id AS DisbursementId, s.code AS StudentCode, d.academic_year AS AcademicYear, d.term AS Term, a.amount AS Amount, d.paid_on AS PaidOn
            FROM disbursement_allocations a JOIN disbursements d ON d.id = a.disbursement_id JOIN students s ON s.id = d.student_id
            WHERE a.gift_id = @giftId AND d.status = 'paid'
            ORDER BY d.paid_on, d.id
            """, new { giftId }, ct);
        return rows.Select(r => new PaidForView(r.DisbursementId, r.StudentCode, r.AcademicYear, r.Term, Money.Format(r.Amount), r.PaidOn)).ToList();
    }

    private sealed class PaidForRow
    {
        public required Guid DisbursementId { get; init; }
        public required string StudentCode { get; init; }
        public required string AcademicYear { get; init; }
        public required string Term { get; init; }
        public required long Amount { get; init; }
        public DateOnly? PaidOn { get; init; }
    }

    private sealed class AllocationRow
    {
        public required long Instalment { get; init; }
        public required long Amount { get; init; }
    }
}
