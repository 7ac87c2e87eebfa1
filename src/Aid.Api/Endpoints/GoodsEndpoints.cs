using Aid.Api.Infrastructure;
using Aid.Application.Goods;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class GoodsEndpoints
{
    public static void MapGoods(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/goods-distributions", async (DistributeGoods body, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? key, ISender sender,
            CancellationToken ct) =>
        {
            var distribution = await sender.Send(body with { IdempotencyKey = IdempotencyKeyHeader.Validate(key) }, ct);
            return TypedResults.Created((string?)null, distribution);
        }).WithTags("Goods").RequireAuthorization(Policies.Staff).WithSummary("Hand out goods received in kind (books their share of the value out of stock)");
    }
}
