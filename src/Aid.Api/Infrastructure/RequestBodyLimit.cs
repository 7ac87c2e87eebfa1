using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// JSON bodies are limited to 1 MiB. Kestrel enforces it while reading; this answers a declared
/// oversized Content-Length at once with a ProblemDetails 413 (and covers hosts without Kestrel's limit).
/// File uploads (<see cref="IsUpload"/>: the import endpoints and the console's upload page) get <c>Aid:Imports:MaxBytes</c>.
/// </summary>
internal static class RequestBodyLimit
{
    public const long JsonBytes = 1024 * 1024;

    /// <summary>The addresses that take an import file.</summary>
    public static bool IsUpload(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) &&
        request.Path.Value?.TrimEnd('/') is { } path &&
        (path.Equals("/api/v1/imports", StringComparison.OrdinalIgnoreCase) || path.Equals("/console/imports/new", StringComparison.OrdinalIgnoreCase));

    /// <summary>What a multipart upload adds around the file (boundaries, the other fields).</summary>
    private const long Envelope = 64 * 1024;

    public static IApplicationBuilder UseJsonBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var upload = IsUpload(context.Request);
        var limit = upload ? context.RequestServices.GetRequiredService<IOptions<ImportSettings>>().Value.MaxBytes : JsonBytes;
        if (context.Request.ContentLength > (upload ? limit + Envelope : limit))
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            if (upload && StatusPages.ForPeople(context)) return; // a person's browser: the status page says it in words
            await Results.Problem(title: "Request body too large",
                    detail: upload ? $"Import files are limited to {limit} bytes ({limit / 1024 / 1024} MiB); split the file." : $"JSON bodies are limited to {limit} bytes.",
                    statusCode: 413)
                .ExecuteAsync(context);
            return;
        }
        if (upload && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + Envelope;
        // Kept so that a body with values of the wrong JSON type can be read again, to report every bad field (ExpectedValue).
        if (context.Request.HasJsonContentType()) context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: JsonBytes);
        await next(context);
    });
}
