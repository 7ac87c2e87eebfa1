namespace Aid.Api.Infrastructure;

/// <summary>Which error answers are for people (a page) and which for programs (ProblemDetails).</summary>
internal static class StatusPages
{
    private static readonly string[] ProgramPaths = ["/api", "/openapi", "/scalar", "/health", "/.well-known", "/verify", "/status"];

    /// <summary>A browser asking for a page: it accepts HTML and the address is not one of the JSON or public-verification paths.</summary>
    public static bool ForPeople(HttpContext http)
    {
        var path = http.Request.Path;
        foreach (var prefix in ProgramPaths)
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        return http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }
}
