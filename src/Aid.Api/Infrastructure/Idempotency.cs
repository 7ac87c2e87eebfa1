using Aid.Application.Common;
using Aid.Application.Pipeline;

namespace Aid.Api.Infrastructure;

/// <summary>Marks an endpoint that honours <c>Idempotency-Key</c> (the OpenAPI document lists the header for it).</summary>
internal sealed class IdempotentEndpointMetadata;

internal static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>
    /// Reads and checks the <c>Idempotency-Key</c> header once for the endpoint, for whichever idempotent command it
    /// sends: printable ASCII, 1–200 characters; absent is fine (the request is then not deduplicated by key).
    /// </summary>
    public static TBuilder Idempotent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new IdempotentEndpointMetadata());
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Request.Headers.TryGetValue(Header, out var values))
            {
                var key = values.ToString();
                if (values.Count != 1 || key.Length is 0 or > 200 || key.Any(c => c is < '!' or > '~'))
                    throw new InputException(Header, "Idempotency-Key must be 1–200 printable ASCII characters without spaces.");
                http.RequestServices.GetRequiredService<IdempotencyKey>().Set(key);
            }
            return await next(context);
        });
        return builder;
    }
}
