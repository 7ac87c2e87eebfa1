using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Users;
using FluentValidation;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>
/// The signed-in donor changes their e-mail, postal address and language. The e-mail is also their login, so it changes both
/// (donors.email and users.login) and must not be anyone else's login; sign-in links sent to the old address stop working
/// (they are bound to it). The language is the donor's (receipts, e-mails) and the account's.
/// </summary>
public sealed record UpdateMyDetails(string Email, string? Address, string Language) : ICommand<Unit>;

public sealed class UpdateMyDetailsValidator : AbstractValidator<UpdateMyDetails>
{
    public UpdateMyDetailsValidator()
    {
        RuleFor(c => c.Email).Must(Logins.IsEmail).OverridePropertyName("email").WithMessage("Enter an e-mail address such as name@example.com.");
        RuleFor(c => c.Address).Text(300, multiline: true).OverridePropertyName("address");
        RuleFor(c => c.Language).Must(l => Languages.All.Contains(l)).OverridePropertyName("language").WithMessage("language must be zh-CN or en.");
    }
}

internal sealed class UpdateMyDetailsHandler(IDbSession db, AccessScope scope, AuditRecorder audit) : ICommandHandler<UpdateMyDetails, Unit>
{
    public async ValueTask<Unit> Handle(UpdateMyDetails command, CancellationToken ct)
    {
        var donorId = MyDonor.Id(scope);
        var userId = scope.Actor!.UserId;
        var donor = await db.QuerySingleOrDefaultAsync<DonorRow>(
            db.Dialect.LockingSelect(DonorRow.Columns, "donors", "id = @id", RowLock.Update), new { id = donorId }, ct)
            ?? throw new NotFoundException("Donor", donorId);
        var login = Logins.Normalise(command.Email);
        var user = await UserRow.GetAsync(db, userId, ct);
        var loginChanged = user.Login != login;
        if (loginChanged && await UserRow.FindByLoginAsync(db, login, ct) is not null)
            throw new InputException("email", "Another person already signs in with this e-mail address.");
        var address = string.IsNullOrWhiteSpace(command.Address) ? null : command.Address.Trim();
        await db.ExecuteAsync("UPDATE donors SET email = @login, address = @address, language = @language WHERE id = @donorId",
            new { donorId, login, address, language = command.Language }, ct);
        await db.ExecuteAsync("UPDATE users SET login = @login, language = @language WHERE id = @userId", new { userId, login, language = command.Language }, ct);
        audit.Describe("donor", donor.Id, null, new
        {
            fields = new[]
            {
                donor.Email is { } old && Logins.Normalise(old) == login ? null : "email", donor.Address == address ? null : "address",
                donor.Language == command.Language ? null : "language",
            }.Where(f => f is not null),
            loginChanged, language = command.Language, byDonor = true,
        });
        return Unit.Value;
    }
}
