using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>
/// On an empty database, creates the first admin key: the configured one, or a new random one.
/// Returns the key only when it was generated here (so the caller can print it once), else null.
/// </summary>
public sealed record BootstrapAdminKey(string? ConfiguredKey) : ICommand<BootstrapResult>;

public sealed record BootstrapResult(bool Created, string? GeneratedKey);

internal sealed class BootstrapAdminKeyHandler(IDbSession db, BusinessClock clock, AuditRecorder audit)
    : ICommandHandler<BootstrapAdminKey, BootstrapResult>
{
    public async ValueTask<BootstrapResult> Handle(BootstrapAdminKey command, CancellationToken ct)
    {
        // The write transaction (single writer / advisory lock below) makes "is it empty?" race-free across instances.
        if (db.Dialect.AuditChainLock is { } chainLock)
            await db.ExecuteAsync(chainLock, null, ct);
        var keys = await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM api_keys", null, ct);
        if (keys > 0)
            return new BootstrapResult(false, null);

        var token = string.IsNullOrWhiteSpace(command.ConfiguredKey) ? ApiKeyToken.Generate() : command.ConfiguredKey.Trim();
        var created = await CreateApiKeyHandler.Insert(db, "bootstrap admin", Roles.Admin, [], null, token, clock.UtcNow(), "system", ct);
        audit.Describe("api_key", created.Id, null, new { created.Name, created.Role, bootstrap = true });
        return new BootstrapResult(true, string.IsNullOrWhiteSpace(command.ConfiguredKey) ? token : null);
    }
}
