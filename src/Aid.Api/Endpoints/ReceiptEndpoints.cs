using Aid.Api.Infrastructure;
using Aid.Application.Receipts;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class ReceiptEndpoints
{
    public static void MapReceipts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/receipts").WithTags("Receipts").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (IssueReceiptRequest body, ISender sender, CancellationToken ct) =>
        {
            var receipt = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/receipts/{receipt.Number}", receipt);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Issue a receipt for one gift ({ giftId }) or an annual one ({ donorId, year })");

        group.MapGet("/", async (Guid? donorId, int? year, Guid? programmeId, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListReceipts(donorId, year, programmeId, limit, cursor), ct)))
            .WithSummary("List receipts (filters: donorId, year of issue, programmeId; a donor key sees its own)");

        group.MapGet("/{number}", async Task<Results<Ok<ReceiptView>, NotFound>> (string number, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetReceipt(number), ct) is { } receipt ? TypedResults.Ok(receipt) : TypedResults.NotFound())
            .WithETag().WithSummary("A receipt: status, total, 大写, verification code, replaces / replacedBy");

        group.MapGet("/{number}/pdf", async (string number, ISender sender, CancellationToken ct) =>
        {
            var download = await sender.Send(new DownloadReceipt(number), ct);
            return TypedResults.File(download.Pdf, "application/pdf", $"{number}.pdf");
        }).WithSummary("The receipt PDF: the donor's first download is the original unless it was e-mailed; every other is 副本 COPY");

        group.MapPost("/{number}/void", async (string number, VoidReceiptRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(number), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Void a receipt (the number is kept); reissue: true takes a new number that replaces it");
    }
}
