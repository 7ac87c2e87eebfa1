using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Donors;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A person or an organisation that gives. Contact details never enter the audit trail.</summary>
public sealed record CreateDonorRequest : IApiRequest
{
    /// <summary><c>person</c> or <c>organisation</c>; fixed once created.</summary>
    /// <example>person</example>
    [Codes(typeof(Aid.Application.Donors.DonorKind))]
    public string? Kind { get; init; }

    /// <summary>The donor's name, or the organisation's registered name (at most 200 characters).</summary>
    /// <example>蒋晟晖</example>
    public string? Name { get; init; }

    /// <summary>Shown as 匿名 (Anonymous) in every public or donor-facing list (default: false).</summary>
    /// <example>false</example>
    public bool? Anonymous { get; init; }

    /// <summary>The language of the donor's receipts and statements: <c>zh-CN</c> or <c>en</c> (default: zh-CN).</summary>
    /// <example>zh-CN</example>
    [Codes("zh-CN", "en")]
    public string? Language { get; init; }

    /// <summary>E-mail address (at most 254 characters).</summary>
    /// <example>jiang.shenghui@example.cn</example>
    public string? Email { get; init; }

    /// <summary>Phone number: digits with an optional leading + and spaces or dashes.</summary>
    /// <example>+86 138-0000-0000</example>
    public string? Phone { get; init; }

    /// <summary>Postal address (at most 300 characters).</summary>
    /// <example>陕西省安康市汉滨区</example>
    public string? Address { get; init; }

    /// <summary>Organisations only: the 18-character unified social credit code (统一社会信用代码).</summary>
    /// <example>91610900MA70XXXX1Y</example>
    public string? OrganisationCode { get; init; }

    public CreateDonor ToCommand() => new(Codes.Parse<DonorKind>(Kind!), Name!, Anonymous ?? false, Language ?? "zh-CN",
        Email, Phone, Address, OrganisationCode);
}

internal sealed class CreateDonorRequestValidator : AbstractValidator<CreateDonorRequest>
{
    public CreateDonorRequestValidator()
    {
        RuleFor(c => c.Kind).NotEmpty().Must(k => Codes.TryParse<DonorKind>(k, out _)).WithMessage("kind must be person or organisation.");
        RuleFor(c => c.Name).NotEmpty().Text(200);
        RuleFor(c => c.Language).Must(l => l is null || Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
        RuleFor(c => c.OrganisationCode).Text(18).Matches(DonorRules.OrganisationCodePattern)
            .WithMessage("organisationCode is an 18-character unified social credit code.");
        RuleFor(c => c.OrganisationCode).Null().When(c => c.Kind == DonorKind.Person.Code()).WithMessage("Only organisations have an organisationCode.");
        DonorRules.Contact(this, c => c.Email, c => c.Phone, c => c.Address);
    }
}

/// <summary>Changes to a donor: only the fields given change (a missing or null field stays as it is). The kind cannot change.</summary>
public sealed record UpdateDonorRequest : IApiRequest
{
    /// <summary>A new name (at most 200 characters).</summary>
    /// <example>蒋晟晖</example>
    public string? Name { get; init; }

    /// <summary>Shown as 匿名 (Anonymous) in every public or donor-facing list.</summary>
    /// <example>true</example>
    public bool? Anonymous { get; init; }

    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    /// <example>en</example>
    [Codes("zh-CN", "en")]
    public string? Language { get; init; }

    /// <summary>E-mail address (at most 254 characters).</summary>
    /// <example>jiang.shenghui@example.cn</example>
    public string? Email { get; init; }

    /// <summary>Phone number: digits with an optional leading + and spaces or dashes.</summary>
    /// <example>+86 138-0000-0000</example>
    public string? Phone { get; init; }

    /// <summary>Postal address (at most 300 characters).</summary>
    /// <example>陕西省安康市镇坪县城关镇</example>
    public string? Address { get; init; }

    /// <summary>Organisations only: the 18-character unified social credit code.</summary>
    /// <example>91610900MA70XXXX1Y</example>
    public string? OrganisationCode { get; init; }

    public UpdateDonor ToCommand(Guid id) => new(id, Name, Anonymous, Language, Email, Phone, Address, OrganisationCode);
}

internal sealed class UpdateDonorRequestValidator : AbstractValidator<UpdateDonorRequest>
{
    public UpdateDonorRequestValidator()
    {
        RuleFor(c => c.Name).NotEmpty().Text(200).When(c => c.Name is not null);
        RuleFor(c => c.Language).Must(l => l is null || Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
        RuleFor(c => c.OrganisationCode).Text(18).Matches(DonorRules.OrganisationCodePattern)
            .WithMessage("organisationCode is an 18-character unified social credit code.");
        DonorRules.Contact(this, c => c.Email, c => c.Phone, c => c.Address);
    }
}
