using Aid.Application.Pipeline;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Receipts;
using FluentValidation;
using Mediator;

namespace Aid.Application.Donors;

/// <summary>
/// Codes <c>person</c>, <c>organisation</c> (see <see cref="Codes"/>). <see cref="DonorKinds"/> (DonorView.cs) still holds
/// the same codes as strings for the rows and the queries.
/// </summary>
public enum DonorKind { Person, Organisation }

/// <summary>
/// A person or an organisation that gives. <paramref name="Language"/> is <c>zh-CN</c> or <c>en</c>: a string, since
/// "zh-CN" is not a name an enum member can carry.
/// </summary>
public sealed record CreateDonor(
    DonorKind Kind, string Name, bool Anonymous, string Language, string? Email, string? Phone, string? Address, string? OrganisationCode)
    : ICommand<DonorView>, IIdempotentCommand;

/// <summary>What the typed command cannot say by itself; the shape of a request is checked at the edge.</summary>
public sealed class CreateDonorValidator : AbstractValidator<CreateDonor>
{
    public CreateDonorValidator()
    {
        RuleFor(c => c.Language).Must(l => Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
        RuleFor(c => c.OrganisationCode).Null().When(c => c.Kind == DonorKind.Person).WithMessage("Only organisations have an organisationCode.");
    }
}

internal sealed class CreateDonorHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit, IReceiptRenderer fonts)
    : ICommandHandler<CreateDonor, DonorView>
{
    public async ValueTask<DonorView> Handle(CreateDonor command, CancellationToken ct)
    {
        var donor = new DonorRow
        {
            Id = Guid.CreateVersion7(),
            Kind = command.Kind.Code(),
            Name = command.Name.Trim(),
            Anonymous = command.Anonymous,
            Language = command.Language,
            Email = command.Email,
            Phone = command.Phone,
            Address = command.Address,
            OrganisationCode = command.OrganisationCode,
            CreatedAt = clock.UtcNow(),
        };
        await db.ExecuteAsync("""
            INSERT INTO donors (id, kind, name, anonymous, language, email, phone, address, organisation_code, created_at, created_by, name_initials)
            VALUES (@Id, @Kind, @Name, @Anonymous, @Language, @Email, @Phone, @Address, @OrganisationCode, @CreatedAt, @createdBy, @nameInitials)
            """, new { donor.Id, donor.Kind, donor.Name, donor.Anonymous, donor.Language, donor.Email, donor.Phone, donor.Address,
                donor.OrganisationCode, donor.CreatedAt, createdBy = scope.AuditActor, nameInitials = DonorNameInitials.Of(donor.Kind, donor.Name) }, ct);
        // Contact details stay out of the audit trail: ids and non-personal facts only.
        audit.Describe("donor", donor.Id, null, new { donor.Kind, donor.Anonymous, donor.Language });
        return donor.ToView() with { UnprintableCharacters = Unprintable(fonts, command.Name) };
    }

    /// <summary>The name's characters no font prints (null when all print, or when no font is installed: then no PDF is made at all).</summary>
    internal static IReadOnlyList<string>? Unprintable(IReceiptRenderer fonts, string name) =>
        fonts.Available && fonts.Unprintable(name) is { Count: > 0 } missing ? missing : null;
}
