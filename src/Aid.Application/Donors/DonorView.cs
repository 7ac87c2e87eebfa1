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
public sealed record DonorView
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

    /// <summary>
    /// Only in the answer to creating or renaming a donor: the characters of the name no installed font can print. Receipts
    /// and statements would show □ in their place: check the name (a variant character, or the donor's own writing of it).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? UnprintableCharacters { get; init; }

    /// <summary>How the donor appears in every public or donor-facing list.</summary>
    public static string PublicName(string name, bool anonymous, string language = "zh-CN") =>
        anonymous ? (language == "en" ? "Anonymous" : "匿名") : name;
}

/// <summary>The donors row; shared by the donor use cases, statements and receipts.</summary>
internal sealed class DonorRow
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

    public const string Columns = """
        id AS Id, kind AS Kind, name AS Name, anonymous AS Anonymous, language AS Language, email AS Email,
        phone AS Phone, address AS Address, organisation_code AS OrganisationCode, created_at AS CreatedAt
        """;

    public DonorView ToView() => new()
    {
        Id = Id, Kind = Kind, Name = Name, Anonymous = Anonymous, Language = Language, Email = Email, Phone = Phone,
        Address = Address, OrganisationCode = OrganisationCode, CreatedAt = CreatedAt,
    };
}

internal static class DonorRules
{
    public const string OrganisationCodePattern = "^[0-9A-HJ-NPQRTUWXY]{18}$";

    public static void Contact<T>(AbstractValidator<T> v, Func<T, string?> email, Func<T, string?> phone, Func<T, string?> address)
    {
        v.RuleFor(c => email(c)).Text(254).EmailAddress().OverridePropertyName("email");
        v.RuleFor(c => phone(c)).Text(40).Matches(@"^\+?[0-9][0-9 \-]{4,30}$").OverridePropertyName("phone")
            .WithMessage("phone is digits with optional leading + and spaces or dashes.");
        v.RuleFor(c => address(c)).Text(300, multiline: true).OverridePropertyName("address");
    }
}
