using Aid.Application.Programmes;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Ledger;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Disbursements;

/// <summary>
/// Records that an approved disbursement was paid: Dr aid paid / Cr cash at bank, funded from the programme's gifts
/// oldest unspent money first (stored, so donors and auditors can trace every payout to the gifts behind it). Four eyes:
/// the approver does not also record the payment (the requester may).
/// </summary>
public sealed record PayDisbursement(Guid Id, string PayoutReference, string EvidenceReference, DateOnly PaidOn) : ICommand<DisbursementView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("disbursement", Id);
}

/// <summary>The rule that needs the business clock; the shape of a request is checked at the edge.</summary>
public sealed class PayDisbursementValidator : AbstractValidator<PayDisbursement>
{
    public PayDisbursementValidator(BusinessClock clock) =>
        RuleFor(c => c.PaidOn).Must(d => d <= clock.Today()).WithMessage("paidOn cannot be in the future.");
}

internal sealed class PayDisbursementHandler(IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, AuditRecorder audit)
    : ICommandHandler<PayDisbursement, DisbursementView>
{
    public async ValueTask<DisbursementView> Handle(PayDisbursement command, CancellationToken ct)
    {
        var disbursement = await DisbursementLoader.LockAsync(db, scope, command.Id, ct);
        if (disbursement.State != DisbursementStatus.Approved)
            throw new ConflictException($"The disbursement is {disbursement.Status}; only an approved one can be paid.");
        if (await People.IsSamePersonAsync(db, disbursement.DecidedBy, scope.Actor, ct))
            throw new ForbiddenException("Four-eyes rule: the person who approved a disbursement cannot also record its payment.");
        await EnsureNotPaidBefore(disbursement, ct);
        EnsureNotBeforeRequested(disbursement, command.PaidOn);
        var programme = await ProgrammeRow.FindAsync(db, disbursement.ProgrammeId, ct) ?? throw new NotFoundException("Programme", disbursement.ProgrammeId);
        ProgrammeGuard.EnsureWithinSpan(programme, command.PaidOn, "paidOn");
        await DisbursementLoader.EnsurePayableStudentAsync(db, clock, disbursement.StudentId, ct);
        // Its own commitment is released by paying; the approvals older than it keep their money first.
        await ProgrammeFunds.EnsurePayableAsync(db, disbursement.ProgrammeId, disbursement.Id, disbursement.Amount, ct);

        var funding = await AllocateOldestUnspent(disbursement.ProgrammeId, disbursement.Amount, ct);
        var entryId = await journal.PostAsync(disbursement.ProgrammeId, command.PaidOn, EntryKinds.Disbursement, "disbursement", disbursement.Id,
            [new Posting(Accounts.AidPaid, disbursement.Amount), new Posting(Accounts.CashAtBank, -disbursement.Amount)], memo: null, ct);
        foreach (var (giftId, amount) in funding)
            await db.ExecuteAsync("INSERT INTO disbursement_allocations (disbursement_id, gift_id, amount) VALUES (@id, @giftId, @amount)",
                new { id = disbursement.Id, giftId, amount }, ct);
        await db.ExecuteAsync("""
            UPDATE disbursements SET status = 'paid', paid_on = @paidOn, paid_at = @now, paid_by = @by, payout_reference = @payout,
                   evidence_reference = @evidence, journal_entry_id = @entryId
            WHERE id = @id
            """, new
        {
            id = disbursement.Id, paidOn = command.PaidOn, now = clock.UtcNow(), by = scope.AuditActor, payout = command.PayoutReference,
            evidence = command.EvidenceReference, entryId,
        }, ct);
        audit.Describe("disbursement", disbursement.Id, disbursement.ProgrammeId, new
        {
            disbursement.StudentCode, paid = true, amount = Money.Format(disbursement.Amount), paidOn = command.PaidOn, gifts = funding.Count,
        });
        return (await DisbursementRow.FindAsync(db, disbursement.Id, ct))!.ToView(await DisbursementRow.FundingAsync(db, disbursement.Id, ct));
    }

    /// <summary>
    /// Money is not paid before it was asked for: <paramref name="paidOn"/> may not precede the business date the request
    /// carries (<c>requested_on</c>); a row without one falls back to the date, in the organisation's time zone (as
    /// <see cref="BusinessClock.Today"/> reckons it), on which the request was entered.
    /// </summary>
    private void EnsureNotBeforeRequested(DisbursementRow disbursement, DateOnly paidOn)
    {
        var requestedOn = disbursement.RequestedOnOrEntered(clock.Zone);
        if (paidOn < requestedOn)
            throw new InputException("paidOn",
                $"paidOn {paidOn:yyyy-MM-dd} is before the disbursement was requested on {requestedOn:yyyy-MM-dd}: money is not paid before it is requested.");
    }

    /// <summary>
    /// A row that says approved while the ledger already has its payment (a status set back by hand in the database) is
    /// refused before anything is written: paying twice would double the payout (and collide with its allocations).
    /// </summary>
    private async Task EnsureNotPaidBefore(DisbursementRow disbursement, CancellationToken ct)
    {
        var entries = (await db.QueryAsync<Guid>("""
            SELECT id FROM journal_entries WHERE source_type = 'disbursement' AND source_id = @id AND kind = @kind ORDER BY created_at, id
            """, new { id = disbursement.Id, kind = EntryKinds.Disbursement }, ct)).ToList();
        if (disbursement.JournalEntryId is { } recorded && !entries.Contains(recorded))
            entries.Insert(0, recorded);
        var allocations = await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM disbursement_allocations WHERE disbursement_id = @id",
            new { id = disbursement.Id }, ct);
        if (entries.Count == 0 && allocations == 0)
            return;
        var entry = entries.Count > 0 ? entries[0].ToString() : "none; gift allocations exist";
        throw new ConflictException($"This disbursement has already been paid (ledger entry {entry}); run audit verification.",
            new Dictionary<string, object?> { ["journalEntryIds"] = entries.ToArray(), ["allocations"] = allocations });
    }

    private async Task<List<(Guid GiftId, long Amount)>> AllocateOldestUnspent(Guid programmeId, long amount, CancellationToken ct)
    {
        var gifts = await db.QueryAsync<Unspent>("""
            SELECT g.id AS GiftId,
                   g.amount - CAST(COALESCE((SELECT SUM(a.amount) FROM disbursement_allocations a JOIN disbursements d ON d.id = a.disbursement_id
                                             WHERE a.gift_id = g.id AND d.status = 'paid'), 0) AS BIGINT) AS Amount
            FROM gifts g
            WHERE g.programme_id = @programmeId AND g.kind = 'cash' AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = g.id)
            ORDER BY g.received_on, g.id
            """, new { programmeId }, ct);
        var left = amount;
        var funding = new List<(Guid, long)>();
        foreach (var gift in gifts.Where(g => g.Amount > 0))
        {
            var part = Math.Min(left, gift.Amount);
            funding.Add((gift.GiftId, part));
            left -= part;
            if (left == 0) return funding;
        }
        throw new ConflictException("The programme's unspent gifts do not cover this payment.");
    }

    private sealed class Unspent
    {
        public required Guid GiftId { get; init; }
        public required long Amount { get; init; }
    }
}
