using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Pledges;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>
/// A donor's promise to give: a total split by <c>frequency</c> (with <c>count</c> and <c>firstDueDate</c>) or an explicit
/// list of <c>instalments</c> that adds up to the total, not both. A pledge is not income: no money moves.
/// </summary>
public sealed record CreatePledgeRequest : IApiRequest
{
    /// <summary>Who promises.</summary>
    /// <example>0193a5c2-8c2f-7e40-9b22-3a5d6e7f8091</example>
    public Guid? DonorId { get; init; }

    /// <summary>The programme the money is promised to.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? ProgrammeId { get; init; }

    /// <summary>The whole promise: a decimal string with at most two decimals, greater than zero.</summary>
    /// <example>3000.00</example>
    public string? Total { get; init; }

    /// <summary>ISO 4217 code; must be the programme's currency (default: the programme's).</summary>
    /// <example>CNY</example>
    public string? Currency { get; init; }

    /// <summary><c>monthly</c>, <c>quarterly</c>, <c>yearly</c> or <c>term</c> (every six months, one per school term).</summary>
    /// <example>yearly</example>
    [Codes(typeof(Aid.Application.Pledges.PledgeFrequency))]
    public string? Frequency { get; init; }

    /// <summary>With a frequency: how many instalments (1–120); the total is split evenly, the odd cents go to the first ones.</summary>
    /// <example>3</example>
    public int? Count { get; init; }

    /// <summary>With a frequency: the due date of the first instalment (yyyy-MM-dd); the others follow from it.</summary>
    /// <example>2021-09-01</example>
    public DateOnly? FirstDueDate { get; init; }

    /// <summary>Instead of a frequency: the instalments (1–120) in due-date order, adding up to the total.</summary>
    public IReadOnlyList<PledgeInstalmentRequest>? Instalments { get; init; }

    public CreatePledge ToCommand() => new(DonorId!.Value, ProgrammeId!.Value, Money.Parse(Total!), Currency,
        Instalments is null ? new RegularSchedule(Codes.Parse<PledgeFrequency>(Frequency!), Count!.Value, FirstDueDate!.Value) : null,
        Instalments?.Select(i => new CreatePledge.Instalment(i.DueDate!.Value, Money.Parse(i.Amount!))).ToList());
}

/// <summary>One instalment of a pledge given as a list.</summary>
public sealed record PledgeInstalmentRequest
{
    /// <summary>When it falls due (yyyy-MM-dd).</summary>
    /// <example>2022-09-01</example>
    public DateOnly? DueDate { get; init; }

    /// <summary>How much: a decimal string with at most two decimals, greater than zero.</summary>
    /// <example>1000.00</example>
    public string? Amount { get; init; }
}

internal sealed class CreatePledgeRequestValidator : AbstractValidator<CreatePledgeRequest>
{
    public CreatePledgeRequestValidator()
    {
        RuleFor(c => c.DonorId).NotEmpty();
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.Total).MoneyAmount();
        RuleFor(c => c.Currency).CurrencyCode();
        When(c => c.Instalments is null, () =>
        {
            RuleFor(c => c.Frequency).NotEmpty().Must(f => Codes.TryParse<PledgeFrequency>(f, out _))
                .WithMessage("frequency must be monthly, quarterly, yearly or term (or give instalments instead).");
            RuleFor(c => c.Count).NotNull().InclusiveBetween(1, InstalmentSchedule.MaxInstalments);
            RuleFor(c => c.FirstDueDate).NotNull().InclusiveBetween(BusinessDates.Earliest, BusinessDates.Latest)
                .WithMessage($"firstDueDate must be between {BusinessDates.Earliest:yyyy-MM-dd} and {BusinessDates.Latest:yyyy-MM-dd}.");
            RuleFor(c => c.Count).Must((c, count) => !Money.TryParse(c.Total, out var total, out _) || count <= total)
                .WithMessage("Every instalment must be at least 0.01.");
        });
        When(c => c.Instalments is not null, () =>
        {
            RuleFor(c => c.Frequency).Must(f => f is null or PledgeFrequencies.Custom).WithMessage("Give either a frequency or instalments, not both.");
            RuleFor(c => c.Count).Null().WithMessage("Give either count or instalments, not both.");
            RuleFor(c => c.FirstDueDate).Null().WithMessage("Give either firstDueDate or instalments, not both.");
            RuleFor(c => c.Instalments!.Count).InclusiveBetween(1, InstalmentSchedule.MaxInstalments).OverridePropertyName("instalments");
            RuleForEach(c => c.Instalments).NotNull().WithMessage("An instalment cannot be null.");
            RuleForEach(c => c.Instalments).ChildRules(i =>
            {
                i.RuleFor(x => x.DueDate).NotNull().InclusiveBetween(BusinessDates.Earliest, BusinessDates.Latest)
                    .WithMessage($"dueDate must be between {BusinessDates.Earliest:yyyy-MM-dd} and {BusinessDates.Latest:yyyy-MM-dd}.");
                i.RuleFor(x => x.Amount).MoneyAmount();
            });
            RuleFor(c => c.Instalments).Must(InDateOrder).When(c => c.Instalments!.All(i => i is not null))
                .WithMessage("Instalments are listed in due-date order.");
            RuleFor(c => c.Instalments).Must((c, list) => SumMatches(c.Total, list!)).When(c => c.Instalments!.All(i => i is not null))
                .WithMessage("The instalments must add up to the total.");
        });
    }

    private static bool InDateOrder(IReadOnlyList<PledgeInstalmentRequest>? list) =>
        list is null || list.Zip(list.Skip(1)).All(p => p.First.DueDate is null || p.Second.DueDate is null || p.First.DueDate <= p.Second.DueDate);

    private static bool SumMatches(string? total, IReadOnlyList<PledgeInstalmentRequest> list)
    {
        if (!Money.TryParse(total, out var expected, out _)) return true; // reported on total
        long sum = 0;
        foreach (var i in list)
        {
            if (!Money.TryParse(i.Amount, out var amount, out _)) return true; // reported on the instalment
            sum += amount;
        }
        return sum == expected;
    }
}
