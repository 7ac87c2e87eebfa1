using Aid.Api.Infrastructure;
using Aid.Application.Donors;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class DonorEndpoints
{
    public static void MapDonors(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/donors").WithTags("Donors").RequireAuthorization(Policies.AnyKey);

        group.MapPost("/", async (CreateDonor body, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey, ISender sender, CancellationToken ct) =>
        {
            var donor = await sender.Send(body with { IdempotencyKey = IdempotencyKeyHeader.Validate(idempotencyKey) }, ct);
            return TypedResults.Created($"/api/v1/donors/{donor.Id}", donor);
        }).RequireAuthorization(Policies.Staff).WithSummary("Record a donor");

        group.MapGet("/", async (string? q, string? kind, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListDonors(q, kind, limit, cursor), ct)))
            .WithSummary("List donors; q searches names (a donor key sees only itself)");

        group.MapGet("/{id:guid}", async Task<Results<Ok<DonorView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetDonor(id), ct) is { } donor ? TypedResults.Ok(donor) : TypedResults.NotFound())
            .WithSummary("Get a donor");

        group.MapPatch("/{id:guid}", async (Guid id, DonorPatch body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new UpdateDonor(id, body.Name, body.Anonymous, body.Language, body.Email, body.Phone,
                body.Address, body.OrganisationCode), ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("Change a donor (only the fields given)");
    }

    internal sealed record DonorPatch(string? Name, bool? Anonymous, string? Language, string? Email, string? Phone, string? Address, string? OrganisationCode);
}
