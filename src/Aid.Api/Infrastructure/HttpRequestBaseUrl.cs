using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

internal sealed class HttpRequestBaseUrl(IHttpContextAccessor accessor) : IRequestBaseUrl
{
    public string? Current => accessor.HttpContext?.Request is { } r ? $"{r.Scheme}://{r.Host}{r.PathBase}" : null;
}
