using System.Text;
using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

/// <summary>
/// List answers (<see cref="Page{T}"/>) with a next page also carry its URL: <c>next</c> in the body and
/// <c>Link: &lt;url&gt;; rel="next"</c>. The URL is an absolute path: this request's path and query string as the client
/// wrote them, with <c>cursor</c> replaced. Nothing is added on the last page.
/// </summary>
internal static class NextLinks
{
    /// <summary>Marks the endpoints that add next links (for tests and tooling).</summary>
    internal sealed class Metadata;

    /// <summary>For a route group (endpoints that answer anything but a page are left alone), or a single endpoint.</summary>
    public static TBuilder WithNextLinks<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder
    {
        group.WithMetadata(new Metadata());
        group.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            if (PageOf(result) is not { NextCursor: { } cursor } page) return result;
            var url = NextUrl(context.HttpContext.Request, cursor);
            context.HttpContext.Response.Headers.Append("Link", $"<{url}>; rel=\"next\"");
            return TypedResults.Ok<object>(page.WithNext(url)); // serialised as its runtime type, Page<T>
        });
        return group;
    }

    /// <summary>The page in an <c>Ok&lt;Page&lt;T&gt;&gt;</c>, also inside <c>Results&lt;…&gt;</c>; null for any other answer.</summary>
    private static IPage? PageOf(object? result) => result switch
    {
        INestedHttpResult nested => PageOf(nested.Result),
        IStatusCodeHttpResult { StatusCode: not StatusCodes.Status200OK } => null,
        IValueHttpResult { Value: IPage page } => page,
        IPage page => page,
        _ => null,
    };

    internal static string NextUrl(HttpRequest request, string cursor)
    {
        var url = new StringBuilder((request.PathBase + request.Path).ToUriComponent()).Append('?');
        foreach (var part in (request.QueryString.Value ?? "").TrimStart('?').Split('&'))
        {
            if (part.Length == 0) continue;
            var name = part.Split('=', 2)[0];
            if (string.Equals(Uri.UnescapeDataString(name.Replace('+', ' ')), "cursor", StringComparison.OrdinalIgnoreCase)) continue;
            url.Append(part).Append('&');
        }
        return url.Append("cursor=").Append(Uri.EscapeDataString(cursor)).ToString();
    }
}
