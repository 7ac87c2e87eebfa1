using Aid.Application.Imports;
using Mediator;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Books committing imports chunk by chunk, as the person who committed. All state is in the database: an import left
/// committing by a stopped process is picked up again, and each chunk books only rows not yet booked. Two instances may
/// both work on one import; the import row's lock takes their chunks in turn.
/// </summary>
internal sealed class ImportWorker(IServiceProvider services, IOptions<ImportSettings> settings, ILogger<ImportWorker> logger) : BackgroundService
{
    private static readonly SemaphoreSlim Wake = new(0);

    /// <summary>Wakes the worker at once (an import was committed) instead of at the next poll.</summary>
    public static void Signal()
    {
        if (Wake.CurrentCount == 0) Wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<CommittingImport> imports;
            try
            {
                await using var scope = services.CreateAsyncScope();
                imports = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ListCommittingImports(), stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                logger.LogError(e, "Could not list committing imports");
                imports = [];
            }

            foreach (var import in imports)
                await Process(import, stoppingToken);

            try { await Wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task Process(CommittingImport import, CancellationToken stoppingToken)
    {
        if (import.Problem is { } problem)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordImportError(import.Id, problem, Fail: true), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Import {ImportId}: could not record that its committer may no longer book", import.Id);
            }
            return;
        }
        var failures = 0;
        HttpActor.Override.Value = import.Actor;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var scope = services.CreateAsyncScope();
                    var finished = await scope.ServiceProvider.GetRequiredService<ISender>()
                        .Send(new ProcessImportChunk(import.Id, settings.Value.ChunkSize), stoppingToken);
                    failures = 0;
                    if (finished) return;
                    if (settings.Value.ChunkDelay > TimeSpan.Zero) await Task.Delay(settings.Value.ChunkDelay, stoppingToken);
                }
                catch (OperationCanceledException) { return; }
                catch (Exception e)
                {
                    failures++;
                    logger.LogError(e, "Import {ImportId}: a chunk failed ({Failures} in a row)", import.Id, failures);
                    try
                    {
                        await using var scope = services.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordImportError(import.Id, e.Message, Fail: failures >= 3), stoppingToken);
                    }
                    catch (Exception inner) when (inner is not OperationCanceledException)
                    {
                        logger.LogError(inner, "Import {ImportId}: could not record the failure", import.Id);
                    }
                    if (failures >= 3) return;
                }
            }
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }
}
