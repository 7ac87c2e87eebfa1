using System.Diagnostics.Metrics;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Gifts;
using Aid.Application.Imports;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Mediator;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Aid.Api.Infrastructure;

/// <summary>The meter <c>Aid</c>: what the service did for its users, counted once each, after the transaction committed.</summary>
internal sealed class AidMetrics
{
    public const string MeterName = "Aid";

    public AidMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        GiftsRecorded = meter.CreateCounter<long>("aid.gifts.recorded", "{gift}", "Gifts recorded (cash and in kind).");
        ReceiptsIssued = meter.CreateCounter<long>("aid.receipts.issued", "{receipt}", "Receipts issued, one by one or in receipt runs.");
        DisbursementsPaid = meter.CreateCounter<long>("aid.disbursements.paid", "{disbursement}", "Disbursements paid to students.");
    }

    public Counter<long> GiftsRecorded { get; }
    public Counter<long> ReceiptsIssued { get; }
    public Counter<long> DisbursementsPaid { get; }
}

/// <summary>
/// Scoped: what the commands of this scope did, noted inside their transaction by <see cref="MetricsRecordBehaviour{TMessage,TResponse}"/>
/// and counted by <see cref="MetricsPublishBehaviour{TMessage,TResponse}"/> once the outermost command has committed.
/// </summary>
internal sealed class CommandMetrics
{
    private readonly List<(object? Attempt, Counter<long> Counter, long Count)> _pending = [];

    public void Note(object? attempt, Counter<long> counter, long count)
    {
        _pending.Add((attempt, counter, count)); // a zero too: it marks its attempt as the last one
    }

    /// <summary>
    /// Counts what the committed transaction did. A command the transaction behaviour ran twice (after a unique-key
    /// violation) noted its rolled-back first run under another write attempt: only the last attempt's notes count.
    /// </summary>
    public void Publish()
    {
        if (_pending.Count == 0) return;
        var committed = _pending[^1].Attempt;
        foreach (var (attempt, counter, count) in _pending)
            if (ReferenceEquals(attempt, committed) && count > 0)
                counter.Add(count);
        _pending.Clear();
    }

    public void Discard() => _pending.Clear();
}

/// <summary>
/// Outermost behaviour: when the outermost command of the scope returns (its transaction committed), counts what
/// its commands noted; when it fails, nothing is counted. A command sent from inside another leaves this to the outer one.
/// </summary>
internal sealed class MetricsPublishBehaviour<TMessage, TResponse>(IDbSession db, CommandMetrics metrics) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (db.Transaction is not null)
            return await next(message, cancellationToken);
        try
        {
            var response = await next(message, cancellationToken);
            metrics.Publish();
            return response;
        }
        catch
        {
            metrics.Discard();
            throw;
        }
    }
}

/// <summary>
/// Inside the transaction and after the idempotency check (a replayed response did nothing new): notes what a
/// successful command did for <see cref="AidMetrics"/>. A receipt-run chunk's count is the run's progress counter
/// before and after the chunk, read under the row lock the chunk itself takes.
/// </summary>
internal sealed class MetricsRecordBehaviour<TMessage, TResponse>(IDbSession db, AidMetrics meter, CommandMetrics metrics)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case RecordGift:
                return Note(await next(message, cancellationToken), meter.GiftsRecorded, 1);
            case ProcessImportChunk:
                // An import books its gifts a chunk at a time, without a RecordGift command each.
                var imported = await next(message, cancellationToken);
                return Note(imported, meter.GiftsRecorded, imported is ImportChunkResult { Booked: var booked } ? booked : 0);
            case IssueReceipt:
                return Note(await next(message, cancellationToken), meter.ReceiptsIssued, 1);
            case VoidReceipt:
                // A void with reissue issues the replacement receipt in the same command.
                var voided = await next(message, cancellationToken);
                return Note(voided, meter.ReceiptsIssued, voided is ReceiptView { ReplacedBy: not null } ? 1 : 0);
            case PayDisbursement:
                return Note(await next(message, cancellationToken), meter.DisbursementsPaid, 1);
            case ProcessReceiptRunChunk chunk:
                var before = await RunProgress(chunk.RunId, cancellationToken);
                var response = await next(message, cancellationToken);
                var after = await RunProgress(chunk.RunId, cancellationToken);
                return Note(response, meter.ReceiptsIssued, after - before);
            default:
                return await next(message, cancellationToken);
        }
    }

    private TResponse Note(TResponse response, Counter<long> counter, long count)
    {
        metrics.Note(db.WriteAttempt, counter, count);
        return response;
    }

    private async Task<long> RunProgress(Guid runId, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<long?>(db.Dialect.LockingSelect("done", "receipt_runs", "id = @runId", RowLock.Update), new { runId }, ct) ?? 0;
}

internal static class Telemetry
{
    /// <summary>
    /// The <c>Aid</c> meter always (it costs nothing unheard); OpenTelemetry traces and metrics (ASP.NET Core, HttpClient,
    /// Npgsql and the <c>Aid</c> meter) exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The exporter
    /// reads the standard <c>OTEL_*</c> variables itself (protocol, headers, <c>OTEL_SERVICE_NAME</c>, …).
    /// </summary>
    public static IServiceCollection AddAidTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<AidMetrics>();
        services.AddScoped<CommandMetrics>();
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            return services;

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("aid", serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            // URL query strings (donor searches by name) are redacted by the ASP.NET Core and HttpClient instrumentations by default.
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(AidMetrics.MeterName)
                .AddOtlpExporter());
        return services;
    }
}
