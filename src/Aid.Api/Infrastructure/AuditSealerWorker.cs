using Aid.Application.Auditing;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Seals committed audit records into their chains every <c>Aid:Audit:SealIntervalMs</c> and checkpoints the chains whose head
/// moved every <c>Aid:Audit:CheckpointIntervalMinutes</c> (docs/AUDIT-CHAIN.md). Several instances may run it: the sealer's lock
/// makes them take turns, and a turn that finds nothing new writes nothing.
/// </summary>
internal sealed class AuditSealerWorker(IServiceProvider services, AuditSettings settings, ILogger<AuditSealerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var lastCheckpoint = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditSealer>().SealAsync(stoppingToken);
                if (DateTimeOffset.UtcNow - lastCheckpoint >= settings.CheckpointInterval)
                {
                    await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().TakeAsync(null, "schedule", stoppingToken);
                    lastCheckpoint = DateTimeOffset.UtcNow;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogError(e, "Sealing the audit trail failed; retrying");
            }
            try { await Task.Delay(settings.SealInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
