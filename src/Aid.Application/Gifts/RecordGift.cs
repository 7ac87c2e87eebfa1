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
    Guid ProgrammeId, Guid DonorId, DateOnly ReceivedOn, string? Reference, string? Currency, CashGift? Cash, InKindGift? InKind)
    : ICommand<GiftView>, IIdempotentCommand
{
    public GiftKind Kind => Cash is null ? GiftKind.InKind : GiftKind.Cash;
}

/// <summary>Money received: <paramref name="Amount"/> in minor units; a pledge's instalments are filled oldest first.</summary>
public sealed record CashGift(long Amount, PaymentMethod Method, Guid? PledgeId = null, bool ExcessAsGift = false);

/// <summary>Goods received: <paramref name="Value"/> in minor units (0 when not valued).</summary>
public sealed record InKindGift(string Description, decimal Quantity, string Unit, ValuationBasis ValuationBasis, long Value);

/// <summary>
/// The rule that needs the business clock, and the invariants every sender (API, import, demo) must keep; the shape
/// of an HTTP request is checked at the edge with the same messages.
/// </summary>
public sealed class RecordGiftValidator : AbstractValidator<RecordGift>
{
    public RecordGiftValidator(BusinessClock clock)
    {
        RuleFor(c => c.ReceivedOn).Must(d => d <= clock.Today())
            .WithMessage("receivedOn cannot be in the future: no gift is recorded before it arrives.");
        RuleFor(c => c.ReceivedOn).InclusiveBetween(BusinessDates.Earliest, BusinessDates.Latest)
            .WithMessage($"receivedOn must be between {BusinessDates.Earliest:yyyy-MM-dd} and {BusinessDates.Latest:yyyy-MM-dd}.");
        RuleFor(c => c).Must(c => (c.Cash is null) != (c.InKind is null)).OverridePropertyName("kind").WithMessage("A gift is either cash or in kind.");
        RuleFor(c => c.Reference).MaximumLength(100);
        RuleFor(c => c.Cash!.Amount).GreaterThan(0).When(c => c.Cash is not null).OverridePropertyName("amount")
            .WithMessage("The amount must be greater than zero.");
        RuleFor(c => c.InKind!.Quantity).GreaterThan(0).When(c => c.InKind is not null).OverridePropertyName("quantity");
        RuleFor(c => c.InKind!.Value).GreaterThan(0).When(c => c.InKind is { ValuationBasis: not ValuationBasis.NotValued })
            .OverridePropertyName("value").WithMessage("The amount must be greater than zero.");
        RuleFor(c => c.InKind!.Value).Equal(0).When(c => c.InKind is { ValuationBasis: ValuationBasis.NotValued })
            .OverridePropertyName("value").WithMessage("Goods not valued have no value.");
    }
}

internal sealed class RecordGiftHandler(IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, AuditRecorder audit)
    : ICommandHandler<RecordGift, GiftView>
{
    public async ValueTask<GiftView> Handle(RecordGift command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.ShareOpenAsync(db, scope, command.ProgrammeId, ct);
        ProgrammeGuard.EnsureCurrency(command.Currency, programme);
        ProgrammeGuard.EnsureWithinSpan(programme, command.ReceivedOn, "receivedOn");
        await ProgrammeGuard.EnsureDonorExistsAsync(db, command.DonorId, ct);

        var reference = command.Reference?.Trim();
        if (reference is not null) await EnsureReferenceFreeAsync(db, programme.Id, reference, ct);

        var (cash, goods) = (command.Cash, command.InKind);
        var isCash = cash is not null;
        var amount = cash?.Amount ?? goods!.Value;
        var allocations = cash?.PledgeId is { } pledgeId
            ? await AllocateToPledge(pledgeId, command.DonorId, cash.ExcessAsGift, programme.Id, amount, ct)
            : [];

        var giftId = Guid.CreateVersion7();
        Guid? entryId = amount == 0 ? null : await journal.PostAsync(programme.Id, command.ReceivedOn,
            isCash ? EntryKinds.CashGift : EntryKinds.InKindGift, "gift", giftId,
            [new Posting(isCash ? Accounts.CashAtBank : Accounts.GoodsInStock, amount), new Posting(Accounts.RestrictedFund, -amount)],
            memo: null, ct);

        var row = new GiftRow
        {
            Id = giftId, ProgrammeId = programme.Id, DonorId = command.DonorId, PledgeId = cash?.PledgeId, Kind = command.Kind.Code(),
            ReceivedOn = command.ReceivedOn, Currency = programme.Currency, Amount = amount, Method = cash?.Method.Code(), Reference = reference,
            Description = goods?.Description, Quantity = goods?.Quantity.ToString(CultureInfo.InvariantCulture), Unit = goods?.Unit,
            ValuationBasis = goods?.ValuationBasis.Code(), JournalEntryId = entryId, CreatedAt = clock.UtcNow(), CreatedBy = scope.AuditActor,
        };
        await db.ExecuteAsync(GiftRow.Insert, row, ct);
        foreach (var (number, part) in allocations)
            await db.ExecuteAsync("""
                INSERT INTO pledge_allocations (gift_id, pledge_id, instalment_number, amount) VALUES (@giftId, @pledgeId, @number, @part)
                """, new { giftId, pledgeId = cash!.PledgeId, number, part }, ct);

        audit.Describe("gift", giftId, programme.Id, new
        {
            donorId = command.DonorId, pledgeId = cash?.PledgeId, kind = row.Kind, amount = Money.Format(amount), method = row.Method,
            reference, receivedOn = command.ReceivedOn, valuationBasis = row.ValuationBasis,
        });
        // Built from what was just written: no read-back on the hot path.
        return row.ToView(allocations.Select(a => new PledgeAllocationView((int)a.Number, Money.Format(a.Part))).ToList());
    }

    /// <summary>The external reference is unique per programme: a second gift with it is refused, naming the first.</summary>
    internal static async Task EnsureReferenceFreeAsync(IDbSession db, Guid programmeId, string reference, CancellationToken ct)
    {
        var existing = await db.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT id FROM gifts WHERE programme_id = @programmeId AND reference = @reference", new { programmeId, reference }, ct);
        if (existing is { } existingId)
            throw new ConflictException($"A gift with reference '{reference}' is already recorded in this programme.",
                new Dictionary<string, object?> { ["existingGiftId"] = existingId });
    }

    /// <summary>Oldest unpaid instalments first; the rest (if allowed) is a plain gift.</summary>
    private async Task<List<(long Number, long Part)>> AllocateToPledge(Guid pledgeId, Guid donorId, bool excessAsGift, Guid programmeId, long amount, CancellationToken ct)
    {
        var state = await PledgeState.LoadAsync(db, pledgeId, ct, forUpdate: true);
        if (state is null || state.Pledge.ProgrammeId != programmeId || state.Pledge.DonorId != donorId)
            throw new InputException("pledgeId", "No such pledge of this donor in this programme.");
        if (state.Pledge.ClosedStatus is { } closed)
            throw new ConflictException($"The pledge is {closed}; record the gift without pledgeId.", new Dictionary<string, object?> { ["pledgeStatus"] = closed });
        if (amount > state.Remaining && !excessAsGift)
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
