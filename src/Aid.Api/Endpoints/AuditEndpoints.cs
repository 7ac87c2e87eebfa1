using Aid.Api.Infrastructure;
using Aid.Application.Auditing;
using Mediator;

namespace Aid.Api.Endpoints;

internal static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit trail").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks();

        group.MapGet("/", async (int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListAuditRecords(limit, cursor), ct)))
            .WithSummary("The audit trail, oldest first");

        group.MapGet("/verify", async (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new VerifyAuditTrail(), ct)))
            .WithSummary("Recompute the hash chain; names the first broken record");
    }
}
