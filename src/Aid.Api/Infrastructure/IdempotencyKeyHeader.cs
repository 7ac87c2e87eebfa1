using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

internal static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Printable ASCII, 1–200 characters; absent is fine (the request is then not deduplicated by key).</summary>
    public static string? Validate(string? key)
    {
        if (key is null) return null;
        if (key.Length is 0 or > 200 || key.Any(c => c is < '!' or > '~'))
            throw new InputException(Name, "Idempotency-Key must be 1–200 printable ASCII characters without spaces.");
        return key;
    }
}
