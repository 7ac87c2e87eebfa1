using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Standard security headers on every response, errors included (they are set as the response starts):
/// nosniff, no referrer, no framing, a same-origin opener, HSTS on https (not for loopback hosts), and a
/// Content-Security-Policy that allows nothing (<see cref="ApiPolicy"/>) unless the response set its own (the /verify page).
/// The Scalar reference page (/scalar) gets a policy that allows its own scripts, styles, images and fonts from 'self',
/// and its one inline bootstrap script by hash, computed from the page itself so a Scalar upgrade cannot silently break it.
/// </summary>
internal sealed partial class SecurityHeaders(RequestDelegate next)
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";
    public const string StrictTransportSecurity = "max-age=31536000";
    private const string ScalarPrefix = "/scalar";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return IsScalarPage(context.Request) ? ScalarPageAsync(context) : next(context);
    }

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (StringValues.IsNullOrEmpty(headers.ContentSecurityPolicy)) headers.ContentSecurityPolicy = ApiPolicy;
        if (context.Request.IsHttps && !IsLoopback(context.Request.Host.Host)) headers.StrictTransportSecurity = StrictTransportSecurity;
    }

    private static bool IsLoopback(string host) => host is "localhost" or "127.0.0.1" or "[::1]" or "::1";

    /// <summary>The page itself (/scalar/, /scalar/v1), not its assets (/scalar/scalar.js).</summary>
    private static bool IsScalarPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Path.StartsWithSegments(ScalarPrefix, StringComparison.OrdinalIgnoreCase, out var rest)
        && !(rest.Value ?? "").Split('/')[^1].Contains('.');

    private async Task ScalarPageAsync(HttpContext context)
    {
        var body = context.Response.Body;
        using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            context.Response.Headers.ContentSecurityPolicy = ScalarPolicy(Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length));
        page.Position = 0;
        await page.CopyToAsync(body, context.RequestAborted);
    }

    /// <summary>What the Scalar page needs, all from 'self' (its default web fonts from fonts.scalar.com are left out: it falls back to system fonts).</summary>
    internal static string ScalarPolicy(string html)
    {
        var scripts = InlineScript().Matches(html)
            .Where(m => !m.Groups["attributes"].Value.Contains("src=", StringComparison.OrdinalIgnoreCase))
            .Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(ParsedText(m.Groups["body"].Value))))}'")
            .Prepend("'self'").Distinct();
        return $"default-src 'none'; script-src {string.Join(' ', scripts)}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
            + "font-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    /// <summary>Browsers hash a script's text as parsed: line breaks normalised to LF.</summary>
    private static string ParsedText(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    [GeneratedRegex("<script(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
