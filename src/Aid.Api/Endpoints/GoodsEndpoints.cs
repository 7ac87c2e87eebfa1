using Aid.Application.Goods;
using Microsoft.AspNetCore.Http.HttpResults;
using Aid.Api.Infrastructure;
using Mediator;

namespace Aid.Api.Endpoints;

internal static class GoodsEndpoints
{
    public static void MapGoods(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/goods-distributions").WithTags("Goods").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (DistributeGoodsRequest body, ISender sender, CancellationToken ct) =>
        {
            var distribution = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/goods-distributions/{distribution.Id}", distribution);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Hand out goods received in kind (books their share of the value out of stock)");

        // Any key: a donor sees the hand-outs of its own gifts (the query limits it), so it can see how its goods were used.
        group.MapGet("/{id:guid}", async Task<Results<Ok<GoodsDistributionView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetGoodsDistribution(id), ct) is { } distribution ? TypedResults.Ok(distribution) : TypedResults.NotFound())
            .WithETag().WithSummary("A hand-out of goods, with what was left of the gift right after it (a donor key: those of its own gifts)");
    }
}
