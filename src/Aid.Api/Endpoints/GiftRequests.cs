using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Gifts;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A gift received: money (<c>kind: "cash"</c>) or goods (<c>kind: "in_kind"</c>).</summary>
public sealed record RecordGiftRequest : IApiRequest
{
    /// <summary>The programme the gift is restricted to.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? ProgrammeId { get; init; }

    /// <summary>Who gave it.</summary>
    /// <example>0193a5c2-8c2f-7e40-9b22-3a5d6e7f8091</example>
    public Guid? DonorId { get; init; }

    /// <summary>The pledge this cash gift pays (its oldest unpaid instalments are filled first).</summary>
    public Guid? PledgeId { get; init; }

    /// <summary>The day the money or goods arrived (yyyy-MM-dd), never in the future.</summary>
    /// <example>2026-09-05</example>
    public DateOnly? ReceivedOn { get; init; }

    /// <summary><c>cash</c> or <c>in_kind</c>.</summary>
    /// <example>cash</example>
    [Codes(typeof(GiftKind))]
    public string? Kind { get; init; }

    /// <summary>Cash: the amount, a decimal string with at most two decimals.</summary>
    /// <example>1000.00</example>
    public string? Amount { get; init; }

    /// <summary>ISO 4217 code; must be the programme's currency (default: the programme's).</summary>
    /// <example>CNY</example>
    public string? Currency { get; init; }

    /// <summary>Cash: <c>bank_transfer</c>, <c>cash</c>, <c>wechat_pay</c>, <c>alipay</c> or <c>cheque</c>.</summary>
    /// <example>bank_transfer</example>
    [Codes(typeof(PaymentMethod))]
    public string? Method { get; init; }

    /// <summary>The bank's, WeChat Pay's or Alipay's transaction reference: unique per programme (required unless cash in hand).</summary>
    /// <example>BOC-20260905-0001</example>
    public string? Reference { get; init; }

    /// <summary>Cash against a pledge: book what exceeds the pledge's outstanding amount as a plain gift instead of refusing it.</summary>
    public bool? ExcessAsGift { get; init; }

    /// <summary>In kind: what was received.</summary>
    public string? Description { get; init; }

    /// <summary>In kind: how many (up to three decimals).</summary>
    public decimal? Quantity { get; init; }

    /// <summary>In kind: the unit of the quantity (只, 箱, 本).</summary>
    public string? Unit { get; init; }

    /// <summary>In kind: <c>invoice</c>, <c>fair_value</c> or <c>not_valued</c>.</summary>
    [Codes(typeof(Aid.Application.Gifts.ValuationBasis))]
    public string? ValuationBasis { get; init; }

    /// <summary>In kind, valued: the value of the goods, a decimal string.</summary>
    public string? Value { get; init; }

    public RecordGift ToCommand() => new(ProgrammeId!.Value, DonorId!.Value, ReceivedOn!.Value, Reference?.Trim(), Currency,
        Kind == GiftKind.Cash.Code()
            ? new CashGift(Money.Parse(Amount!), Codes.Parse<PaymentMethod>(Method!), PledgeId, ExcessAsGift ?? false)
            : null,
        Kind == GiftKind.InKind.Code()
            ? new InKindGift(Description!, Quantity!.Value, Unit!, Codes.Parse<ValuationBasis>(ValuationBasis!), Value is null ? 0 : Money.Parse(Value))
            : null);
}

internal sealed class RecordGiftRequestValidator : AbstractValidator<RecordGiftRequest>
{
    public RecordGiftRequestValidator()
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.DonorId).NotEmpty();
        RuleFor(c => c.ReceivedOn).NotNull().BusinessDate();
        RuleFor(c => c.Kind).NotEmpty().Must(k => Codes.TryParse<GiftKind>(k, out _)).WithMessage("kind must be cash or in_kind.");
        RuleFor(c => c.Currency).CurrencyCode();
        RuleFor(c => c.Reference).Text(100).Must(r => r is null || r.Trim().Length > 0).WithMessage("reference cannot be blank.");
        RuleFor(c => c.ExcessAsGift).Null().When(c => c.PledgeId is null).WithMessage("excessAsGift applies only to a gift against a pledge.");

        When(c => c.Kind == GiftKind.Cash.Code(), () =>
        {
            RuleFor(c => c.Amount).MoneyAmount();
            RuleFor(c => c.Method).NotEmpty().Must(m => Codes.TryParse<PaymentMethod>(m, out _))
                .WithMessage($"method must be one of {string.Join(", ", Codes.All<PaymentMethod>())}.");
            RuleFor(c => c.Reference).NotEmpty().When(c => c.Method is not null && c.Method != PaymentMethod.Cash.Code())
                .WithMessage("A bank, WeChat Pay, Alipay or cheque gift needs its external reference (it also prevents recording it twice).");
            RuleFor(c => c.Description).Null().WithMessage("description is for in-kind gifts.");
            RuleFor(c => c.Quantity).Null().WithMessage("quantity is for in-kind gifts.");
            RuleFor(c => c.Unit).Null().WithMessage("unit is for in-kind gifts.");
            RuleFor(c => c.ValuationBasis).Null().WithMessage("valuationBasis is for in-kind gifts.");
            RuleFor(c => c.Value).Null().WithMessage("value is for in-kind gifts; a cash gift has an amount.");
        });
        When(c => c.Kind == GiftKind.InKind.Code(), () =>
        {
            RuleFor(c => c.Description).NotEmpty().Text(500, multiline: true);
            RuleFor(c => c.Quantity).NotNull().GreaterThan(0).LessThan(1_000_000_000_000m)
                .Must(q => q is null || decimal.Round(q.Value, 3) == q.Value).WithMessage("quantity has at most three decimals.");
            RuleFor(c => c.Unit).NotEmpty().Text(20);
            RuleFor(c => c.ValuationBasis).NotEmpty().Must(v => Codes.TryParse<ValuationBasis>(v, out _))
                .WithMessage("valuationBasis must be invoice, fair_value or not_valued.");
            RuleFor(c => c.Value).MoneyAmount().When(c => c.ValuationBasis is "invoice" or "fair_value");
            RuleFor(c => c.Value).Must(v => v is null || Money.TryParse(v, out var m, out _) && m == 0)
                .When(c => c.ValuationBasis == ValuationBasis.NotValued.Code()).WithMessage("Goods not valued have no value.");
            RuleFor(c => c.Amount).Null().WithMessage("An in-kind gift has a value, not an amount.");
            RuleFor(c => c.Method).Null().WithMessage("method is for cash gifts.");
            RuleFor(c => c.PledgeId).Null().WithMessage("Pledges are paid in cash.");
        });
    }
}

/// <summary>Reversing a gift: why, and whether to go ahead when approved disbursements would be left unfunded.</summary>
public sealed record ReverseGiftRequest : IApiRequest
{
    /// <summary>Why the gift is reversed; kept in the record and the audit trail.</summary>
    /// <example>银行退汇</example>
    public string? Reason { get; init; }

    /// <summary>
    /// Reverse even though the cash left would not cover the approved, unpaid disbursements (without it such a reversal is
    /// refused with 409 naming the shortfall); the answer then lists the disbursements left unfunded.
    /// </summary>
    public bool? ConfirmShortfall { get; init; }

    /// <summary>
    /// The day of the reversal (yyyy-MM-dd), default today: not before the gift was received, never in the future. The
    /// reversing journal entry, and the void of the gift's receipt, carry it.
    /// </summary>
    /// <example>2022-03-18</example>
    public DateOnly? ReversedOn { get; init; }
}

internal sealed class ReverseGiftRequestValidator : AbstractValidator<ReverseGiftRequest>
{
    public ReverseGiftRequestValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().Text(500);
        RuleFor(c => c.ReversedOn).BusinessDate();
    }
}

/// <summary>Why: required to reverse, void, reject, cancel or write off.</summary>
public sealed record ReasonRequest : IApiRequest
{
    /// <summary>Why this is done; kept in the record and the audit trail.</summary>
    /// <example>银行退汇</example>
    public string? Reason { get; init; }
}

internal sealed class ReasonRequestValidator : AbstractValidator<ReasonRequest>
{
    public ReasonRequestValidator() => RuleFor(c => c.Reason).NotEmpty().Text(500, multiline: true);
}
