using Aid.Api.Infrastructure;
using Aid.Application.Sponsorships;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class SponsorshipEndpoints
{
    public static void MapSponsorships(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/sponsorships").WithTags("Sponsorships").RequireAuthorization(Policies.AnyKey);

        group.MapPost("/", async (CreateSponsorship body, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey, ISender sender, CancellationToken ct) =>
        {
            var sponsorship = await sender.Send(body with { IdempotencyKey = IdempotencyKeyHeader.Validate(idempotencyKey) }, ct);
            return TypedResults.Created($"/api/v1/sponsorships/{sponsorship.Id}", sponsorship);
        }).RequireAuthorization(Policies.Staff).WithSummary("Pair a donor with a student (结对) for academic years");

        group.MapGet("/", async (Guid? programmeId, Guid? donorId, Guid? studentId, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListSponsorships(programmeId, donorId, studentId, limit, cursor), ct)))
            .WithSummary("List sponsorships (a donor key sees its own)");
    }
}
