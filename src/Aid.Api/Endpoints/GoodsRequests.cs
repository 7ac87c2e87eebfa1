using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Goods;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>Goods received in kind handed out to a recipient (masks to a school).</summary>
public sealed record DistributeGoodsRequest : IApiRequest
{
    /// <summary>The in-kind gift the goods came with.</summary>
    /// <example>0193a5c4-2e5f-7b63-8d44-5c7f8091a2b3</example>
    public Guid? GiftId { get; init; }

    /// <summary>How many, in the gift's unit (up to three decimals); never more than is still in stock.</summary>
    /// <example>800</example>
    public decimal? Quantity { get; init; }

    /// <summary>Who received them (up to 200 characters).</summary>
    /// <example>镇坪县中学</example>
    public string? Recipient { get; init; }

    /// <summary>The day they were handed out (yyyy-MM-dd): not before the gift arrived, never in the future.</summary>
    /// <example>2022-02-21</example>
    public DateOnly? DistributedOn { get; init; }

    /// <summary>The signed delivery note or other evidence (up to 100 characters).</summary>
    /// <example>口罩签收单-01</example>
    public string? Reference { get; init; }

    public DistributeGoods ToCommand() => new(GiftId!.Value, Quantity!.Value, Recipient!, DistributedOn!.Value, Reference);
}

internal sealed class DistributeGoodsRequestValidator : AbstractValidator<DistributeGoodsRequest>
{
    public DistributeGoodsRequestValidator()
    {
        RuleFor(c => c.GiftId).NotEmpty();
        RuleFor(c => c.Quantity).NotNull().GreaterThan(0).LessThan(1_000_000_000_000m)
            .Must(q => q is null || decimal.Round(q.Value, 3) == q.Value).WithMessage("quantity has at most three decimals.");
        RuleFor(c => c.Recipient).NotEmpty().Text(200);
        RuleFor(c => c.DistributedOn).NotNull().BusinessDate();
        RuleFor(c => c.Reference).Text(100);
    }
}
