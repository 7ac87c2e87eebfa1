using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace Aid.Api.Infrastructure;

/// <summary>What every response gets: security headers (<see cref="SecurityHeaders"/>), compression, and 429s in one shape.</summary>
internal static class HttpHardening
{
    /// <summary>JSON, CSV and HTML are compressed; PDF, ZIP and XLSX are compressed already and are left alone.</summary>
    public static readonly string[] CompressedTypes = ["application/json", "application/problem+json", "text/csv", "text/html"];

    public static IServiceCollection AddAidHttpHardening(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            // Keys travel in the Authorization header, never in cookies a browser would attach to a forged request, so a
            // compressed answer gives no BREACH-style oracle; behind a TLS-terminating proxy every request is https.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = CompressedTypes;
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.AddRateLimiterRejections();
        return services;
    }

    /// <summary>First in the pipeline after the forwarded headers, so that error answers get the headers and compression too.</summary>
    public static IApplicationBuilder UseAidHttpHardening(this IApplicationBuilder app) =>
        app.UseResponseCompression().UseMiddleware<SecurityHeaders>();
}
