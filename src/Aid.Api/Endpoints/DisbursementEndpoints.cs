using Aid.Api.Infrastructure;
using Aid.Application.Disbursements;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class DisbursementEndpoints
{
    public static void MapDisbursements(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/disbursements").WithTags("Disbursements").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (RequestDisbursementRequest body, ISender sender, CancellationToken ct) =>
        {
            var disbursement = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/disbursements/{disbursement.Id}", disbursement);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Request a payment to a student for a year and term");

        group.MapGet("/", async (Guid? programmeId, Guid? studentId, string? status, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListDisbursements(programmeId, studentId, status, limit, cursor), ct)))
            .WithSummary("List disbursements");

        group.MapGet("/{id:guid}", async Task<Results<Ok<DisbursementView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetDisbursement(id), ct) is { } d ? TypedResults.Ok(d) : TypedResults.NotFound())
            .WithETag().WithSummary("A disbursement with the gifts that funded it");

        group.MapPost("/{id:guid}/approve", async (Guid id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ApproveDisbursement(id), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Approve (by a different person than the requester)");

        group.MapPost("/{id:guid}/reject", async (Guid id, ReasonRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new RejectDisbursement(id, body.Reason!), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Reject a requested or approved disbursement (by a different person than the requester)");

        group.MapPost("/{id:guid}/pay", async (Guid id, PayDisbursementRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(id), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Record the payment (posts the ledger entry, funded oldest gifts first; not by the approver)");

        group.MapPost("/{id:guid}/reverse", async (Guid id, ReasonRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ReverseDisbursement(id, body.Reason!), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Reverse a paid disbursement");
    }
}
