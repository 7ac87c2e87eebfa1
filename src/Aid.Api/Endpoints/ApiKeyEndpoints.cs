using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class ApiKeyEndpoints
{
    public static void MapApiKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(Policies.Admin).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (CreateApiKeyRequest body, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/api-keys/{created.Id}", created);
        }).WithSummary("Create an API key (the key is shown once)");

        group.MapGet("/", async (int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListApiKeys(limit, cursor), ct)))
            .WithSummary("List API keys (never the keys themselves)");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ApiKeyView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetApiKey(id), ct) is { } key ? TypedResults.Ok(key) : TypedResults.NotFound())
            .WithETag().WithSummary("An API key (never the key itself)");

        group.MapDelete("/{id:guid}", async Task<NoContent> (Guid id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new RevokeApiKey(id), ct);
            return TypedResults.NoContent();
        }).WithSummary("Revoke an API key at once");
    }
}
