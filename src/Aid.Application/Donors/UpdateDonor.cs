using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Receipts;
using FluentValidation;
using Mediator;

namespace Aid.Application.Donors;

/// <summary>
/// PATCH: only the fields given change (null = unchanged). The kind of a donor is fixed once created.
/// Who may edit: an admin, any donor. A manager, a donor who has a gift, pledge or sponsorship in one of the manager's
/// programmes, or who has none of these anywhere yet (just recorded, not yet tied to a programme), or whom this manager's
/// key recorded (<c>donors.created_by</c>). Any other donor reads as not found (404), as scope does everywhere in the API;
/// staff can still read every donor, the rule guards only changes to contact data.
/// </summary>
public sealed record UpdateDonor(
    Guid Id, string? Name, bool? Anonymous, string? Language, string? Email, string? Phone, string? Address, string? OrganisationCode)
    : ICommand<DonorView>;

/// <summary>The language is a string code (see <see cref="CreateDonor"/>); the shape of a request is checked at the edge.</summary>
public sealed class UpdateDonorValidator : AbstractValidator<UpdateDonor>
{
    public UpdateDonorValidator() =>
        RuleFor(c => c.Language).Must(l => l is null || Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
}

internal sealed class UpdateDonorHandler(IDbSession db, AccessScope scope, Preconditions preconditions, AuditRecorder audit, IReceiptRenderer fonts)
    : ICommandHandler<UpdateDonor, DonorView>
{
    public async ValueTask<DonorView> Handle(UpdateDonor command, CancellationToken ct)
    {
        var current = await db.QuerySingleOrDefaultAsync<DonorRow>(
            db.Dialect.LockingSelect(DonorRow.Columns, "donors", "id = @id", RowLock.Update), new { id = command.Id }, ct)
            ?? throw new NotFoundException("Donor", command.Id);
        if (!await MayEditAsync(command.Id, ct))
            throw new NotFoundException("Donor", command.Id);
        preconditions.EnsureMatches(current.ToView());
        if (command.OrganisationCode is not null && current.Kind == DonorKind.Person.Code())
            throw new InputException("organisationCode", "Only organisations have an organisationCode.");

        var updated = new DonorRow
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
                address = @Address, organisation_code = @OrganisationCode, name_initials = @nameInitials
            WHERE id = @Id
            """, new { updated.Id, updated.Name, updated.Anonymous, updated.Language, updated.Email, updated.Phone, updated.Address, updated.OrganisationCode,
                nameInitials = DonorNameInitials.Of(updated.Kind, updated.Name) }, ct);
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
        return updated.ToView() with { UnprintableCharacters = command.Name is null ? null : CreateDonorHandler.Unprintable(fonts, command.Name) };
    }

    /// <summary>The rule in the summary above; read after the donor row is locked.</summary>
    private async Task<bool> MayEditAsync(Guid donorId, CancellationToken ct)
    {
        if (scope.ProgrammeFilter is not { } programmes) return true;
        if (!scope.CanSeeDonor(donorId)) return false;
        const string links = """
            (SELECT programme_id FROM gifts WHERE donor_id = @donorId
             UNION ALL SELECT programme_id FROM pledges WHERE donor_id = @donorId
             UNION ALL SELECT programme_id FROM sponsorships WHERE donor_id = @donorId) x
            """;
        var total = await db.QuerySingleAsync<long>($"SELECT COUNT(*) FROM {links}", new { donorId }, ct);
        var mine = await db.QuerySingleAsync<long>($"SELECT COUNT(*) FROM {links} WHERE {db.Dialect.InList("x.programme_id", "programmes")}",
            new { donorId, programmes = db.Dialect.IdList(programmes) }, ct);
        if (mine > 0 || total == 0) return true;
        var createdBy = await db.QuerySingleAsync<string>("SELECT created_by FROM donors WHERE id = @donorId", new { donorId }, ct);
        return createdBy == scope.AuditActor;
    }
}
