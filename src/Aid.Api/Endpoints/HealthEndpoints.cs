using Aid.Application.Common;
using Aid.Infrastructure.Database;
using Dapper;

namespace Aid.Api.Endpoints;

internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (IDbSession db, DatabaseOptions options, CancellationToken ct) =>
        {
            string database;
            try
            {
                var connection = await db.GetConnectionAsync(ct);
                await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: ct));
                database = "healthy";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                database = "unhealthy";
            }
            var body = new
            {
                status = database == "healthy" ? "healthy" : "unhealthy",
                components = new { database = new { status = database, provider = db.Dialect.Name } },
            };
            return Results.Json(body, statusCode: database == "healthy" ? 200 : 503);
        }).WithTags("Health").AllowAnonymous().WithSummary("Is the service able to work?");
    }
}
