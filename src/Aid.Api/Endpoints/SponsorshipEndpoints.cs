using Microsoft.AspNetCore.Http.HttpResults;
using Aid.Api.Infrastructure;
using Aid.Application.Sponsorships;
using Mediator;

namespace Aid.Api.Endpoints;

internal static class SponsorshipEndpoints
{
    public static void MapSponsorships(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/sponsorships").WithTags("Sponsorships").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreateSponsorshipRequest body, ISender sender, CancellationToken ct) =>
        {
            var sponsorship = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/sponsorships/{sponsorship.Id}", sponsorship);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Pair a donor with a student (结对) for academic years");

        group.MapGet("/", async (Guid? programmeId, Guid? donorId, Guid? studentId, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListSponsorships(programmeId, donorId, studentId, limit, cursor), ct)))
            .WithSummary("List sponsorships (a donor key sees its own)");

        group.MapGet("/{id:guid}", async Task<Results<Ok<SponsorshipView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetSponsorship(id), ct) is { } sponsorship ? TypedResults.Ok(sponsorship) : TypedResults.NotFound())
            .WithETag().WithSummary("A sponsorship (a donor key sees its own)");
    }
}
