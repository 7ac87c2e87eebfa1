using Aid.Application.ApiKeys;
using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Users;

/// <summary>
/// Admins add a person: a login (e-mail), a name, a role and its scope. The answer carries a one-time link with which the
/// person sets their password (shown once; send it to them).
/// </summary>
public sealed record CreateUser(string Login, string DisplayName, Role Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId, string Language)
    : ICommand<UserCreated>;

public sealed record UserCreated(UserView User, OneTimeLink PasswordLink);

public sealed record ListUsers(int? Limit, string? Cursor) : IQuery<Page<UserView>>, IPagedQuery;

public sealed record GetUser(Guid Id) : IQuery<UserView?>;

/// <summary>Disables a person: their sessions end at their next request and their API keys stop working. Not oneself, not the last admin.</summary>
public sealed record DisableUser(Guid Id) : ICommand<UserView>;

/// <summary>Enables a disabled person again (and lifts a lockout).</summary>
public sealed record EnableUser(Guid Id) : ICommand<UserView>;

/// <summary>Changes a person's role and scope; their keys and sessions follow at the next request.</summary>
public sealed record SetUserScope(Guid Id, Role Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId) : ICommand<UserView>;

public sealed class CreateUserValidator : AbstractValidator<CreateUser>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.Login).Must(Logins.IsEmail).WithMessage("login must be an e-mail address.");
        RuleFor(c => c.DisplayName).NotEmpty().Text(200);
        RuleFor(c => c.Language).Must(l => l is "zh-CN" or "en").WithMessage("language must be zh-CN or en.");
        RoleScopeRules.Apply(this, c => c.Role, c => c.ProgrammeIds, c => c.DonorId);
    }
}

public sealed class SetUserScopeValidator : AbstractValidator<SetUserScope>
{
    public SetUserScopeValidator() => RoleScopeRules.Apply(this, c => c.Role, c => c.ProgrammeIds, c => c.DonorId);
}

public sealed class ListUsersValidator : AbstractValidator<ListUsers>
{
    public ListUsersValidator() => this.AddPagingRules();
}

internal sealed class CreateUserHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateUser, UserCreated>
{
    public async ValueTask<UserCreated> Handle(CreateUser command, CancellationToken ct)
    {
        await UserStore.EnsureScopeExistsAsync(db, command.ProgrammeIds, command.DonorId, ct);
        if (await UserRow.FindByLoginAsync(db, command.Login, ct) is not null)
            throw new ConflictException("A person with this login already exists.");
        var now = clock.UtcNow();
        var id = await UserStore.InsertAsync(db, command.Login, command.DisplayName.Trim(), command.Role.Code(), command.ProgrammeIds,
            command.DonorId, command.Language, now, scope.AuditActor, ct);
        var link = await UserLinkStore.IssueAsync(db, id, LinkPurpose.Password, now, scope.AuditActor, ct);
        audit.Describe("user", id, null, new { created = true, role = command.Role.Code(), command.ProgrammeIds, command.DonorId });
        return new UserCreated(await UserRow.ViewAsync(db, id, ct), link);
    }
}

internal sealed class ListUsersHandler(IDbSession db) : IQueryHandler<ListUsers, Page<UserView>>
{
    public async ValueTask<Page<UserView>> Handle(ListUsers query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var rows = await new KeysetQuery(UserRow.Select, "id").ReadAsync<UserRow>(db, after, limit, ct); // admins only (the endpoint's policy)
        var page = Cursor.ToPage(rows, limit, u => u.Id);
        var programmes = await UserStore.ProgrammesAsync(db, page.Items.Select(u => u.Id).ToList(), ct);
        return new Page<UserView>(page.Items.Select(u => u.ToView(programmes[u.Id])).ToList(), page.NextCursor);
    }
}

internal sealed class GetUserHandler(IDbSession db) : IQueryHandler<GetUser, UserView?>
{
    public async ValueTask<UserView?> Handle(GetUser query, CancellationToken ct) =>
        await UserRow.FindAsync(db, query.Id, ct) is { } row ? row.ToView(await UserStore.ProgrammesAsync(db, row.Id, ct)) : null;
}

internal sealed class DisableUserHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit) : ICommandHandler<DisableUser, UserView>
{
    public async ValueTask<UserView> Handle(DisableUser command, CancellationToken ct)
    {
        var user = await UserRow.GetAsync(db, command.Id, ct);
        if (scope.Actor?.UserId == user.Id) throw new ConflictException("You cannot disable yourself; ask another admin.");
        if (user.DisabledAt is null)
        {
            if (user.Role == Roles.Admin) await UserStore.EnsureAnotherAdminAsync(db, user.Id, ct);
            await db.ExecuteAsync("UPDATE users SET disabled_at = @now, disabled_by = @by, security_stamp = @stamp WHERE id = @id",
                new { id = user.Id, now = clock.UtcNow(), by = scope.AuditActor, stamp = UserStore.NewStamp() }, ct);
        }
        audit.Describe("user", user.Id, null, new { disabled = true, alreadyDisabled = user.DisabledAt is not null });
        return await UserRow.ViewAsync(db, user.Id, ct);
    }
}

internal sealed class EnableUserHandler(IDbSession db, AuditRecorder audit) : ICommandHandler<EnableUser, UserView>
{
    public async ValueTask<UserView> Handle(EnableUser command, CancellationToken ct)
    {
        var user = await UserRow.GetAsync(db, command.Id, ct);
        await db.ExecuteAsync("UPDATE users SET disabled_at = NULL, disabled_by = NULL, failed_sign_ins = 0, locked_until = NULL WHERE id = @id",
            new { id = user.Id }, ct);
        audit.Describe("user", user.Id, null, new { enabled = true });
        return await UserRow.ViewAsync(db, user.Id, ct);
    }
}

internal sealed class SetUserScopeHandler(IDbSession db, AccessScope scope, AuditRecorder audit) : ICommandHandler<SetUserScope, UserView>
{
    public async ValueTask<UserView> Handle(SetUserScope command, CancellationToken ct)
    {
        var user = await UserRow.GetAsync(db, command.Id, ct);
        await UserStore.EnsureScopeExistsAsync(db, command.ProgrammeIds, command.DonorId, ct);
        var role = command.Role.Code();
        if (user.Role == Roles.Admin && role != Roles.Admin)
        {
            if (scope.Actor?.UserId == user.Id) throw new ConflictException("You cannot take away your own admin role; ask another admin.");
            await UserStore.EnsureAnotherAdminAsync(db, user.Id, ct);
        }
        await db.ExecuteAsync("UPDATE users SET role = @role, donor_id = @donorId WHERE id = @id", new { id = user.Id, role, donorId = command.DonorId }, ct);
        await UserStore.ReplaceProgrammesAsync(db, user.Id, command.ProgrammeIds, ct);
        audit.Describe("user", user.Id, null, new { role, command.ProgrammeIds, command.DonorId });
        return await UserRow.ViewAsync(db, user.Id, ct);
    }
}
