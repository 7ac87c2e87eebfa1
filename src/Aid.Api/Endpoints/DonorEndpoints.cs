using Aid.Api.Infrastructure;
using Aid.Application.Donors;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class DonorEndpoints
{
    public static void MapDonors(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/donors").WithTags("Donors").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreateDonorRequest body, ISender sender, CancellationToken ct) =>
        {
            var donor = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/donors/{donor.Id}", donor);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Record a donor");

        group.MapGet("/", async (string? q, string? kind, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListDonors(q, kind, limit, cursor), ct)))
            .WithSummary("List donors; q searches names (a donor key sees only itself)");

        group.MapGet("/{id:guid}", async Task<Results<Ok<DonorView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetDonor(id), ct) is { } donor ? TypedResults.Ok(donor) : TypedResults.NotFound())
            .WithETag().WithSummary("Get a donor");

        group.MapPatch("/{id:guid}", async (Guid id, UpdateDonorRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(id), ct)))
            .RequireAuthorization(Policies.Staff).HonoursIfMatch().WithSummary("Change a donor (only the fields given)");
    }
}
