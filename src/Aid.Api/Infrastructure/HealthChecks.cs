using System.Text.Json;
using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Pdf;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aid.Api.Infrastructure;

/// <summary>
/// The checks behind <c>/health</c>, <c>/health/live</c> and <c>/health/ready</c>. Ready means: the database answers,
/// the key file still holds the key in use, and a CJK font is there (without one the service works but PDFs answer 503:
/// degraded, still 200). <c>/health</c> also flags the demo issuer.
/// </summary>
internal static class AidHealth
{
    /// <summary>Tag of the checks <c>/health/ready</c> runs.</summary>
    public const string Ready = "ready";

    public static IServiceCollection AddAidHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<DiskFullAlarm>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<KeyFileHealthCheck>("keyFile", tags: [Ready])
            .AddCheck<PdfFontsHealthCheck>("pdf", tags: [Ready])
            .AddCheck<IssuerHealthCheck>("issuer");
        return services;
    }

    public static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><c>{"status": "...", "components": {"database": {"status": "...", "description": "...", ...data}}}</c></summary>
    public static Task WriteJson(HttpContext context, HealthReport report)
    {
        var components = report.Entries.ToDictionary(e => e.Key, e =>
        {
            var component = new Dictionary<string, object?> { ["status"] = Name(e.Value.Status), ["description"] = e.Value.Description };
            foreach (var (key, value) in e.Value.Data) component[key] = value;
            return component;
        });
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new { status = Name(report.Status), components }, Json, context.RequestAborted);
    }
}

/// <summary>
/// Remembers the last write that failed because the disk is full (set by the exception handler), so health can say so for a
/// minute afterwards: a full disk still answers <c>SELECT 1</c>, and writes would otherwise fail behind a healthy status.
/// </summary>
internal sealed class DiskFullAlarm(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private long _lastTicks; // UTC ticks of the last disk-full failure; 0 = none

    public void Record() => Interlocked.Exchange(ref _lastTicks, clock.GetUtcNow().UtcTicks);

    /// <summary>When the last write failed for lack of space, if that was within the last minute.</summary>
    public DateTimeOffset? Recent
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastTicks);
            if (ticks == 0) return null;
            var at = new DateTimeOffset(ticks, TimeSpan.Zero);
            return clock.GetUtcNow() - at <= Window ? at : null;
        }
    }
}

internal sealed class DatabaseHealthCheck(IDbSession db, DiskFullAlarm diskFull) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = db.Dialect.Name };
        try
        {
            await db.QuerySingleAsync<int>("SELECT 1", null, cancellationToken);
            // Degraded, not unhealthy: reads still work, and taking every instance out of rotation frees no space.
            if (diskFull.Recent is { } at)
            {
                data["diskFullAt"] = at.ToString("O");
                return HealthCheckResult.Degraded("The database answers, but a write failed because the disk is full "
                                                  + "(within the last minute): writes answer 507 until space is freed.", data: data);
            }
            return HealthCheckResult.Healthy("The database answers.", data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception's message can name hosts and users: it stays out of an anonymous answer.
            return new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.", data: data);
        }
    }
}

internal sealed class KeyFileHealthCheck(KeyRing keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(keys.CheckFile() is { } problem
            ? new HealthCheckResult(context.Registration.FailureStatus,
                $"{char.ToUpperInvariant(problem[0])}{problem[1..]}: restore it before the next restart, or encrypted fields and receipt codes cannot be read.",
                data: new Dictionary<string, object> { ["setting"] = "Aid:Crypto:KeyFile" })
            : HealthCheckResult.Healthy("The key file holds the key in use."));
}

internal sealed class PdfFontsHealthCheck(CjkFonts fonts) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["fonts"] = fonts.Fonts.Select(f => f.Path).ToArray(), ["problems"] = fonts.Problems };
        if (fonts.Available)
            return Task.FromResult(HealthCheckResult.Healthy("A CJK font is available for receipts and statements.", data));
        data["setting"] = "Aid:Pdf:Fonts (Aid__Pdf__Fonts__0, __1, …) or install fonts-wqy-microhei and fonts-droid-fallback";
        return Task.FromResult(HealthCheckResult.Degraded("No CJK font: PDF receipts and statements answer 503.", data: data));
    }
}

internal sealed class IssuerHealthCheck(ReceiptSettings receipts) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["name"] = receipts.Issuer.Name, ["demo"] = receipts.IssuerIsDemo };
        if (!receipts.IssuerIsDemo)
            return Task.FromResult(HealthCheckResult.Healthy("Receipts name the configured issuer.", data));
        data["setting"] = "Aid:Issuer:Name, Aid:Issuer:Code, Aid:Issuer:Address";
        return Task.FromResult(HealthCheckResult.Degraded("Receipts name the demo issuer.", data: data));
    }
}
