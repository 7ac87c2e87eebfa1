using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Aid.ClientTests.Support;

/// <summary>Aid's API-key scheme (<c>Authorization: Bearer &lt;key&gt;</c>). Kiota's own API-key provider refuses plain http.</summary>
public sealed class BearerKeyAuthentication(string key) : IAuthenticationProvider
{
    public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        request.Headers.Add("Authorization", $"Bearer {key}");
        return Task.CompletedTask;
    }
}
