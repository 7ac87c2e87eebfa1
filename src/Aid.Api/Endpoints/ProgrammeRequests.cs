using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Programmes;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A new programme (a restricted fund for one campaign); it starts <c>planned</c>.</summary>
public sealed record CreateProgrammeRequest : IApiRequest
{
    /// <summary>Short unique code: letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, starting with a letter or digit (at most 40).</summary>
    /// <example>ZP-2021</example>
    public string? Code { get; init; }

    /// <summary>The programme's name as donors see it (at most 200 characters).</summary>
    /// <example>青系镇坪，雏鹰伴翔</example>
    public string? Name { get; init; }

    /// <summary>Where the programme works (at most 200 characters).</summary>
    /// <example>陕西省安康市镇坪县</example>
    public string? Region { get; init; }

    /// <summary>The local partner that carries it out with the fund (at most 200 characters).</summary>
    /// <example>镇坪县教育局</example>
    public string? Partner { get; init; }

    /// <summary>ISO 4217 code of the fund's currency (default: CNY); every gift and pledge of the programme is in it.</summary>
    /// <example>CNY</example>
    public string? Currency { get; init; }

    /// <summary>The first day of the programme (yyyy-MM-dd).</summary>
    /// <example>2021-09-01</example>
    public DateOnly? StartDate { get; init; }

    /// <summary>The last day of the programme (yyyy-MM-dd), after the start date.</summary>
    /// <example>2024-08-31</example>
    public DateOnly? EndDate { get; init; }

    /// <summary>The aid per student and year: a decimal string with at most two decimals, greater than zero.</summary>
    /// <example>1000.00</example>
    public string? AnnualStandard { get; init; }

    /// <summary>The fund-raising target, a decimal string (optional).</summary>
    /// <example>360000.00</example>
    public string? Target { get; init; }

    public CreateProgramme ToCommand() => new(Code!, Name!, Region, Partner, Currency ?? "CNY", StartDate!.Value, EndDate!.Value,
        Money.Parse(AnnualStandard!), Target is null ? null : Money.Parse(Target));
}

internal sealed class CreateProgrammeRequestValidator : AbstractValidator<CreateProgrammeRequest>
{
    public CreateProgrammeRequestValidator()
    {
        RuleFor(c => c.Code).NotEmpty().Text(40).Matches("^[A-Za-z0-9][A-Za-z0-9_.-]*$")
            .WithMessage("code is letters, digits, '-', '_' or '.', starting with a letter or digit.");
        RuleFor(c => c.Name).NotEmpty().Text(200);
        RuleFor(c => c.Region).Text(200);
        RuleFor(c => c.Partner).Text(200);
        RuleFor(c => c.Currency).CurrencyCode();
        RuleFor(c => c.StartDate).NotNull().BusinessDate();
        RuleFor(c => c.EndDate).NotNull().BusinessDate();
        RuleFor(c => c.EndDate).GreaterThan(c => c.StartDate).When(c => c.StartDate is not null && c.EndDate is not null)
            .WithMessage("endDate must be after startDate.");
        RuleFor(c => c.AnnualStandard).MoneyAmount();
        RuleFor(c => c.Target).MoneyAmount().When(c => c.Target is not null);
    }
}

/// <summary>Changes to a programme: only the fields given change (a missing or null field stays as it is).</summary>
public sealed record UpdateProgrammeRequest : IApiRequest
{
    /// <summary>A new unique code: letters, digits, <c>-</c>, <c>_</c> or <c>.</c>, starting with a letter or digit (at most 40).</summary>
    /// <example>ZP-2021</example>
    public string? Code { get; init; }

    /// <summary>A new name (at most 200 characters).</summary>
    /// <example>青系镇坪，雏鹰伴翔</example>
    public string? Name { get; init; }

    /// <summary>Where the programme works (at most 200 characters).</summary>
    /// <example>陕西省安康市镇坪县</example>
    public string? Region { get; init; }

    /// <summary>The local partner (at most 200 characters).</summary>
    /// <example>镇坪县教育局</example>
    public string? Partner { get; init; }

    /// <summary>A new first day (yyyy-MM-dd); must stay before the end date.</summary>
    /// <example>2021-09-01</example>
    public DateOnly? StartDate { get; init; }

    /// <summary>A new last day (yyyy-MM-dd); must stay after the start date.</summary>
    /// <example>2024-08-31</example>
    public DateOnly? EndDate { get; init; }

    /// <summary>A new aid per student and year, a decimal string greater than zero.</summary>
    /// <example>1200.00</example>
    public string? AnnualStandard { get; init; }

    /// <summary>A new fund-raising target, a decimal string.</summary>
    /// <example>360000.00</example>
    public string? Target { get; init; }

    /// <summary><c>planned</c>, <c>active</c> or <c>closed</c>; it only moves forward: planned → active → closed (or planned → closed).</summary>
    /// <example>active</example>
    [Codes(typeof(Aid.Application.Programmes.ProgrammeState))]
    public string? Status { get; init; }

    public UpdateProgramme ToCommand(Guid id) => new(id, Code, Name, Region, Partner, StartDate, EndDate,
        AnnualStandard is null ? null : Money.Parse(AnnualStandard), Target is null ? null : Money.Parse(Target),
        Status is null ? null : Codes.Parse<ProgrammeState>(Status));
}

internal sealed class UpdateProgrammeRequestValidator : AbstractValidator<UpdateProgrammeRequest>
{
    public UpdateProgrammeRequestValidator()
    {
        RuleFor(c => c.Code).NotEmpty().Text(40).Matches("^[A-Za-z0-9][A-Za-z0-9_.-]*$").When(c => c.Code is not null);
        RuleFor(c => c.Name).NotEmpty().Text(200).When(c => c.Name is not null);
        RuleFor(c => c.Region).Text(200);
        RuleFor(c => c.Partner).Text(200);
        RuleFor(c => c.StartDate).BusinessDate();
        RuleFor(c => c.EndDate).BusinessDate();
        RuleFor(c => c.AnnualStandard).MoneyAmount().When(c => c.AnnualStandard is not null);
        RuleFor(c => c.Target).MoneyAmount().When(c => c.Target is not null);
        RuleFor(c => c.Status).Must(s => s is null || Codes.TryParse<ProgrammeState>(s, out _)).WithMessage("status must be planned, active or closed.");
    }
}
