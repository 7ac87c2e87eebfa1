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
        (request.Path.Equals("/api/v1/imports", StringComparison.OrdinalIgnoreCase) ||
         request.Path.Equals("/console/imports/new", StringComparison.OrdinalIgnoreCase));

    public static IApplicationBuilder UseJsonBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var upload = IsUpload(context.Request);
        var limit = upload ? context.RequestServices.GetRequiredService<IOptions<ImportSettings>>().Value.MaxBytes : JsonBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await Results.Problem(title: "Request body too large",
                    detail: upload ? $"Import files are limited to {limit} bytes ({limit / 1024 / 1024} MiB); split the file." : $"JSON bodies are limited to {limit} bytes.",
                    statusCode: 413)
                .ExecuteAsync(context);
            return;
        }
        if (upload && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + 64 * 1024; // the multipart envelope around the file
        // Kept so that a body with values of the wrong JSON type can be read again, to report every bad field (ExpectedValue).
        if (context.Request.HasJsonContentType()) context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: JsonBytes);
        await next(context);
    });
}
