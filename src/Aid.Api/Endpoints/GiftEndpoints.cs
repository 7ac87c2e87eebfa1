using Aid.Api.Infrastructure;
using Aid.Application.Gifts;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class GiftEndpoints
{
    public static void MapGifts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/gifts").WithTags("Gifts").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (RecordGiftRequest body, ISender sender, CancellationToken ct) =>
        {
            var gift = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/gifts/{gift.Id}", gift);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Record a cash or in-kind gift");

        group.MapGet("/", async (Guid? programmeId, Guid? donorId, DateOnly? from, DateOnly? to, int? limit, string? cursor, string? sort, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListGifts(programmeId, donorId, from, to, limit, cursor, sort), ct)))
            .WithSummary("List gifts (filters: programmeId, donorId, from, to; sort: receivedOn, -receivedOn, amount, -amount)");

        group.MapGet("/{id:guid}", async Task<Results<Ok<GiftView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetGift(id), ct) is { } gift ? TypedResults.Ok(gift) : TypedResults.NotFound())
            .WithETag().WithSummary("A gift with the pledge instalments it paid");

        group.MapPost("/{id:guid}/reverse", async (Guid id, ReverseGiftRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ReverseGift(id, body.Reason!, body.ConfirmShortfall ?? false, body.ReversedOn), ct)))
            .Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Reverse a gift (a reversing entry; the gift is never deleted)");
    }
}
