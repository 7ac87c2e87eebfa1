using System.Text.Json.Serialization;
using Aid.Application.Pipeline;
using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Donors;

public sealed record CreateDonor(
    string? Kind, string? Name, bool? Anonymous, string? Language, string? Email, string? Phone, string? Address, string? OrganisationCode)
    : ICommand<DonorView>, IIdempotentCommand
{
    [JsonIgnore] public string? IdempotencyKey { get; init; }
}

public sealed class CreateDonorValidator : AbstractValidator<CreateDonor>
{
    public CreateDonorValidator()
    {
        RuleFor(c => c.Kind).NotEmpty().Must(k => DonorKinds.All.Contains(k!)).WithMessage("kind must be person or organisation.");
        RuleFor(c => c.Name).NotEmpty().Text(200);
        RuleFor(c => c.Language).Must(l => l is null || Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
        RuleFor(c => c.OrganisationCode).Matches(DonorRules.OrganisationCodePattern)
            .WithMessage("organisationCode is an 18-character unified social credit code.");
        RuleFor(c => c.OrganisationCode).Null().When(c => c.Kind == DonorKinds.Person).WithMessage("Only organisations have an organisationCode.");
        DonorRules.Contact(this, c => c.Email, c => c.Phone, c => c.Address);
    }
}

internal sealed class CreateDonorHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateDonor, DonorView>
{
    public async ValueTask<DonorView> Handle(CreateDonor command, CancellationToken ct)
    {
        var donor = new DonorView
        {
            Id = Guid.CreateVersion7(),
            Kind = command.Kind!,
            Name = command.Name!.Trim(),
            Anonymous = command.Anonymous ?? false,
            Language = command.Language ?? "zh-CN",
            Email = command.Email,
            Phone = command.Phone,
            Address = command.Address,
            OrganisationCode = command.OrganisationCode,
            CreatedAt = clock.UtcNow(),
        };
        await db.ExecuteAsync("""
            INSERT INTO donors (id, kind, name, anonymous, language, email, phone, address, organisation_code, created_at, created_by)
            VALUES (@Id, @Kind, @Name, @Anonymous, @Language, @Email, @Phone, @Address, @OrganisationCode, @CreatedAt, @createdBy)
            """, new { donor.Id, donor.Kind, donor.Name, donor.Anonymous, donor.Language, donor.Email, donor.Phone, donor.Address,
                donor.OrganisationCode, donor.CreatedAt, createdBy = scope.AuditActor }, ct);
        // Contact details stay out of the audit trail: ids and non-personal facts only.
        audit.Describe("donor", donor.Id, null, new { donor.Kind, donor.Anonymous, donor.Language });
        return donor;
    }
}
