using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Email;
using Aid.Application.Receipts;
using Aid.Application.Users;
using Mediator;

namespace Aid.Application.Donors;

/// <summary>
/// Staff invite a donor to their donor pages: the donor's account is made if they have none (role donor, login = the donor's
/// e-mail, which no one else may sign in with), and an invitation with a one-time sign-in link valid for 7 days is queued to
/// the account's login. A donor without an e-mail address cannot be invited.
/// </summary>
public sealed record InviteDonor(Guid DonorId) : ICommand<DonorInvited>;

public sealed record DonorInvited(Guid UserId, string SentTo, bool AccountCreated, DateTimeOffset ExpiresAt);

internal sealed class InviteDonorHandler(IDbSession db, BusinessClock clock, AccessScope scope, EmailOutbox outbox, ReceiptSettings settings,
    IRequestBaseUrl baseUrl, AuditRecorder audit) : ICommandHandler<InviteDonor, DonorInvited>
{
    public async ValueTask<DonorInvited> Handle(InviteDonor command, CancellationToken ct)
    {
        if (scope.Actor is { Role: Roles.Donor or Roles.Auditor }) throw new NotFoundException("Donor", command.DonorId);
        var donor = await db.QuerySingleOrDefaultAsync<DonorRow>(
            db.Dialect.LockingSelect(DonorRow.Columns, "donors", "id = @id", RowLock.Update), new { id = command.DonorId }, ct)
            ?? throw new NotFoundException("Donor", command.DonorId);
        if (string.IsNullOrWhiteSpace(donor.Email) || !Logins.IsEmail(donor.Email))
            throw new ConflictException("The donor has no e-mail address: add one before sending an invitation.");
        var account = await DonorLinks.AccountAsync(db, clock, scope, donor.Id, donor.Name, donor.Language, donor.Email, ct)
            ?? throw new ConflictException("Another person already signs in with this donor's e-mail address.");
        var (user, created) = account;
        if (user.DisabledAt is not null) throw new ConflictException("The donor's account is disabled: an admin must enable it first.");
        if (user.Login is null)
        {
            // An account made from a donor API key before accounts existed: it signs in with the donor's e-mail from now on.
            if (await UserRow.FindByLoginAsync(db, donor.Email, ct) is not null)
                throw new ConflictException("Another person already signs in with this donor's e-mail address.");
            await db.ExecuteAsync("UPDATE users SET login = @login WHERE id = @id", new { id = user.Id, login = Logins.Normalise(donor.Email) }, ct);
            user = (await UserRow.FindAsync(db, user.Id, ct))!;
        }
        var link = await DonorLinks.SendAsync(db, clock, scope, outbox, settings, baseUrl, user, EmailKinds.Invitation, DonorLinks.InvitationLifetime, ct);
        audit.Describe("donor", donor.Id, null, new { invited = true, userId = user.Id, accountCreated = created, link.ExpiresAt });
        return new DonorInvited(user.Id, user.Login!, created, link.ExpiresAt);
    }
}
