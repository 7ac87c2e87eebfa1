using Aid.Api.Infrastructure;
using Aid.Application.Pledges;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class PledgeEndpoints
{
    public static void MapPledges(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/pledges").WithTags("Pledges").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreatePledgeRequest body, ISender sender, CancellationToken ct) =>
        {
            var pledge = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/pledges/{pledge.Id}", pledge);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Record a pledge (a promise: no money moves)");

        group.MapGet("/", async (Guid? programmeId, Guid? donorId, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListPledges(programmeId, donorId, limit, cursor), ct)))
            .WithSummary("List pledges with paid and outstanding totals");

        group.MapGet("/{id:guid}", async Task<Results<Ok<PledgeView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetPledge(id), ct) is { } pledge ? TypedResults.Ok(pledge) : TypedResults.NotFound())
            .WithETag().WithSummary("A pledge with its schedule: paid, partly paid, unpaid or overdue per instalment");

        group.MapPost("/{id:guid}/cancel", async (Guid id, ReasonRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new CancelPledge(id, body.Reason!), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Cancel an open pledge");

        group.MapPost("/{id:guid}/write-off", async (Guid id, ReasonRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new WriteOffPledge(id, body.Reason!), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Write off what an open pledge still expects");
    }
}
