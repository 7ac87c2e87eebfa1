using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Aid.Api.Infrastructure;

/// <summary>Every 429 the service sends: a <c>Retry-After</c> in whole seconds and a ProblemDetails body that says why.</summary>
internal static class TooManyRequests
{
    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter, string title, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["retryAfter"] = seconds }).ExecuteAsync(context);
    }

    private static Task VerifyRejectionAsync(HttpContext context, TimeSpan retryAfter, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Endpoints.VerifyPage.TooManyAsync(context, seconds, ct);
    }

    /// <summary>The rate limiter's rejections (the public /verify endpoint) in the same shape.</summary>
    public static IServiceCollection AddRateLimiterRejections(this IServiceCollection services) =>
        services.Configure<RateLimiterOptions>(o => o.OnRejected = (rejected, ct) => rejected.HttpContext.Request.Path.StartsWithSegments("/signin")
            ? Pages.SignIn.SignInPages.TooManyAsync(rejected.HttpContext, ct) // a page for people, in their language
            : Endpoints.VerifyPage.WantsPage(rejected.HttpContext.Request) // a person's browser on the public receipt check
            ? new ValueTask(VerifyRejectionAsync(rejected.HttpContext,
                rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var pageRetryAfter) ? pageRetryAfter : TimeSpan.FromMinutes(1), ct))
            : new ValueTask(WriteAsync(rejected.HttpContext,
            rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1),
            "Too many requests", "This address has sent too many requests to this endpoint: wait before trying again.")));
}
