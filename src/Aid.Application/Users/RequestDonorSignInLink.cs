using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Email;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Application.Users;

/// <summary>
/// A donor asks for a one-time sign-in link by e-mail (no password needed). The link (single use, 15 minutes, bound to the
/// address) is e-mailed when the address is the login of an enabled donor account, or when it is the e-mail of exactly one donor
/// record that has no account yet and no one signs in with it (the account is made then: role donor, login = the address).
/// Otherwise nothing is sent. The caller learns nothing either way: the page answers the same for every address.
/// </summary>
public sealed record RequestDonorSignInLink(string Email) : ICommand<Unit>;

internal sealed class RequestDonorSignInLinkHandler(IDbSession db, BusinessClock clock, AccessScope scope, EmailOutbox outbox, ReceiptSettings settings,
    IRequestBaseUrl baseUrl, AuditRecorder audit) : ICommandHandler<RequestDonorSignInLink, Unit>
{
    public async ValueTask<Unit> Handle(RequestDonorSignInLink command, CancellationToken ct)
    {
        if (!Logins.IsEmail(command.Email)) return Unit.Value;
        var email = Logins.Normalise(command.Email);
        var user = await UserRow.FindByLoginAsync(db, email, ct);
        var created = false;
        if (user is null)
        {
            var donors = await db.QueryAsync<DonorFacts>("""
                SELECT d.id AS Id, d.name AS Name, d.language AS Language FROM donors d
                WHERE LOWER(TRIM(d.email)) = @email AND NOT EXISTS (SELECT 1 FROM users u WHERE u.donor_id = d.id AND u.role = 'donor')
                """, new { email }, ct);
            if (donors.Count != 1) return Unit.Value;
            var donor = donors[0];
            if (await DonorLinks.AccountAsync(db, clock, scope, donor.Id, donor.Name, donor.Language, email, ct) is not { } account) return Unit.Value;
            (user, created) = account;
        }
        if (user.Role != Roles.Donor || user.DisabledAt is not null || user.DonorId is null) return Unit.Value;
        var link = await DonorLinks.SendAsync(db, clock, scope, outbox, settings, baseUrl, user, EmailKinds.SignInLink, LinkLifetimes.SignIn, ct);
        audit.Describe("user", user.Id, null, new { link = "sign-in", emailed = true, accountCreated = created, link.ExpiresAt });
        return Unit.Value;
    }

    private sealed class DonorFacts
    {
        public required Guid Id { get; init; }
        public required string Name { get; init; }
        public required string Language { get; init; }
    }
}
