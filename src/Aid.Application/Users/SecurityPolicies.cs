using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Users;

/// <summary>The organisation's sign-in rules.</summary>
public sealed record SecurityPolicyView(bool StaffTotpRequired);

public sealed record GetSecurityPolicy : IQuery<SecurityPolicyView>;

/// <summary>Admins: require two-step sign-in (TOTP) for all staff (everyone but donors). Staff without it enrol at their next sign-in.</summary>
public sealed record SetSecurityPolicy(bool StaffTotpRequired) : ICommand<SecurityPolicyView>;

internal static class SecurityPolicies
{
    public static async Task<bool> StaffTotpRequiredAsync(IDbSession db, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<bool>("SELECT staff_totp_required FROM security_policy WHERE id = 1", null, ct);
}

internal sealed class GetSecurityPolicyHandler(IDbSession db) : IQueryHandler<GetSecurityPolicy, SecurityPolicyView>
{
    public async ValueTask<SecurityPolicyView> Handle(GetSecurityPolicy query, CancellationToken ct) =>
        new(await SecurityPolicies.StaffTotpRequiredAsync(db, ct));
}

internal sealed class SetSecurityPolicyHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<SetSecurityPolicy, SecurityPolicyView>
{
    public async ValueTask<SecurityPolicyView> Handle(SetSecurityPolicy command, CancellationToken ct)
    {
        await db.ExecuteAsync("UPDATE security_policy SET staff_totp_required = @required, updated_at = @now, updated_by = @by WHERE id = 1",
            new { required = command.StaffTotpRequired, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        audit.Describe("security_policy", Guid.Empty, null, new { command.StaffTotpRequired });
        return new SecurityPolicyView(command.StaffTotpRequired);
    }
}
