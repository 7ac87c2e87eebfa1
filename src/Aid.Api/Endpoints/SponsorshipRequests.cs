using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Sponsorships;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A donor sponsoring a student (结对) for academic years fromYear..toYear with an annual amount.</summary>
public sealed record CreateSponsorshipRequest : IApiRequest
{
    /// <summary>The programme of the student.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? ProgrammeId { get; init; }

    /// <summary>The donor who sponsors.</summary>
    /// <example>0193a5c2-8c2f-7e40-9b22-3a5d6e7f8091</example>
    public Guid? DonorId { get; init; }

    /// <summary>The student sponsored: not withdrawn; under 14 only with the guardian's consent recorded.</summary>
    /// <example>0193a5c3-1d4e-7a52-9c33-4b6e7f8091a2</example>
    public Guid? StudentId { get; init; }

    /// <summary>The first academic year, by the year it starts in (2022 = 2022-2023); 2000–2100.</summary>
    /// <example>2022</example>
    public int? FromYear { get; init; }

    /// <summary>The last academic year, by the year it starts in; not before fromYear, at most 12 years in all.</summary>
    /// <example>2024</example>
    public int? ToYear { get; init; }

    /// <summary>The amount per academic year, a decimal string with at most two decimals; with the student's other sponsorships, never more than the programme's annual standard.</summary>
    /// <example>1000.00</example>
    public string? AnnualAmount { get; init; }

    public CreateSponsorship ToCommand() =>
        new(ProgrammeId!.Value, DonorId!.Value, StudentId!.Value, FromYear!.Value, ToYear!.Value, Money.Parse(AnnualAmount!));
}

internal sealed class CreateSponsorshipRequestValidator : AbstractValidator<CreateSponsorshipRequest>
{
    public CreateSponsorshipRequestValidator()
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.DonorId).NotEmpty();
        RuleFor(c => c.StudentId).NotEmpty();
        RuleFor(c => c.FromYear).NotNull().InclusiveBetween(2000, 2100);
        RuleFor(c => c.ToYear).NotNull().InclusiveBetween(2000, 2100);
        RuleFor(c => c.ToYear).GreaterThanOrEqualTo(c => c.FromYear).When(c => c.FromYear is not null).WithMessage("toYear must not be before fromYear.");
        RuleFor(c => c.ToYear).Must((c, to) => to - c.FromYear < 12).When(c => c.FromYear is not null && c.ToYear is not null)
            .WithMessage("A sponsorship spans at most 12 academic years.");
        RuleFor(c => c.AnnualAmount).MoneyAmount();
    }
}
