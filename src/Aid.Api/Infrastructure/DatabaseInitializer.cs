using Aid.Application.ApiKeys;
using Aid.Infrastructure.Configuration;
using Aid.Infrastructure.Database;
using Mediator;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Before the server accepts requests: apply migrations (SQLite always; server engines under their migration lock
/// unless <c>Aid:Database:MigrateOnStart</c> is false, and then at least the engine's start-up check) and create the
/// bootstrap admin key on an empty database (<c>AID_BOOTSTRAP_ADMIN_KEY</c> on a database that has keys is ignored, with a
/// warning that says so).
/// </summary>
internal sealed class DatabaseInitializer(
    IServiceProvider services, IConfiguration configuration, IOptions<DatabaseSettings> settings, ILogger<DatabaseInitializer> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (settings.Value.Database.Provider == DatabaseProvider.Sqlite || settings.Value.MigrateOnStart)
            await services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
        else
        {
            var engine = services.GetRequiredService<IDatabaseEngine>();
            await using var connection = await engine.OpenAsync(cancellationToken);
            await engine.CheckAsync(connection, cancellationToken);
        }

        _ = services.GetRequiredService<Aid.Application.Common.IKeyRing>(); // creates the key file (0600) on first start

        await using var scope = services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var configuredKey = configuration["AID_BOOTSTRAP_ADMIN_KEY"];
        // A database with keys is left alone: sending the command would still append an (empty) audit record on every start.
        var result = await sender.Send(new HasApiKeys(), cancellationToken)
            ? new BootstrapResult(false, null)
            : await sender.Send(new BootstrapAdminKey(configuredKey), cancellationToken);
        if (!result.Created && !string.IsNullOrWhiteSpace(configuredKey))
            logger.LogWarning("AID_BOOTSTRAP_ADMIN_KEY was ignored: the database already has API keys, and the variable only creates the first "
                              + "admin key of an empty database. Use an existing admin key (or create one with POST /api/v1/api-keys) and unset it.");
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

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
