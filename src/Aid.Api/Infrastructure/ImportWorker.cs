using Aid.Application.Imports;
using Mediator;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Books committing imports chunk by chunk, as the person who committed, whose rights are read again before every chunk (a
/// revoked key or a withdrawn programme stops the booking). All state is in the database: an import left committing by a
/// stopped process is picked up again, and each chunk books only rows not yet booked. Two instances may both work on one
/// import; the import row's lock takes their chunks in turn. Looks every second, or at once when an import was committed on
/// this instance (<see cref="WorkerWake{TWorker}"/>).
/// </summary>
internal sealed class ImportWorker(IServiceProvider services, IOptions<ImportSettings> settings, WorkerWake<ImportWorker> wake,
    ILogger<ImportWorker> logger) : BackgroundService
{
    private readonly Dictionary<Guid, int> _failures = [];

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

            // One chunk of each import per pass, so several imports move together and rights are read before every chunk.
            var more = false;
            foreach (var import in imports)
                more |= await ProcessChunk(import, stoppingToken);

            try
            {
                if (more && settings.Value.ChunkDelay > TimeSpan.Zero) await Task.Delay(settings.Value.ChunkDelay, stoppingToken);
                else if (!more) await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Books one chunk; true when the import has more to book.</summary>
    private async Task<bool> ProcessChunk(CommittingImport import, CancellationToken stoppingToken)
    {
        if (import.Problem is { } problem)
        {
            await RecordError(import.Id, problem, fail: true, stoppingToken);
            return false;
        }
        HttpActor.Override.Value = import.Actor;
        try
        {
            await using var scope = services.CreateAsyncScope();
            var chunk = await scope.ServiceProvider.GetRequiredService<ISender>()
                .Send(new ProcessImportChunk(import.Id, settings.Value.ChunkSize), stoppingToken);
            _failures.Remove(import.Id);
            return !chunk.Finished;
        }
        catch (OperationCanceledException) { return false; }
        catch (Exception e)
        {
            var failures = _failures[import.Id] = _failures.GetValueOrDefault(import.Id) + 1;
            logger.LogError(e, "Import {ImportId}: a chunk failed ({Failures} in a row)", import.Id, failures);
            HttpActor.Override.Value = null;
            await RecordError(import.Id, e.Message, fail: failures >= 3, stoppingToken);
            if (failures >= 3) _failures.Remove(import.Id);
            return failures < 3;
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }

    private async Task RecordError(Guid importId, string error, bool fail, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordImportError(importId, error, fail), stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Import {ImportId}: could not record the failure", importId);
        }
    }
}
