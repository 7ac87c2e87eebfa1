using Aid.Application.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Aid.Api.Infrastructure;

internal static class EntityTags
{
    /// <summary>A single resource's GET answers with its <c>ETag</c>, and 304 to a matching <c>If-None-Match</c>.</summary>
    public static TBuilder WithETag<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            // A reveal (?reveal=idNumber) is an audited one-off, not the resource's representation: no tag to update against.
            if (Resource(result) is not { } resource || http.Request.Query.ContainsKey("reveal")) return result;
            var tag = ETags.Of(resource);
            http.Response.Headers.ETag = tag;
            return http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Contains(tag))
                ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                : result;
        });

    /// <summary>
    /// An update honours <c>If-Match</c> (checked inside the command, under its row lock; stale → 412) and answers the
    /// updated resource's <c>ETag</c>.
    /// </summary>
    public static TBuilder HonoursIfMatch<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.Headers.IfMatch.Count > 0)
                http.RequestServices.GetRequiredService<Preconditions>().IfMatch =
                    http.Request.Headers.IfMatch.SelectMany(v => (v ?? "").Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
            var result = await next(context);
            if (Resource(result) is { } resource) http.Response.Headers.ETag = ETags.Of(resource);
            return result;
        });

    private static object? Resource(object? result) => result switch
    {
        IValueHttpResult { Value: { } value } and IStatusCodeHttpResult { StatusCode: 200 } => value,
        INestedHttpResult { Result: var inner } => Resource(inner),
        _ => null,
    };
}
