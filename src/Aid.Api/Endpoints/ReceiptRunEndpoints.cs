using System.IO.Compression;
using Aid.Api.Infrastructure;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class ReceiptRunEndpoints
{
    public static void MapReceiptRuns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/receipt-runs").WithTags("Receipt runs").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreateReceiptRunRequest body, ISender sender, [FromServices] WorkerWake<ReceiptRunWorker> worker, CancellationToken ct) =>
        {
            var run = await sender.Send(body.ToCommand(), ct);
            worker.Signal();
            return TypedResults.Created($"/api/v1/receipt-runs/{run.Id}", run);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Start a background run issuing all missing receipts of a programme's year");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ReceiptRunView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetReceiptRun(id), ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound())
            .WithETag().WithSummary("Progress of a run: done of total, receipts per second, errors");

        group.MapGet("/{id:guid}/receipts.zip", async Task<Results<FileStreamHttpResult, NotFound>> (Guid id, ISender sender, IReceiptRenderer renderer, CancellationToken ct) =>
        {
            if (!renderer.Available)
                throw new Aid.Application.Common.UnavailableException("Receipt PDFs cannot be rendered: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
            return await RunReceiptsZip.WriteAsync(sender, renderer, id, ct) is { } file
                ? TypedResults.File(file, "application/zip", $"receipt-run-{id}.zip")
                : TypedResults.NotFound();
        }).WithSummary("All receipts of a run as PDFs in one ZIP (副本 COPY; void ones marked void)");
    }
}
