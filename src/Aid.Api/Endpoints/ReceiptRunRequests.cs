using Aid.Api.Infrastructure;
using Aid.Application.ReceiptRuns;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A background run that issues every missing receipt of a programme's year.</summary>
public sealed record CreateReceiptRunRequest : IApiRequest
{
    /// <summary>The programme whose gifts are receipted.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? ProgrammeId { get; init; }

    /// <summary>The calendar year the gifts were received in (2000–2100).</summary>
    /// <example>2022</example>
    public int? Year { get; init; }

    /// <summary><c>per-gift</c> (one receipt per gift) or <c>annual</c> (one receipt per donor for the year).</summary>
    /// <example>annual</example>
    [Codes("per-gift", "annual")]
    public string? Kind { get; init; }

    public CreateReceiptRun ToCommand() => new(ProgrammeId!.Value, Year!.Value, Kind!);
}

internal sealed class CreateReceiptRunRequestValidator : AbstractValidator<CreateReceiptRunRequest>
{
    public CreateReceiptRunRequestValidator()
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.Year).NotNull().InclusiveBetween(2000, 2100);
        RuleFor(c => c.Kind).NotEmpty().Must(k => k is ReceiptRunKinds.PerGift or ReceiptRunKinds.Annual).WithMessage("kind must be per-gift or annual.");
    }
}
