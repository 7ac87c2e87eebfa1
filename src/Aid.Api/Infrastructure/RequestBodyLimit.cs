namespace Aid.Api.Infrastructure;

/// <summary>
/// JSON bodies are limited to 1 MiB. Kestrel enforces it while reading; this answers a declared
/// oversized Content-Length at once with a ProblemDetails 413 (and covers hosts without Kestrel's limit).
/// </summary>
internal static class RequestBodyLimit
{
    public const long JsonBytes = 1024 * 1024;

    public static IApplicationBuilder UseJsonBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentLength > JsonBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await Results.Problem(title: "Request body too large", detail: $"JSON bodies are limited to {JsonBytes} bytes.", statusCode: 413)
                .ExecuteAsync(context);
            return;
        }
        // Kept so that a body with values of the wrong JSON type can be read again, to report every bad field (ExpectedValue).
        if (context.Request.HasJsonContentType()) context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: JsonBytes);
        await next(context);
    });
}
