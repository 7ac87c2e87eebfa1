using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>
/// On an empty database, creates the first admin (a person) with their first key: the configured one, or a new random one,
/// and a one-time link (valid a day) with which they choose their e-mail and password in a browser. Returns the key only when
/// it was generated here, and the link, so the caller can print them once.
/// </summary>
public sealed record BootstrapAdminKey(string? ConfiguredKey) : ICommand<BootstrapResult>;

public sealed record BootstrapResult(bool Created, string? GeneratedKey, Users.OneTimeLink? AdminLink = null);

/// <summary>
/// Whether the database has any API key. Asked at start before <see cref="BootstrapAdminKey"/>: a command always writes an
/// audit record, so a start on a database that already has keys must not send it (it would append an empty record each start).
/// </summary>
public sealed record HasApiKeys : IQuery<bool>;

internal sealed class HasApiKeysHandler(IDbSession db) : IQueryHandler<HasApiKeys, bool>
{
    public async ValueTask<bool> Handle(HasApiKeys query, CancellationToken ct) =>
        await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM api_keys", null, ct) > 0;
}

internal sealed class BootstrapAdminKeyHandler(IDbSession db, BusinessClock clock, AuditRecorder audit)
    : ICommandHandler<BootstrapAdminKey, BootstrapResult>
{
    public async ValueTask<BootstrapResult> Handle(BootstrapAdminKey command, CancellationToken ct)
    {
        // The write transaction (SQLite's single writer, elsewhere the named lock) makes "is it empty?" race-free across instances.
        if (db.Dialect.TransactionLock("aid-bootstrap-admin-key") is { } bootstrapLock)
            await db.ExecuteAsync(bootstrapLock, null, ct);
        var keys = await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM api_keys", null, ct);
        if (keys > 0) // only when another instance created the first key since HasApiKeys was asked: the audit record says so
        {
            audit.Describe("api_key", Guid.Empty, null, new { bootstrap = false, reason = "keys already exist" });
            return new BootstrapResult(false, null);
        }

        var token = string.IsNullOrWhiteSpace(command.ConfiguredKey) ? ApiKeyToken.Generate() : command.ConfiguredKey.Trim();
        var now = clock.UtcNow();
        var created = await CreateApiKeyHandler.Insert(db, "bootstrap admin", Roles.Admin, [], null, token, now, "system", ct);
        var link = await Users.UserLinkStore.IssueAsync(db, created.UserId, Users.LinkPurpose.Password, now, "system", ct, Users.IssueFirstAdminLinkHandler.Lifetime);
        audit.Describe("api_key", created.Id, null, new { created.Name, created.Role, bootstrap = true, adminLinkExpiresAt = link.ExpiresAt });
        return new BootstrapResult(true, string.IsNullOrWhiteSpace(command.ConfiguredKey) ? token : null, link);
    }
}
