using Aid.Api.Infrastructure;
using Aid.Application.Receipts;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class ReceiptEndpoints
{
    public static void MapReceipts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/receipts").WithTags("Receipts").RequireAuthorization(Policies.AnyKey);

        group.MapPost("/", async (IssueReceipt body, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey, ISender sender, CancellationToken ct) =>
        {
            var receipt = await sender.Send(body with { IdempotencyKey = IdempotencyKeyHeader.Validate(idempotencyKey) }, ct);
            return TypedResults.Created($"/api/v1/receipts/{receipt.Number}", receipt);
        }).RequireAuthorization(Policies.Staff).WithSummary("Issue a receipt for one gift ({ giftId }) or an annual one ({ donorId, year })");

        group.MapGet("/{number}", async Task<Results<Ok<ReceiptView>, NotFound>> (string number, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetReceipt(number), ct) is { } receipt ? TypedResults.Ok(receipt) : TypedResults.NotFound())
            .WithSummary("A receipt: status, total, 大写, verification code, replaces / replacedBy");

        group.MapGet("/{number}/pdf", async (string number, ISender sender, IReceiptRenderer renderer, CancellationToken ct) =>
        {
            var download = await sender.Send(new DownloadReceipt(number), ct);
            return TypedResults.File(renderer.Render(download.Content, download.Mark), "application/pdf", $"{number}.pdf");
        }).WithSummary("The receipt PDF (副本 COPY after the first download)");

        group.MapPost("/{number}/void", async (string number, VoidBody body, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new VoidReceipt(number, body.Reason, body.Reissue) { IdempotencyKey = IdempotencyKeyHeader.Validate(idempotencyKey) }, ct)))
            .RequireAuthorization(Policies.Staff).WithSummary("Void a receipt (the number is kept); reissue: true takes a new number that replaces it");
    }

    internal sealed record VoidBody(string? Reason, bool? Reissue);
}
