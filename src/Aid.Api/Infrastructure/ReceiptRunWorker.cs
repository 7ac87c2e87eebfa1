using Aid.Application.ReceiptRuns;
using Mediator;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Works through receipt runs chunk by chunk. All state is in the database, so a run left "running" by a
/// stopped process is simply picked up again: each chunk recomputes what is still missing. Looks every second, or at once
/// when a run was created on this instance (<see cref="WorkerWake{TWorker}"/>).
/// </summary>
internal sealed class ReceiptRunWorker(IServiceProvider services, IOptions<ReceiptsSettings> settings, WorkerWake<ReceiptRunWorker> wake,
    ILogger<ReceiptRunWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var chunk = settings.Value.RunChunkSize;
        var pause = settings.Value.RunChunkDelay;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<Guid> runs;
            try
            {
                await using var scope = services.CreateAsyncScope();
                runs = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ListActiveReceiptRuns(), stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                logger.LogError(e, "Could not list receipt runs");
                runs = [];
            }

            foreach (var run in runs)
                await Process(run, chunk, pause, stoppingToken);

            try { await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task Process(Guid runId, int chunk, TimeSpan pause, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var finished = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ProcessReceiptRunChunk(runId, chunk), stoppingToken);
                failures = 0;
                if (finished) return;
                if (pause > TimeSpan.Zero) await Task.Delay(pause, stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                failures++;
                logger.LogError(e, "Receipt run {RunId}: a chunk failed ({Failures} in a row)", runId, failures);
                try
                {
                    await using var scope = services.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordReceiptRunError(runId, e.Message, Fail: failures >= 3), stoppingToken);
                }
                catch (Exception inner) when (inner is not OperationCanceledException)
                {
                    logger.LogError(inner, "Receipt run {RunId}: could not record the failure", runId);
                }
                if (failures >= 3) return;
            }
        }
    }
}
