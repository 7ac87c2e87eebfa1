using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

/// <summary>The actor the API-key handler put on the request; null outside a request (start-up work).</summary>
internal sealed class HttpActor(IHttpContextAccessor accessor) : ICurrentActor
{
    public const string ItemKey = "aid.actor";

    /// <summary>Acting as a given key outside a request (the demo seeder acts as two managers, for the four-eyes rule).</summary>
    public static readonly AsyncLocal<Actor?> Override = new();

    public Actor? Actor => Override.Value ?? accessor.HttpContext?.Items[ItemKey] as Actor;
}
