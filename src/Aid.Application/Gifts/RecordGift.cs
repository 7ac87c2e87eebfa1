using System.Globalization;
using System.Text.Json.Serialization;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Ledger;
using Aid.Application.Pipeline;
using Aid.Application.Pledges;
using FluentValidation;
using Mediator;

namespace Aid.Application.Gifts;

/// <summary>
/// Money or goods received for a programme. Cash books Dr cash at bank / Cr restricted fund; valued goods
/// Dr goods in stock / Cr restricted fund; goods "not valued" book nothing. A gift against a pledge fills the
/// oldest unpaid instalments first; more than the pledge still expects is refused unless excessAsGift.
/// Recorded once: by the Idempotency-Key header and by the external reference (unique per programme).
/// </summary>
public sealed record RecordGift(
    Guid? ProgrammeId, Guid? DonorId, Guid? PledgeId, DateOnly? ReceivedOn, string? Kind, string? Amount, string? Currency,
    string? Method, string? Reference, bool? ExcessAsGift,
    string? Description, decimal? Quantity, string? Unit, string? ValuationBasis, string? Value) : ICommand<GiftView>, IIdempotentCommand
{
    [JsonIgnore] public string? IdempotencyKey { get; init; }
}

public sealed class RecordGiftValidator : AbstractValidator<RecordGift>
{
    public RecordGiftValidator(BusinessClock clock)
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.DonorId).NotEmpty();
        RuleFor(c => c.ReceivedOn).NotNull();
        RuleFor(c => c.ReceivedOn).Must(d => d is null || d <= clock.Today())
            .WithMessage("receivedOn cannot be in the future: no gift is recorded before it arrives.");
        RuleFor(c => c.Kind).NotEmpty().Must(k => GiftKinds.All.Contains(k!)).WithMessage("kind must be cash or in_kind.");
        RuleFor(c => c.Currency).CurrencyCode();
        RuleFor(c => c.Reference).Text(100).Must(r => r is null || r.Trim().Length > 0).WithMessage("reference cannot be blank.");
        RuleFor(c => c.ExcessAsGift).Null().When(c => c.PledgeId is null).WithMessage("excessAsGift applies only to a gift against a pledge.");

        When(c => c.Kind == GiftKinds.Cash, () =>
        {
            RuleFor(c => c.Amount).MoneyAmount();
            RuleFor(c => c.Method).NotEmpty().Must(m => PaymentMethods.All.Contains(m!))
                .WithMessage($"method must be one of {string.Join(", ", PaymentMethods.All)}.");
            RuleFor(c => c.Reference).NotEmpty().When(c => c.Method is not null and not PaymentMethods.Cash)
                .WithMessage("A bank, WeChat Pay, Alipay or cheque gift needs its external reference (it also prevents recording it twice).");
            RuleFor(c => c.Description).Null().WithMessage("description is for in-kind gifts.");
            RuleFor(c => c.Quantity).Null().WithMessage("quantity is for in-kind gifts.");
            RuleFor(c => c.Unit).Null().WithMessage("unit is for in-kind gifts.");
            RuleFor(c => c.ValuationBasis).Null().WithMessage("valuationBasis is for in-kind gifts.");
            RuleFor(c => c.Value).Null().WithMessage("value is for in-kind gifts; a cash gift has an amount.");
        });
        When(c => c.Kind == GiftKinds.InKind, () =>
        {
            RuleFor(c => c.Description).NotEmpty().Text(500);
            RuleFor(c => c.Quantity).NotNull().GreaterThan(0).LessThan(1_000_000_000_000m)
                .Must(q => q is null || decimal.Round(q.Value, 3) == q.Value).WithMessage("quantity has at most three decimals.");
            RuleFor(c => c.Unit).NotEmpty().Text(20);
            RuleFor(c => c.ValuationBasis).NotEmpty().Must(v => ValuationBases.All.Contains(v!))
                .WithMessage("valuationBasis must be invoice, fair_value or not_valued.");
            RuleFor(c => c.Value).MoneyAmount().When(c => c.ValuationBasis is ValuationBases.Invoice or ValuationBases.FairValue);
            RuleFor(c => c.Value).Must(v => v is null || Money.TryParse(v, out var m, out _) && m == 0)
                .When(c => c.ValuationBasis == ValuationBases.NotValued).WithMessage("Goods not valued have no value.");
            RuleFor(c => c.Amount).Null().WithMessage("An in-kind gift has a value, not an amount.");
            RuleFor(c => c.Method).Null().WithMessage("method is for cash gifts.");
            RuleFor(c => c.PledgeId).Null().WithMessage("Pledges are paid in cash.");
        });
    }
}

internal sealed class RecordGiftHandler(IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, AuditRecorder audit)
    : ICommandHandler<RecordGift, GiftView>
{
    public async ValueTask<GiftView> Handle(RecordGift command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.ShareOpenAsync(db, scope, command.ProgrammeId!.Value, ct);
        ProgrammeGuard.EnsureCurrency(command.Currency, programme);
        await ProgrammeGuard.EnsureDonorExistsAsync(db, command.DonorId!.Value, ct);

        var reference = command.Reference?.Trim();
        if (reference is not null)
        {
            var existing = await db.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT id FROM gifts WHERE programme_id = @programmeId AND reference = @reference", new { programmeId = programme.Id, reference }, ct);
            if (existing is { } existingId)
                throw new ConflictException($"A gift with reference '{reference}' is already recorded in this programme.",
                    new Dictionary<string, object?> { ["existingGiftId"] = existingId });
        }

        var isCash = command.Kind == GiftKinds.Cash;
        var amount = isCash ? Money.Parse(command.Amount!) : command.Value is null ? 0 : Money.Parse(command.Value);
        var allocations = command.PledgeId is { } pledgeId
            ? await AllocateToPledge(pledgeId, command, programme.Id, amount, ct)
            : [];

        var giftId = Guid.CreateVersion7();
        Guid? entryId = amount == 0 ? null : await journal.PostAsync(programme.Id, command.ReceivedOn!.Value,
            isCash ? EntryKinds.CashGift : EntryKinds.InKindGift, "gift", giftId,
            [new Posting(isCash ? Accounts.CashAtBank : Accounts.GoodsInStock, amount), new Posting(Accounts.RestrictedFund, -amount)],
            memo: null, ct);

        var row = new GiftRow
        {
            Id = giftId, ProgrammeId = programme.Id, DonorId = command.DonorId!.Value, PledgeId = command.PledgeId, Kind = command.Kind!,
            ReceivedOn = command.ReceivedOn!.Value, Currency = programme.Currency, Amount = amount, Method = command.Method, Reference = reference,
            Description = command.Description, Quantity = command.Quantity?.ToString(CultureInfo.InvariantCulture), Unit = command.Unit,
            ValuationBasis = command.ValuationBasis, JournalEntryId = entryId, CreatedAt = clock.UtcNow(),
        };
        await db.ExecuteAsync("""
            INSERT INTO gifts (id, programme_id, donor_id, pledge_id, kind, received_on, currency, amount, method, reference, description,
                               quantity, unit, valuation_basis, journal_entry_id, created_at, created_by)
            VALUES (@Id, @ProgrammeId, @DonorId, @PledgeId, @Kind, @ReceivedOn, @Currency, @Amount, @Method, @Reference, @Description,
                    @Quantity, @Unit, @ValuationBasis, @JournalEntryId, @CreatedAt, @createdBy)
            """, new
        {
            row.Id, row.ProgrammeId, row.DonorId, row.PledgeId, row.Kind, row.ReceivedOn, row.Currency, row.Amount, row.Method, row.Reference,
            row.Description, row.Quantity, row.Unit, row.ValuationBasis, row.JournalEntryId, row.CreatedAt, createdBy = scope.AuditActor,
        }, ct);
        foreach (var (number, part) in allocations)
            await db.ExecuteAsync("""
                INSERT INTO pledge_allocations (gift_id, pledge_id, instalment_number, amount) VALUES (@giftId, @pledgeId, @number, @part)
                """, new { giftId, pledgeId = command.PledgeId, number, part }, ct);

        audit.Describe("gift", giftId, programme.Id, new
        {
            donorId = command.DonorId, pledgeId = command.PledgeId, kind = command.Kind, amount = Money.Format(amount), command.Method,
            reference, receivedOn = command.ReceivedOn, command.ValuationBasis,
        });
        // Built from what was just written: no read-back on the hot path.
        return row.ToView(allocations.Select(a => new PledgeAllocationView((int)a.Number, Money.Format(a.Part))).ToList());
    }

    /// <summary>Oldest unpaid instalments first; the rest (if allowed) is a plain gift.</summary>
    private async Task<List<(long Number, long Part)>> AllocateToPledge(Guid pledgeId, RecordGift command, Guid programmeId, long amount, CancellationToken ct)
    {
        var state = await PledgeState.LoadAsync(db, pledgeId, ct, forUpdate: true);
        if (state is null || state.Pledge.ProgrammeId != programmeId || state.Pledge.DonorId != command.DonorId)
            throw new InputException("pledgeId", "No such pledge of this donor in this programme.");
        if (state.Pledge.ClosedStatus is { } closed)
            throw new ConflictException($"The pledge is {closed}; record the gift without pledgeId.", new Dictionary<string, object?> { ["pledgeStatus"] = closed });
        if (amount > state.Remaining && command.ExcessAsGift != true)
            throw new ConflictException(
                $"The gift ({Money.Format(amount)}) is more than the pledge still expects ({Money.Format(state.Remaining)}). " +
                "Send \"excessAsGift\": true to book the excess as a plain gift.",
                new Dictionary<string, object?> { ["pledgeOutstanding"] = Money.Format(state.Remaining) });

        var left = amount;
        var allocations = new List<(long, long)>();
        foreach (var instalment in state.Instalments)
        {
            if (left == 0) break;
            var open = instalment.Amount - instalment.Paid;
            if (open <= 0) continue;
            var part = Math.Min(open, left);
            allocations.Add((instalment.Number, part));
            left -= part;
        }
        return allocations;
    }
}
