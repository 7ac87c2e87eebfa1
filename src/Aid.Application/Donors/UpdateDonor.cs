using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Donors;

/// <summary>PATCH: only the fields given change (null = unchanged). The kind of a donor is fixed once created.</summary>
public sealed record UpdateDonor(
    Guid Id, string? Name, bool? Anonymous, string? Language, string? Email, string? Phone, string? Address, string? OrganisationCode)
    : ICommand<DonorView>;

/// <summary>The language is a string code (see <see cref="CreateDonor"/>); the shape of a request is checked at the edge.</summary>
public sealed class UpdateDonorValidator : AbstractValidator<UpdateDonor>
{
    public UpdateDonorValidator() =>
        RuleFor(c => c.Language).Must(l => l is null || Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
}

internal sealed class UpdateDonorHandler(IDbSession db, Preconditions preconditions, AuditRecorder audit) : ICommandHandler<UpdateDonor, DonorView>
{
    public async ValueTask<DonorView> Handle(UpdateDonor command, CancellationToken ct)
    {
        var current = await db.QuerySingleOrDefaultAsync<DonorView>(
            db.Dialect.LockingSelect(DonorView.Columns, "donors", "id = @id", RowLock.Update), new { id = command.Id }, ct)
            ?? throw new NotFoundException("Donor", command.Id);
        preconditions.EnsureMatches(current);
        if (command.OrganisationCode is not null && current.Kind == DonorKind.Person.Code())
            throw new InputException("organisationCode", "Only organisations have an organisationCode.");

        var updated = new DonorView
        {
            Id = current.Id,
            Kind = current.Kind,
            Name = command.Name?.Trim() ?? current.Name,
            Anonymous = command.Anonymous ?? current.Anonymous,
            Language = command.Language ?? current.Language,
            Email = command.Email ?? current.Email,
            Phone = command.Phone ?? current.Phone,
            Address = command.Address ?? current.Address,
            OrganisationCode = command.OrganisationCode ?? current.OrganisationCode,
            CreatedAt = current.CreatedAt,
        };
        await db.ExecuteAsync("""
            UPDATE donors SET name = @Name, anonymous = @Anonymous, language = @Language, email = @Email, phone = @Phone,
                address = @Address, organisation_code = @OrganisationCode
            WHERE id = @Id
            """, new { updated.Id, updated.Name, updated.Anonymous, updated.Language, updated.Email, updated.Phone, updated.Address, updated.OrganisationCode }, ct);
        audit.Describe("donor", updated.Id, null, new
        {
            fields = new[]
            {
                command.Name is null ? null : "name", command.Anonymous is null ? null : "anonymous", command.Language is null ? null : "language",
                command.Email is null ? null : "email", command.Phone is null ? null : "phone", command.Address is null ? null : "address",
                command.OrganisationCode is null ? null : "organisationCode",
            }.Where(f => f is not null),
            updated.Anonymous, updated.Language,
        });
        return updated;
    }
}
