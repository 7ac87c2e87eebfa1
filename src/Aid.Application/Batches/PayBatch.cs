using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// Records that every approved line of the batch was paid with one payout (the bank's reference of the transfer), each
/// through <see cref="PayDisbursement"/> (ledger entry, funding gifts, its audit record), all or nothing. Four eyes: no
/// line's approver records the payment. When the cash does not cover the lines (after the approvals older than them),
/// nothing is paid and the message names the shortfall. <paramref name="EvidenceReference"/> defaults to the payout reference.
/// </summary>
public sealed record PayBatch(Guid BatchId, string PayoutReference, DateOnly PaidOn, string? EvidenceReference = null)
    : ICommand<BatchView>, IIdempotentCommand;

public sealed class PayBatchValidator : AbstractValidator<PayBatch>
{
    public PayBatchValidator(BusinessClock clock)
    {
        RuleFor(c => c.PayoutReference).Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage("Enter the payout reference.");
        RuleFor(c => c.PayoutReference).Must(r => r is null || r.Trim().Length <= 100 && TextRule.Problem(r) is null)
            .WithMessage("The payout reference is at most 100 characters of ordinary text.");
        RuleFor(c => c.EvidenceReference).Must(r => r is null || r.Trim().Length <= 100 && TextRule.Problem(r) is null)
            .WithMessage("The evidence reference is at most 100 characters of ordinary text.");
        RuleFor(c => c.PaidOn).Must(d => d <= clock.Today()).WithMessage("paidOn cannot be in the future.");
    }
}

internal sealed class PayBatchHandler(IDbSession db, AccessScope scope, AuditRecorder audit, ISender sender) : ICommandHandler<PayBatch, BatchView>
{
    public async ValueTask<BatchView> Handle(PayBatch command, CancellationToken ct)
    {
        var batch = await BatchLoader.LockAsync(db, scope, command.BatchId, ct);
        var lines = (await LineRow.OfAsync(db, batch.Id, ct)).Where(l => l.State == DisbursementStatus.Approved).ToList();
        if (lines.Count == 0)
            throw new ConflictException("No line of this batch is approved and waiting for payment.");
        foreach (var line in lines)
            if (await People.IsSamePersonAsync(db, line.DecidedBy, scope.Actor, ct))
                throw new ForbiddenException("Four-eyes rule: the person who approved a batch cannot also record its payment.");

        // Paid in the order their money was promised (oldest approval first), as single payments are checked: the batch needs the
        // cash to cover every approval up to its newest line, older approvals outside the batch included.
        var commitments = await ProgrammeFunds.CommitmentsAsync(db, batch.ProgrammeId, ct);
        var ids = lines.Select(l => l.DisbursementId).ToHashSet();
        var last = commitments.FindLastIndex(c => ids.Contains(c.Id));
        var needed = commitments.Take(last + 1).Sum(c => c.Amount);
        var ahead = needed - lines.Sum(l => l.Amount);
        var cash = await ProgrammeFunds.CashAsync(db, batch.ProgrammeId, ct);
        var total = lines.Sum(l => l.Amount);
        if (cash < needed)
            throw new ConflictException(
                $"Insufficient balance to pay the batch: {Money.Format(cash - ahead)} is available ({Money.Format(cash)} held, {Money.Format(ahead)} committed to older approvals), {Money.Format(total)} needed, {Money.Format(needed - cash)} short. Nothing was paid.",
                new Dictionary<string, object?> { ["available"] = Money.Format(cash - ahead), ["required"] = Money.Format(total), ["shortfall"] = Money.Format(needed - cash) });

        var payout = command.PayoutReference.Trim();
        var evidence = string.IsNullOrWhiteSpace(command.EvidenceReference) ? payout : command.EvidenceReference.Trim();
        var order = commitments.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        foreach (var line in lines.OrderBy(l => order.GetValueOrDefault(l.DisbursementId, int.MaxValue)))
            await sender.Send(new PayDisbursement(line.DisbursementId, payout, evidence, command.PaidOn), ct);
        audit.Describe("disbursement_batch", batch.Id, batch.ProgrammeId, new
        {
            batch.AcademicYear, batch.Term, batch.School, paid = lines.Count, total = Money.Format(total), paidOn = command.PaidOn, payoutReference = payout,
        });
        return await BatchViews.LoadAsync(db, batch.Id, ct);
    }
}
