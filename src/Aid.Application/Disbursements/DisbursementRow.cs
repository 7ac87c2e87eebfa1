using Aid.Application.Common;
using Aid.Application.Ledger;

namespace Aid.Application.Disbursements;

/// <summary>Codes: <c>requested</c>, <c>approved</c>, <c>rejected</c>, <c>paid</c>, <c>reversed</c> (see <see cref="Codes"/>).</summary>
public enum DisbursementStatus { Requested, Approved, Rejected, Paid, Reversed }

/// <summary>How the money reaches the student. Codes: <c>bank_card</c>, <c>aid_card</c>, <c>school_account</c>.</summary>
public enum DisbursementChannel { BankCard, AidCard, SchoolAccount }

public sealed record FundingGiftView(Guid GiftId, DateOnly ReceivedOn, string Amount);

public sealed record DisbursementView(
    Guid Id, Guid ProgrammeId, Guid StudentId, string StudentCode, string AcademicYear, string Term, string Purpose, string Amount, string Channel,
    string? Reference, string Status, DateOnly? RequestedOn, DateTimeOffset RequestedAt, string RequestedBy, DateTimeOffset? DecidedAt, string? DecidedBy,
    string? RejectionReason, DateOnly? PaidOn, string? PayoutReference, string? EvidenceReference, DateTimeOffset? ReversedAt, string? ReversalReason,
    IReadOnlyList<FundingGiftView>? FundedBy);

internal sealed class DisbursementRow
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required Guid StudentId { get; init; }
    public required string StudentCode { get; init; }
    public required string AcademicYear { get; init; }
    public required string Term { get; init; }
    public required string Purpose { get; init; }
    public required long Amount { get; init; }
    public required string Channel { get; init; }
    public string? Reference { get; init; }
    public required string Status { get; init; }
    /// <summary>The business date of the request; null only on a row written without one (see <see cref="RequestedOnOrEntered"/>).</summary>
    public DateOnly? RequestedOn { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public required string RequestedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecidedBy { get; init; }
    public string? RejectionReason { get; init; }
    public DateOnly? PaidOn { get; init; }
    public string? PayoutReference { get; init; }
    public string? EvidenceReference { get; init; }
    public Guid? JournalEntryId { get; init; }
    public DateTimeOffset? ReversedAt { get; init; }
    public string? ReversalReason { get; init; }

    public DisbursementStatus State => Codes.Parse<DisbursementStatus>(Status);

    /// <summary>The request's business date: <see cref="RequestedOn"/>, or else the date in <paramref name="zone"/> it was entered.</summary>
    public DateOnly RequestedOnOrEntered(TimeZoneInfo zone) =>
        RequestedOn ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(RequestedAt, zone).DateTime);

    public const string Select = """
        SELECT d.id AS Id, d.programme_id AS ProgrammeId, d.student_id AS StudentId, s.code AS StudentCode, d.academic_year AS AcademicYear,
               d.term AS Term, d.purpose AS Purpose, d.amount AS Amount, d.channel AS Channel, d.reference AS Reference, d.status AS Status,
               d.requested_on AS RequestedOn, d.requested_at AS RequestedAt, d.requested_by AS RequestedBy, d.decided_at AS DecidedAt, d.decided_by AS DecidedBy,
               d.rejection_reason AS RejectionReason, d.paid_on AS PaidOn, d.payout_reference AS PayoutReference,
               d.evidence_reference AS EvidenceReference, d.journal_entry_id AS JournalEntryId, d.reversed_at AS ReversedAt,
               d.reversal_reason AS ReversalReason
        FROM disbursements d JOIN students s ON s.id = d.student_id
        """;

    public static Task<DisbursementRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<DisbursementRow>($"{Select} WHERE d.id = @id", new { id }, ct);

    public DisbursementView ToView(IReadOnlyList<FundingGiftView>? fundedBy) => new(
        Id, ProgrammeId, StudentId, StudentCode, AcademicYear, Term, Purpose, Money.Format(Amount), Channel, Reference, Status, RequestedOn, RequestedAt,
        RequestedBy, DecidedAt, DecidedBy, RejectionReason, PaidOn, PayoutReference, EvidenceReference, ReversedAt, ReversalReason, fundedBy);

    public static async Task<IReadOnlyList<FundingGiftView>> FundingAsync(IDbSession db, Guid id, CancellationToken ct)
    {
        var rows = await db.QueryAsync<FundingRow>("""
            SELECT a.gift_id AS GiftId, g.received_on AS ReceivedOn, a.amount AS Amount
            FROM disbursement_allocations a JOIN gifts g ON g.id = a.gift_id
            WHERE a.disbursement_id = @id ORDER BY g.received_on, g.id
            """, new { id }, ct);
        return rows.Select(r => new FundingGiftView(r.GiftId, r.ReceivedOn, Money.Format(r.Amount))).ToList();
    }

    private sealed class FundingRow
    {
        public required Guid GiftId { get; init; }
        public required DateOnly ReceivedOn { get; init; }
        public required long Amount { get; init; }
    }
}

/// <summary>A programme's money as far as disbursing is concerned; read under the programme lock.</summary>
internal static class ProgrammeFunds
{
    public static Task<long> CashAsync(IDbSession db, Guid programmeId, CancellationToken ct) =>
        db.QuerySingleAsync<long>("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings WHERE programme_id = @programmeId AND account = @account",
            new { programmeId, account = Accounts.CashAtBank }, ct);

    /// <summary>Approved but not yet paid: promised to students, so no longer available.</summary>
    public static Task<long> CommittedAsync(IDbSession db, Guid programmeId, Guid? except, CancellationToken ct) =>
        db.QuerySingleAsync<long>("""
            SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM disbursements
            WHERE programme_id = @programmeId AND status = 'approved' AND id <> @except
            """, new { programmeId, except = except ?? Guid.Empty }, ct);

    public static async Task EnsureAvailableAsync(IDbSession db, Guid programmeId, long amount, Guid? except, CancellationToken ct)
    {
        var cash = await CashAsync(db, programmeId, ct);
        var committed = await CommittedAsync(db, programmeId, except, ct);
        if (cash - committed < amount)
            throw new ConflictException(
                $"Insufficient balance: {Money.Format(cash - committed)} is available ({Money.Format(cash)} held, {Money.Format(committed)} committed), {Money.Format(amount)} needed.",
                new Dictionary<string, object?> { ["available"] = Money.Format(cash - committed), ["required"] = Money.Format(amount) });
    }

    /// <summary>
    /// Approved, unpaid disbursements in the order their money is promised: oldest approval first (ties: id). When a confirmed
    /// gift reversal leaves less cash than is committed, the older promises keep their money and the newest go short.
    /// </summary>
    public static async Task<List<Commitment>> CommitmentsAsync(IDbSession db, Guid programmeId, CancellationToken ct) =>
        (await db.QueryAsync<Commitment>("""
            SELECT id AS Id, amount AS Amount, decided_at AS DecidedAt FROM disbursements
            WHERE programme_id = @programmeId AND status = 'approved'
            """, new { programmeId }, ct))
        .OrderBy(c => c.DecidedAt).ThenBy(c => c.Id.ToString(), StringComparer.Ordinal).ToList();

    /// <summary>
    /// Paying needs the cash to cover this disbursement after every approval older than it, not after all others: normally the
    /// same (approval keeps cash ≥ committed); after a confirmed reversal it lets the older approvals be paid while the newest wait.
    /// The message's "committed" is what the older approvals hold.
    /// </summary>
    public static async Task EnsurePayableAsync(IDbSession db, Guid programmeId, Guid disbursementId, long amount, CancellationToken ct)
    {
        var cash = await CashAsync(db, programmeId, ct);
        var ahead = (await CommitmentsAsync(db, programmeId, ct)).TakeWhile(c => c.Id != disbursementId).Sum(c => c.Amount);
        if (cash - ahead < amount)
            throw new ConflictException(
                $"Insufficient balance: {Money.Format(cash - ahead)} is available ({Money.Format(cash)} held, {Money.Format(ahead)} committed), {Money.Format(amount)} needed.",
                new Dictionary<string, object?> { ["available"] = Money.Format(cash - ahead), ["required"] = Money.Format(amount) });
    }
}

internal sealed class Commitment
{
    public required Guid Id { get; init; }
    public required long Amount { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
}
