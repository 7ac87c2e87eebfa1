using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

/// <summary>The actor the API-key handler put on the request; null outside a request (start-up work).</summary>
internal sealed class HttpActor(IHttpContextAccessor accessor) : ICurrentActor
{
    public const string ItemKey = "aid.actor";

    public Actor? Actor => accessor.HttpContext?.Items[ItemKey] as Actor;
}
