using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Students;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>
/// A student to register in a programme. The ID number, the guardian's phone and the address are encrypted at rest;
/// the student is known by a pseudonymous code (ZP-0001) everywhere else.
/// </summary>
public sealed record RegisterStudentRequest : IApiRequest
{
    /// <summary>The programme the student joins.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? ProgrammeId { get; init; }

    /// <summary>The student's full name (up to 50 characters); managers see it, auditors masked, donors the given-name initial only.</summary>
    public string? Name { get; init; }

    /// <summary><c>female</c> or <c>male</c>.</summary>
    /// <example>female</example>
    [Codes(typeof(Aid.Application.Students.Gender))]
    public string? Gender { get; init; }

    /// <summary>The birth date (yyyy-MM-dd), in the past; must be the one inside the ID number.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>The 18-character resident ID number (17 digits and a check character, GB 11643). Never shown in full except to an audited reveal.</summary>
    public string? IdNumber { get; init; }

    /// <summary>The school (up to 100 characters).</summary>
    /// <example>镇坪县中学</example>
    public string? School { get; init; }

    /// <summary>The grade or class (up to 30 characters).</summary>
    /// <example>高一</example>
    public string? Grade { get; init; }

    /// <summary>The county the student lives in (up to 100 characters).</summary>
    /// <example>镇坪县</example>
    public string? County { get; init; }

    /// <summary>Whether the family is registered as poor (建档立卡); default false.</summary>
    /// <example>true</example>
    public bool? PovertyRegistered { get; init; }

    /// <summary>The guardian's name (up to 50 characters).</summary>
    public string? GuardianName { get; init; }

    /// <summary>The guardian's phone: digits, an optional leading +, spaces or dashes.</summary>
    public string? GuardianPhone { get; init; }

    /// <summary>The home address (up to 300 characters).</summary>
    public string? Address { get; init; }

    /// <summary>The day the guardian consented (yyyy-MM-dd), not in the future; needed before a student under 14 is sponsored or paid.</summary>
    /// <example>2021-08-20</example>
    public DateOnly? ConsentDate { get; init; }

    /// <summary>Where the consent is kept (up to 200 characters); required with consentDate.</summary>
    /// <example>监护人同意书-2021-001</example>
    public string? ConsentReference { get; init; }

    // Keeps the ID number out of anything that prints the request (exception messages, debugger, logs).
    public override string ToString() => $"RegisterStudentRequest {{ ProgrammeId = {ProgrammeId}, School = {School}, Grade = {Grade} }}";

    public RegisterStudent ToCommand() => new(ProgrammeId!.Value, Name!, Codes.Parse<Gender>(Gender!), BirthDate!.Value, IdNumber!, School!, Grade!,
        County, PovertyRegistered ?? false, GuardianName, GuardianPhone, Address, ConsentDate, ConsentReference);
}

internal sealed class RegisterStudentRequestValidator : AbstractValidator<RegisterStudentRequest>
{
    public RegisterStudentRequestValidator()
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().Text(50);
        RuleFor(c => c.Gender).NotEmpty().Must(g => Codes.TryParse<Gender>(g, out _)).WithMessage("gender must be female or male.");
        RuleFor(c => c.BirthDate).NotNull().BusinessDate(StudentRules.EarliestBirthDate);
        RuleFor(c => c.IdNumber).NotEmpty().Text(18).Must(StudentRules.IsValidIdNumber)
            .WithMessage("idNumber must be an 18-character resident ID number with a valid check character (GB 11643).");
        RuleFor(c => c.IdNumber).Must((c, id) => c.BirthDate is null || !StudentRules.IsValidIdNumber(id) || StudentRules.BirthDateOf(id!) == c.BirthDate)
            .WithMessage("The birth date inside idNumber does not match birthDate.");
        RuleFor(c => c.School).NotEmpty().Text(100);
        RuleFor(c => c.Grade).NotEmpty().Text(30);
        RuleFor(c => c.County).Text(100);
        RuleFor(c => c.GuardianName).Text(50);
        RuleFor(c => c.GuardianPhone).Text(40).Matches(@"^\+?[0-9][0-9 \-]{4,30}$").WithMessage("guardianPhone is digits with optional leading + and spaces or dashes.");
        RuleFor(c => c.Address).Text(300, multiline: true);
        RuleFor(c => c.ConsentReference).Text(200);
        RuleFor(c => c.ConsentDate).BusinessDate();
        RuleFor(c => c.ConsentReference).NotEmpty().When(c => c.ConsentDate is not null).WithMessage("A consent needs its evidence reference.");
        RuleFor(c => c.ConsentDate).NotNull().When(c => !string.IsNullOrEmpty(c.ConsentReference)).WithMessage("A consent reference needs its date.");
    }
}

/// <summary>A change to a student: send only what changes (a missing or null field stays as it is).</summary>
public sealed record UpdateStudentRequest : IApiRequest
{
    /// <summary>The new school (up to 100 characters).</summary>
    /// <example>镇坪县城关中学</example>
    public string? School { get; init; }

    /// <summary>The new grade or class (up to 30 characters).</summary>
    /// <example>高二</example>
    public string? Grade { get; init; }

    /// <summary>The county the student lives in (up to 100 characters).</summary>
    public string? County { get; init; }

    /// <summary>The guardian's name (up to 50 characters).</summary>
    public string? GuardianName { get; init; }

    /// <summary>The guardian's phone: digits, an optional leading +, spaces or dashes.</summary>
    public string? GuardianPhone { get; init; }

    /// <summary>The home address (up to 300 characters).</summary>
    public string? Address { get; init; }

    /// <summary>The day the guardian consented (yyyy-MM-dd), not in the future; a consent needs its reference too.</summary>
    /// <example>2022-08-01</example>
    public DateOnly? ConsentDate { get; init; }

    /// <summary>Where the consent is kept (up to 200 characters).</summary>
    /// <example>监护人同意书-002</example>
    public string? ConsentReference { get; init; }

    /// <summary><c>active</c>, <c>graduated</c> or <c>withdrawn</c>; a graduation or withdrawal needs statusDate.</summary>
    /// <example>withdrawn</example>
    [Codes(typeof(Aid.Application.Students.StudentStatus))]
    public string? Status { get; init; }

    /// <summary>The day of the graduation or withdrawal (yyyy-MM-dd).</summary>
    /// <example>2022-09-01</example>
    public DateOnly? StatusDate { get; init; }

    // Keeps the guardian's phone and the address out of anything that prints the request.
    public override string ToString() => "UpdateStudentRequest";

    public UpdateStudent ToCommand(Guid id) => new(id, School, Grade, County, GuardianName, GuardianPhone, Address, ConsentDate, ConsentReference,
        Status is null ? null : Codes.Parse<StudentStatus>(Status), StatusDate);
}

internal sealed class UpdateStudentRequestValidator : AbstractValidator<UpdateStudentRequest>
{
    public UpdateStudentRequestValidator()
    {
        RuleFor(c => c.School).NotEmpty().Text(100).When(c => c.School is not null);
        RuleFor(c => c.Grade).NotEmpty().Text(30).When(c => c.Grade is not null);
        RuleFor(c => c.County).Text(100);
        RuleFor(c => c.GuardianName).Text(50);
        RuleFor(c => c.GuardianPhone).Text(40).Matches(@"^\+?[0-9][0-9 \-]{4,30}$").WithMessage("guardianPhone is digits with optional leading + and spaces or dashes.");
        RuleFor(c => c.Address).Text(300, multiline: true);
        RuleFor(c => c.ConsentReference).Text(200);
        RuleFor(c => c.ConsentDate).BusinessDate();
        RuleFor(c => c.Status).Must(s => s is null || Codes.TryParse<StudentStatus>(s, out _)).WithMessage("status must be active, graduated or withdrawn.");
        RuleFor(c => c.StatusDate).BusinessDate();
        RuleFor(c => c.StatusDate).NotNull()
            .When(c => Codes.TryParse<StudentStatus>(c.Status, out var status) && status is StudentStatus.Withdrawn or StudentStatus.Graduated)
            .WithMessage("A withdrawal or graduation needs its date (statusDate).");
    }
}
