using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aid.Api.Endpoints;

internal static class HealthEndpoints
{
    /// <summary>
    /// <c>/health/live</c>: the process answers (always 200). <c>/health/ready</c>: the checks tagged ready (database, key
    /// file, fonts): 200 healthy or degraded, 503 unhealthy. <c>/health</c>: every check, in the shape it has always had.
    /// </summary>
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = AidHealth.WriteJson })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(AidHealth.Ready), ResponseWriter = AidHealth.WriteJson })
            .AllowAnonymous();

        app.MapGet("/health", async (HealthCheckService health, CancellationToken ct) =>
        {
            var report = await health.CheckHealthAsync(ct);
            var database = report.Entries["database"];
            var pdf = report.Entries["pdf"];
            var issuer = report.Entries["issuer"];
            var keyFile = report.Entries["keyFile"];
            var body = new
            {
                status = AidHealth.Name(report.Status),
                components = new
                {
                    database = new { status = AidHealth.Name(database.Status), provider = database.Data.GetValueOrDefault("provider") },
                    pdf = new
                    {
                        status = AidHealth.Name(pdf.Status),
                        fonts = pdf.Data.GetValueOrDefault("fonts"),
                        problems = pdf.Data.GetValueOrDefault("problems"),
                        setting = pdf.Data.GetValueOrDefault("setting"),
                    },
                    issuer = new
                    {
                        status = AidHealth.Name(issuer.Status),
                        name = issuer.Data.GetValueOrDefault("name"),
                        demo = issuer.Data.GetValueOrDefault("demo"),
                        setting = issuer.Data.GetValueOrDefault("setting"),
                    },
                    keyFile = new { status = AidHealth.Name(keyFile.Status), setting = keyFile.Data.GetValueOrDefault("setting") },
                },
            };
            return Results.Json(body, statusCode: report.Status == HealthStatus.Unhealthy ? 503 : 200);
        }).WithTags("Health").AllowAnonymous().WithSummary("Is the service able to work?");
    }
}
