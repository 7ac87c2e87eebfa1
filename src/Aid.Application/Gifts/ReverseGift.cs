using System.Text.Json.Serialization;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Ledger;
using Aid.Application.Pipeline;
using Aid.Application.Receipts;
using FluentValidation;
using Mediator;

namespace Aid.Application.Gifts;

/// <summary>
/// Undoes a gift (bounced transfer, recorded in the wrong programme): a reversing journal entry, the gift marked
/// reversed, and the pledge instalments it filled open again. The gift itself is never changed or deleted.
/// A cash reversal that leaves less cash than the programme's approved, unpaid disbursements need is refused (409, naming
/// the shortfall and the disbursements left unfunded) unless <paramref name="ConfirmShortfall"/>; then it goes through and the
/// answer lists them. Which ones: the most recently approved first, until the rest fits in the cash left (the older promises
/// keep their money). The shortfall is cash after the reversal minus committed: disbursements are paid from cash, so it is the
/// measure <c>PayDisbursement</c> applies (restricted balance = cash + goods in stock, which cannot pay a student).
/// </summary>
/// <param name="ReversedOn">The business date (today when null): not before the gift was received, not in the future; the reversing entry and a
/// voided receipt carry it.</param>
public sealed record ReverseGift(Guid Id, string Reason, bool ConfirmShortfall = false, DateOnly? ReversedOn = null) : ICommand<GiftView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("gift", Id);
}

internal sealed class ReverseGiftHandler(IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, ReceiptIssuer receipts, AuditRecorder audit)
    : ICommandHandler<ReverseGift, GiftView>
{
    public async ValueTask<GiftView> Handle(ReverseGift command, CancellationToken ct)
    {
        var gift = await GiftRow.FindAsync(db, command.Id, ct);
        if (gift is null || !scope.CanSeeProgramme(gift.ProgrammeId))
            throw new NotFoundException("Gift", command.Id);
        await ProgrammeGuard.LockOpenAsync(db, scope, gift.ProgrammeId, ct);
        gift = await GiftRow.FindAsync(db, command.Id, ct) ?? throw new NotFoundException("Gift", command.Id); // re-read under the lock
        if (gift.IsReversed)
            throw new ConflictException("The gift is already reversed.", new Dictionary<string, object?> { ["reversedAt"] = gift.ReversedAt });

        if (await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM goods_distributions WHERE gift_id = @id", new { id = gift.Id }, ct) > 0)
            throw new ConflictException("Some of these goods have already been handed out; they cannot be reversed.");
        var spent = await GiftRow.PaidForAsync(db, gift.Id, ct);
        if (spent.Count > 0)
            throw new ConflictException("Part of this gift has already paid for student aid; reverse those disbursements first.",
                new Dictionary<string, object?> { ["disbursementIds"] = spent.Select(s => s.DisbursementId).ToArray() });
        var reversedOn = command.ReversedOn ?? clock.Today();
        if (reversedOn > clock.Today()) throw new InputException("reversedOn", "reversedOn cannot be in the future.");
        if (reversedOn < gift.ReceivedOn)
            throw new InputException("reversedOn", $"reversedOn {reversedOn:yyyy-MM-dd} is before the gift was received on {gift.ReceivedOn:yyyy-MM-dd}.");
        var unfunded = gift.Kind == GiftKind.Cash.Code() ? await UnfundedAfterAsync(gift, command.ConfirmShortfall, ct) : [];
        Guid? entryId = null;
        if (gift.JournalEntryId is { } original)
        {
            await EnsureStillHeld(gift, ct);
            entryId = await journal.ReverseAsync(original, reversedOn, EntryKinds.GiftReversal, "gift", gift.Id, memo: null, ct);
        }
        await db.ExecuteAsync("""
            INSERT INTO gift_reversals (gift_id, reason, journal_entry_id, reversed_on, reversed_at, reversed_by)
            VALUES (@giftId, @reason, @entryId, @reversedOn, @now, @by)
            """, new { giftId = gift.Id, reason = command.Reason, entryId, reversedOn, now = clock.UtcNow(), by = scope.AuditActor }, ct);

        var receipt = await receipts.OnGiftReversedAsync(gift.Id, command.Reason, reversedOn, ct);
        audit.Describe("gift", gift.Id, gift.ProgrammeId, new
        {
            reversed = true, reversedOn, reason = command.Reason, amount = Money.Format(gift.Amount), voidedReceipt = receipt?.Voided, reissuedReceipt = receipt?.Reissued,
            unfundedDisbursements = unfunded.Count == 0 ? null : unfunded.Select(u => u.DisbursementId).ToArray(),
        });
        var reversed = await GiftRow.FindAsync(db, gift.Id, ct) ?? throw new NotFoundException("Gift", gift.Id);
        return reversed.ToView(await GiftRow.AllocationsAsync(db, gift.Id, ct)) with { UnfundedDisbursements = unfunded.Count == 0 ? null : unfunded };
    }

    /// <summary>
    /// The approved, unpaid disbursements the cash left after reversing <paramref name="gift"/> cannot cover: newest approval
    /// first until the rest fits. Refuses (409) when there are any and the caller has not confirmed. Read under the programme lock.
    /// </summary>
    private async Task<List<UnfundedDisbursementView>> UnfundedAfterAsync(GiftRow gift, bool confirmed, CancellationToken ct)
    {
        var cashAfter = await Disbursements.ProgrammeFunds.CashAsync(db, gift.ProgrammeId, ct) - gift.Amount;
        var approved = await Disbursements.ProgrammeFunds.CommitmentsAsync(db, gift.ProgrammeId, ct);
        approved.Reverse(); // newest approval first: the older promises keep their money (the order PayDisbursement honours)
        var committed = approved.Sum(d => d.Amount);
        var unfunded = new List<UnfundedDisbursementView>();
        var remaining = committed;
        foreach (var d in approved)
        {
            if (remaining <= cashAfter) break;
            unfunded.Add(new UnfundedDisbursementView(d.Id, Money.Format(d.Amount), d.DecidedAt));
            remaining -= d.Amount;
        }
        if (unfunded.Count > 0 && !confirmed)
            throw new ConflictException(
                $"Reversing {Money.Format(gift.Amount)} leaves {Money.Format(cashAfter)} for {Money.Format(committed)} of approved disbursements, a shortfall of {Money.Format(cashAfter - committed)}: {unfunded.Count} of them (the newest approvals) would be unfunded. Send confirmShortfall: true to reverse anyway.",
                new Dictionary<string, object?>
                {
                    ["shortfall"] = Money.Format(cashAfter - committed),
                    ["unfundedDisbursementIds"] = unfunded.Select(u => u.DisbursementId).ToArray(),
                });
        return unfunded;
    }

    /// <summary>Money already paid out (or goods already handed out) cannot be taken back by a reversal.</summary>
    private async Task EnsureStillHeld(GiftRow gift, CancellationToken ct)
    {
        var account = gift.Kind == GiftKind.Cash.Code() ? Accounts.CashAtBank : Accounts.GoodsInStock;
        var held = await db.QuerySingleAsync<long>(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings WHERE programme_id = @programmeId AND account = @account",
            new { programmeId = gift.ProgrammeId, account }, ct);
        if (held < gift.Amount)
            throw new ConflictException(
                $"Only {Money.Format(held)} is still held in {account}; reversing {Money.Format(gift.Amount)} would take it below zero.",
                new Dictionary<string, object?> { ["held"] = Money.Format(held) });
    }
}
