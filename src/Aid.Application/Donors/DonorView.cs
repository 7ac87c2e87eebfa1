using Aid.Application.Common;
using FluentValidation;

namespace Aid.Application.Donors;

public static class DonorKinds
{
    public const string Person = "person";
    public const string Organisation = "organisation";
    public static readonly IReadOnlyList<string> All = [Person, Organisation];
}

public static class Languages
{
    public static readonly IReadOnlyList<string> All = ["zh-CN", "en"];
}

/// <summary>A donor as staff (and the donor itself) see it.</summary>
public sealed class DonorView
{
    public required Guid Id { get; init; }
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public required bool Anonymous { get; init; }
    public required string Language { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Address { get; init; }
    public string? OrganisationCode { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    internal const string Columns = """
        id AS Id, kind AS Kind, name AS Name, anonymous AS Anonymous, language AS Language, email AS Email,
        phone AS Phone, address AS Address, organisation_code AS OrganisationCode, created_at AS CreatedAt
        """;

    /// <summary>How the donor appears in every public or donor-facing list.</summary>
    public static string PublicName(string name, bool anonymous, string language = "zh-CN") =>
        anonymous ? (language == "en" ? "Anonymous" : "匿名") : name;
}

internal static class DonorRules
{
    public const string OrganisationCodePattern = "^[0-9A-HJ-NPQRTUWXY]{18}$";

    public static void Contact<T>(AbstractValidator<T> v, Func<T, string?> email, Func<T, string?> phone, Func<T, string?> address)
    {
        v.RuleFor(c => email(c)).EmailAddress().MaximumLength(254).OverridePropertyName("email");
        v.RuleFor(c => phone(c)).Matches(@"^\+?[0-9][0-9 \-]{4,30}$").OverridePropertyName("phone")
            .WithMessage("phone is digits with optional leading + and spaces or dashes.");
        v.RuleFor(c => address(c)).Text(300).OverridePropertyName("address");
    }
}
