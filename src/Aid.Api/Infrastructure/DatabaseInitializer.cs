using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Users;
using Aid.Infrastructure.Configuration;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Before the server accepts requests: apply migrations (SQLite always; server engines under their migration lock
/// unless <c>Aid:Database:MigrateOnStart</c> is false, and then at least the engine's start-up check), check that the key
/// file holds the database's key (refusing to start otherwise), and create the
/// bootstrap admin key on an empty database (<c>AID_BOOTSTRAP_ADMIN_KEY</c> on a database that has keys is ignored, with a
/// warning that says so).
/// </summary>
internal sealed class DatabaseInitializer(
    IServiceProvider services, IConfiguration configuration, IOptions<DatabaseSettings> settings, ILogger<DatabaseInitializer> logger)
    : IHostedLifecycleService
{
    private Aid.Application.Users.OneTimeLink? _adminLink;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var applied = await MigrateAsync(cancellationToken);
        await CheckKeyFileAsync(cancellationToken);
        await using (var fill = services.CreateAsyncScope()) // pinyin initials of donors from before 0011 or an older instance
        {
            var filled = await Aid.Application.Donors.DonorNameInitials.FillMissingAsync(fill.ServiceProvider.GetRequiredService<IDbSession>(), cancellationToken);
            if (filled > 0) logger.LogInformation("Donor search: filled in the pinyin initials of {Donors} donors", filled);
        }

        await using var scope = services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        if (applied.Contains("0006") && !applied.Contains("0001")) // an existing database just got row digests: vouch for its rows once
        {
            var command = new Aid.Application.Auditing.BaselineAuditDigests();
            int covered, total = 0;
            do // one record per batch; a batch that is not full was the last
            {
                await using var batch = services.CreateAsyncScope();
                total += covered = await batch.ServiceProvider.GetRequiredService<ISender>().Send(command, cancellationToken);
            } while (covered == command.Limit);
            logger.LogInformation("Audit upgrade: {Entities} existing money entities digested into the organisation chain", total);
        }
        var configuredKey = configuration["AID_BOOTSTRAP_ADMIN_KEY"];
        // A database with keys is left alone: sending the command would still append an (empty) audit record on every start.
        var result = await sender.Send(new HasApiKeys(), cancellationToken)
            ? new BootstrapResult(false, null)
            : await sender.Send(new BootstrapAdminKey(configuredKey), cancellationToken);
        if (!result.Created && !string.IsNullOrWhiteSpace(configuredKey))
            logger.LogWarning("AID_BOOTSTRAP_ADMIN_KEY was ignored: the database already has API keys, and the variable only creates the first "
                              + "admin key of an empty database. Use an existing admin key (or create one with POST /api/v1/api-keys) and unset it.");
        _adminLink = result.AdminLink;
        if (result.GeneratedKey is { } key)
        {
            // Printed once, to the console only (never to the log): it is the only copy.
            Console.WriteLine();
            Console.WriteLine("==================================================================");
            Console.WriteLine(" Aid created the first admin API key. It is shown only this once:");
            Console.WriteLine($"   {key}");
            Console.WriteLine("==================================================================");
            Console.WriteLine();
        }
    }

    /// <summary>Migrations as configured (the first step of a start, and of the <c>keys</c> commands).</summary>
    internal async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        if (settings.Value.Database.Provider == DatabaseProvider.Sqlite || settings.Value.MigrateOnStart)
            return await services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
        var engine = services.GetRequiredService<IDatabaseEngine>();
        await using var connection = await engine.OpenAsync(cancellationToken);
        await engine.CheckAsync(connection, cancellationToken);
        return [];
    }

    /// <summary>
    /// The key file must hold this database's key (KeyRegistry: the check value in <c>crypto_keys</c>); otherwise the start stops
    /// with <see cref="KeyFileRefusedException"/> (one line, exit code 1: Program). The key file is created (0600) only for a
    /// database that names no key yet.
    /// </summary>
    private async Task CheckKeyFileAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IDbSession>();
        await KeyRegistry.CheckKeyFileExistsAsync(db, services.GetRequiredService<IOptions<CryptoSettings>>().Value.KeyFile, cancellationToken);
        var ring = services.GetRequiredService<KeyRing>();
        var outcome = await KeyRegistry.CheckAsync(
            db, ring, services.GetRequiredService<IFieldCipher>(), services.GetRequiredService<BusinessClock>().UtcNow(), cancellationToken);
        if (outcome.Registered)
            logger.LogInformation("Registered key {KeyId} of {KeyFile} as this database's key: other instances must use a copy of this key file.",
                ring.CurrentKeyId, ring.KeyFile);
        if (outcome.RetiredNotHeld.Count > 0)
            logger.LogWarning("Retired keys {KeyIds} are not in {RetiredFolder}: what they signed (audit records, checkpoints) cannot be checked here. "
                              + "Copy that folder from the instance that rotated the key.", string.Join(", ", outcome.RetiredNotHeld), ring.RetiredFolder);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>
    /// Once the server listens: the console's address; on the start that created the first admin, their one-time link (valid a
    /// day) to choose an e-mail and password; on later starts while no admin can sign in, how to get a new link. Printed to the
    /// console only (never the log): the link is a credential.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (ServerAddress() is not { } address) return; // no real server (tests in memory)
        Console.WriteLine($"Aid is running: the console is at {address}/ (sign in at {address}/signin), the API at {address}/api/v1, its reference at {address}/scalar/");
        if (_adminLink is { } link)
            PrintAdminLink(address + link.Path, link.ExpiresAt);
        else
        {
            await using var scope = services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<ISender>().Send(new NeedsFirstAdminLink(), cancellationToken))
                Console.WriteLine("No admin can sign in with a password yet: run ./scripts/run.sh admin-link for a one-time link.");
        }
    }

    /// <summary>
    /// The start-up work (migrations, key file, bootstrap) before a command-line verb (seed-demo, admin-link); false, with the
    /// one line said, when the key file is refused.
    /// </summary>
    internal static async Task<bool> PrepareForCommandAsync(IServiceProvider services)
    {
        try
        {
            await services.GetRequiredService<DatabaseInitializer>().StartingAsync(CancellationToken.None);
            return true;
        }
        catch (Exception e) when (KeyFileRefusedException.Find(e) is { } refused)
        {
            Console.Error.WriteLine($"Aid refuses to start: {refused.Message}");
            return false;
        }
    }

    /// <summary><c>admin-link</c>: a new one-time link for the first admin while no admin has a password (exit code 1 otherwise).</summary>
    internal static async Task<int> PrintNewAdminLinkAsync(IServiceProvider services, IConfiguration configuration)
    {
        await using var scope = services.CreateAsyncScope();
        var link = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new IssueFirstAdminLink(), CancellationToken.None);
        if (link is null)
        {
            Console.Error.WriteLine("Aid: an admin can already sign in with a password: they make password links for others at 用户管理 (Users).");
            return 1;
        }
        var baseUrl = configuration["Aid:PublicBaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/')
            : (configuration["urls"] ?? "http://127.0.0.1:5080").Split(';')[0].Replace("://0.0.0.0", "://127.0.0.1").TrimEnd('/');
        PrintAdminLink(baseUrl + link.Path, link.ExpiresAt);
        return 0;
    }

    /// <summary>The first admin's link, framed so it cannot be missed.</summary>
    internal static void PrintAdminLink(string url, DateTimeOffset expiresAt)
    {
        Console.WriteLine();
        Console.WriteLine("==================================================================");
        Console.WriteLine(" No admin can sign in yet. Open this one-time link to choose the first");
        Console.WriteLine($" admin's e-mail and password (valid until {expiresAt:yyyy-MM-dd HH:mm} UTC, once):");
        Console.WriteLine($"   {url}");
        Console.WriteLine("==================================================================");
        Console.WriteLine();
    }

    /// <summary>The first address the server listens on, with a wildcard host shown as 127.0.0.1; null when there is no real server (tests).</summary>
    private string? ServerAddress()
    {
        var addresses = services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault();
        return first?.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").TrimEnd('/');
    }
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
