namespace Aid.Application.Common;

/// <summary>Secrets derived from the deployment's master key (Aid:Crypto:KeyFile), one per purpose.</summary>
public interface IKeyRing
{
    byte[] DeriveKey(string purpose);
}

/// <summary>The base URL of the current request, when there is one (for links printed on documents).</summary>
public interface IRequestBaseUrl
{
    string? Current { get; }
}
