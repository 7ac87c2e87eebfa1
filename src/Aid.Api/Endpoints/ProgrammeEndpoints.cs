using Aid.Api.Infrastructure;
using Aid.Application.Programmes;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class ProgrammeEndpoints
{
    public static void MapProgrammes(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/programmes").WithTags("Programmes").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreateProgrammeRequest body, ISender sender, CancellationToken ct) =>
        {
            var programme = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/programmes/{programme.Id}", programme);
        }).Idempotent().RequireAuthorization(Policies.Admin).WithSummary("Create a programme");

        group.MapGet("/", async (string? q, string? status, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProgrammes(q, status, limit, cursor), ct)))
            .WithSummary("List the programmes in your scope");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ProgrammeView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetProgramme(id), ct) is { } programme ? TypedResults.Ok(programme) : TypedResults.NotFound())
            .WithETag().WithSummary("Get a programme");

        group.MapGet("/{id:guid}/balance", async Task<Results<Ok<ProgrammeBalance>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetProgrammeBalance(id), ct) is { } balance ? TypedResults.Ok(balance) : TypedResults.NotFound())
            .WithSummary("Restricted balance, received, reversed, disbursed and pledged outstanding, from the ledger");

        group.MapPatch("/{id:guid}", async (Guid id, UpdateProgrammeRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(id), ct)))
            .RequireAuthorization(Policies.Staff).HonoursIfMatch().WithSummary("Change a programme (only the fields given)");
    }
}
