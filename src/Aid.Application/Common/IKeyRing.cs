namespace Aid.Application.Common;

/// <summary>
/// Secrets derived from the deployment's master keys (Aid:Crypto:KeyFile), one per purpose. New writes use the current key;
/// keys that were rotated out stay readable by their id (a ciphertext, a MAC or a checkpoint names the key it was made with).
/// </summary>
public interface IKeyRing
{
    /// <summary>The id of the current master key (short hex, derived from the key itself; never secret).</summary>
    string CurrentKeyId { get; }

    /// <summary>Every key id this instance can read with, the current one first.</summary>
    IReadOnlyList<string> KeyIds { get; }

    /// <summary>The current key's secret for <paramref name="purpose"/>.</summary>
    byte[] DeriveKey(string purpose);

    /// <summary>The secret for <paramref name="purpose"/> under the key <paramref name="keyId"/>, or null when that key is not held here.</summary>
    byte[]? DeriveKey(string purpose, string keyId);
}

/// <summary>The base URL of the current request, when there is one (for links printed on documents).</summary>
public interface IRequestBaseUrl
{
    string? Current { get; }
}
