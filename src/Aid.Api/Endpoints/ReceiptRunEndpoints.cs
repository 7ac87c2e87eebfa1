using System.IO.Compression;
using Aid.Api.Infrastructure;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class ReceiptRunEndpoints
{
    public static void MapReceiptRuns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/receipt-runs").WithTags("Receipt runs").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreateReceiptRunRequest body, ISender sender, CancellationToken ct) =>
        {
            var run = await sender.Send(body.ToCommand(), ct);
            ReceiptRunWorker.Signal();
            return TypedResults.Created($"/api/v1/receipt-runs/{run.Id}", run);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Start a background run issuing all missing receipts of a programme's year");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ReceiptRunView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetReceiptRun(id), ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound())
            .WithETag().WithSummary("Progress of a run: done of total, receipts per second, errors");

        group.MapGet("/{id:guid}/receipts.zip", async Task<Results<FileStreamHttpResult, NotFound>> (Guid id, ISender sender, IReceiptRenderer renderer, CancellationToken ct) =>
        {
            var receipts = await sender.Send(new ListRunReceipts(id), ct);
            if (receipts is null) return TypedResults.NotFound();
            if (!renderer.Available)
                throw new Aid.Application.Common.UnavailableException("Receipt PDFs cannot be rendered: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
            var file = await TempFile.WriteAsync(async stream =>
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
                await foreach (var receipt in receipts().WithCancellation(ct))
                {
                    var entry = zip.CreateEntry($"{receipt.Number}.pdf", CompressionLevel.Fastest);
                    entry.LastWriteTime = receipt.IssuedAt;
                    await using var pdf = entry.Open();
                    await pdf.WriteAsync(renderer.Render(receipt.Content, receipt.Mark), ct);
                }
            });
            return TypedResults.File(file, "application/zip", $"receipt-run-{id}.zip");
        }).WithSummary("All receipts of a run as PDFs in one ZIP");
    }
}
