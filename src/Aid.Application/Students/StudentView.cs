using System.Text.Json.Serialization;
using Aid.Application.Common;

namespace Aid.Application.Students;

/// <summary>
/// A student as the caller may see them. Managers: everything, the ID number masked. Auditors: code, masked name,
/// school, grade, status and the masked ID. Donors (own sponsored students only): code, given-name initial, school,
/// grade. Fields a role may not see are left out of the JSON entirely.
/// </summary>
public sealed record StudentView
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required string Code { get; init; }
    public required string School { get; init; }
    public required string Grade { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Status { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MaskedName { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GivenNameInitial { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Gender { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateOnly? BirthDate { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IdNumberMasked { get; init; }
    /// <summary>Only in the answer to an audited reveal (manager, ?reveal=idNumber).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? IdNumber { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? County { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? PovertyRegistered { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GuardianName { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? GuardianPhone { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Address { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateOnly? ConsentDate { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ConsentReference { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateOnly? StatusDate { get; init; }
}

internal sealed class StudentRow
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string Gender { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required string IdNumberEnc { get; init; }
    public required string School { get; init; }
    public required string Grade { get; init; }
    public string? County { get; init; }
    public required bool PovertyRegistered { get; init; }
    public string? GuardianName { get; init; }
    public string? GuardianPhoneEnc { get; init; }
    public string? AddressEnc { get; init; }
    public DateOnly? ConsentDate { get; init; }
    public string? ConsentReference { get; init; }
    public required string Status { get; init; }
    public DateOnly? StatusDate { get; init; }

    public const string Columns = """
        id AS Id, programme_id AS ProgrammeId, code AS Code, name AS Name, gender AS Gender, birth_date AS BirthDate,
        id_number_enc AS IdNumberEnc, school AS School, grade AS Grade, county AS County, poverty_registered AS PovertyRegistered,
        guardian_name AS GuardianName, guardian_phone_enc AS GuardianPhoneEnc, address_enc AS AddressEnc, consent_date AS ConsentDate,
        consent_reference AS ConsentReference, status AS Status, status_date AS StatusDate
        """;

    public static Task<StudentRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<StudentRow>($"SELECT {Columns} FROM students WHERE id = @id", new { id }, ct);

    public StudentStatus State => Codes.Parse<StudentStatus>(Status);

    public bool HasConsent => ConsentDate is not null && !string.IsNullOrWhiteSpace(ConsentReference);

    /// <summary>The view for the caller's role; <paramref name="reveal"/> puts the full ID number in (managers, audited).</summary>
    public StudentView ToView(Actor? actor, IFieldCipher cipher, bool reveal = false)
    {
        var role = actor?.Role ?? Roles.Admin;
        var basic = new StudentView { Id = Id, ProgrammeId = ProgrammeId, Code = Code, School = School, Grade = Grade };
        switch (role)
        {
            case Roles.Donor:
                return basic with { GivenNameInitial = StudentRules.GivenNameInitial(Name) };
            case Roles.Auditor:
                return basic with
                {
                    Status = Status, MaskedName = StudentRules.MaskName(Name), IdNumberMasked = StudentRules.MaskIdNumber(cipher.Decrypt(IdNumberEnc)),
                    County = County, StatusDate = StatusDate,
                };
            default:
                var idNumber = cipher.Decrypt(IdNumberEnc);
                return basic with
                {
                    Status = Status, Name = Name, MaskedName = StudentRules.MaskName(Name), Gender = Gender, BirthDate = BirthDate,
                    IdNumberMasked = StudentRules.MaskIdNumber(idNumber), IdNumber = reveal ? idNumber : null, County = County,
                    PovertyRegistered = PovertyRegistered, GuardianName = GuardianName,
                    GuardianPhone = GuardianPhoneEnc is null ? null : cipher.Decrypt(GuardianPhoneEnc),
                    Address = AddressEnc is null ? null : cipher.Decrypt(AddressEnc), ConsentDate = ConsentDate, ConsentReference = ConsentReference,
                    StatusDate = StatusDate,
                };
        }
    }
}
