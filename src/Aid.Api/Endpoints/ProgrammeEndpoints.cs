using Aid.Api.Infrastructure;
using Aid.Application.Programmes;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class ProgrammeEndpoints
{
    public static void MapProgrammes(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/programmes").WithTags("Programmes").RequireAuthorization(Policies.Reader);

        group.MapPost("/", async (CreateProgramme body, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey, ISender sender, CancellationToken ct) =>
        {
            var programme = await sender.Send(body with { IdempotencyKey = IdempotencyKeyHeader.Validate(idempotencyKey) }, ct);
            return TypedResults.Created($"/api/v1/programmes/{programme.Id}", programme);
        }).RequireAuthorization(Policies.Admin).WithSummary("Create a programme");

        group.MapGet("/", async (string? q, string? status, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProgrammes(q, status, limit, cursor), ct)))
            .WithSummary("List the programmes in your scope");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ProgrammeView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetProgramme(id), ct) is { } programme ? TypedResults.Ok(programme) : TypedResults.NotFound())
            .WithSummary("Get a programme");

        group.MapGet("/{id:guid}/balance", async Task<Results<Ok<ProgrammeBalance>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetProgrammeBalance(id), ct) is { } balance ? TypedResults.Ok(balance) : TypedResults.NotFound())
            .WithSummary("Restricted balance, received, reversed, disbursed and pledged outstanding, from the ledger");

        group.MapPatch("/{id:guid}", async (Guid id, ProgrammePatch body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new UpdateProgramme(id, body.Code, body.Name, body.Region, body.Partner,
                body.StartDate, body.EndDate, body.AnnualStandard, body.Target, body.Status), ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("Change a programme (only the fields given)");
    }

    internal sealed record ProgrammePatch(string? Code, string? Name, string? Region, string? Partner,
        DateOnly? StartDate, DateOnly? EndDate, string? AnnualStandard, string? Target, string? Status);
}
