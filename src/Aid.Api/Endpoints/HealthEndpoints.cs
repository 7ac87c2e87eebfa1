using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Infrastructure.Pdf;

namespace Aid.Api.Endpoints;

internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (IDbSession db, CjkFonts fonts, ReceiptSettings receipts, CancellationToken ct) =>
        {
            string database;
            try
            {
                await db.QuerySingleAsync<int>("SELECT 1", null, ct);
                database = "healthy";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                database = "unhealthy";
            }
            var pdf = fonts.Available ? "healthy" : "degraded";
            var body = new
            {
                status = database != "healthy" ? "unhealthy" : pdf != "healthy" || receipts.IssuerIsDemo ? "degraded" : "healthy",
                components = new
                {
                    database = new { status = database, provider = db.Dialect.Name },
                    pdf = new
                    {
                        status = pdf,
                        fonts = fonts.Fonts.Select(f => f.Path).ToArray(),
                        problems = fonts.Problems,
                        setting = fonts.Available ? null : "Aid:Pdf:Fonts (Aid__Pdf__Fonts__0, __1, …) or install fonts-wqy-microhei and fonts-droid-fallback",
                    },
                    issuer = new
                    {
                        status = receipts.IssuerIsDemo ? "degraded" : "healthy",
                        name = receipts.Issuer.Name,
                        demo = receipts.IssuerIsDemo,
                        setting = receipts.IssuerIsDemo ? "Aid:Issuer:Name, Aid:Issuer:Code, Aid:Issuer:Address" : null,
                    },
                },
            };
            return Results.Json(body, statusCode: database == "healthy" ? 200 : 503);
        }).WithTags("Health").AllowAnonymous().WithSummary("Is the service able to work?");
    }
}
