using System.Security.Cryptography;
using System.Text.Json;

namespace Aid.Application.Common;

/// <summary>Entity tags of resources: a strong hash of the resource as the API shows it.</summary>
public static class ETags
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Of<T>(T resource) =>
        "\"" + Convert.ToBase64String(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(resource, Json)), 0, 16).TrimEnd('=') + "\"";
}

/// <summary>
/// The request's <c>If-Match</c> (scoped, set at the edge): an update checks it against the resource as it is under
/// the update's row lock, so two clients editing the same version cannot both win (the second gets 412).
/// </summary>
public sealed class Preconditions
{
    public IReadOnlyList<string>? IfMatch { get; set; }

    public void EnsureMatches<T>(T current)
    {
        if (IfMatch is not { } expected || expected.Contains("*")) return;
        var actual = ETags.Of(current);
        if (!expected.Contains(actual))
            throw new PreconditionFailedException(
                "The resource has changed since you read it (If-Match does not match its ETag): read it again and reapply your change.", actual);
    }
}

/// <summary>An If-Match precondition failed. Maps to 412.</summary>
public sealed class PreconditionFailedException(string message, string currentETag) : Exception(message)
{
    public string CurrentETag { get; } = currentETag;
}
