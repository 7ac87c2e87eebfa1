using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Failed authentications allowed per presented key prefix, client address and minute before 429 (per instance).</summary>
    public int FailuresPerMinute { get; set; } = 60;
}

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>: the key's SHA-256 is looked up; revoked or unknown keys fail. A successful lookup is
/// kept for <c>Aid:Security:CredentialCacheSeconds</c> (<see cref="Aid.Application.ApiKeys.AuthenticationCache"/>): a revocation
/// through this instance applies at once, through another within that time; failures are never kept.
/// A valid key is always accepted. Failures are counted per presented key prefix and client address
/// (<see cref="FailedAuthenticationLimiter"/>); only further failures of the same prefix from the same address get 429,
/// so a guesser cannot lock out the holders of real keys behind the same address.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, FailedAuthenticationLimiter limiter)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string CountedKey = "aid.auth.failure-counted";
    private const string RetryAfterKey = "aid.auth.retry-after";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult(); // counted only if the endpoint needs a key (see the challenge)
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 300)
            return Failed(FailedAuthenticationLimiter.NoKey, "The Authorization header must be 'Bearer <api key>'.");

        var token = header["Bearer ".Length..].Trim();
        var sender = Context.RequestServices.GetRequiredService<ISender>();
        var actor = await sender.Send(new AuthenticateApiKey(token), Context.RequestAborted);
        if (actor is null)
            return Failed(FailedAuthenticationLimiter.PrefixOf(token), "The API key is unknown or revoked.");

        Context.Items[HttpActor.ItemKey] = actor;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, actor.UserId.ToString()), new Claim(ClaimTypes.Role, actor.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Failed(string prefix, string reason)
    {
        Count(prefix);
        return AuthenticateResult.Fail(reason);
    }

    private void Count(string prefix)
    {
        Context.Items[CountedKey] = true;
        if (limiter.RecordFailure(prefix, Context.Connection.RemoteIpAddress) is { } retryAfter)
            Context.Items[RetryAfterKey] = retryAfter;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!Context.Items.ContainsKey(CountedKey)) Count(FailedAuthenticationLimiter.NoKey); // no Authorization header at all
        if (Context.Items.TryGetValue(RetryAfterKey, out var wait) && wait is TimeSpan retryAfter)
        {
            await TooManyRequests.WriteAsync(Context, retryAfter, "Too many failed authentications",
                "Too many failed attempts with this key from your address: wait before trying again. Valid keys are not affected.");
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(title: "Unauthorized", detail: "Send a valid API key as 'Authorization: Bearer <key>'.", statusCode: 401)
            .ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(title: "Forbidden", detail: "Your API key's role does not allow this.", statusCode: 403).ExecuteAsync(Context);
    }
}

/// <summary>
/// Counts failed authentications per (presented key prefix, client address) in one-minute windows, in this process only:
/// behind a load balancer each instance counts its own. The prefix is a few characters of the presented key (never
/// logged), or <see cref="NoKey"/> when the request had no usable key; partitions left idle are dropped by the limiter.
/// </summary>
internal sealed class FailedAuthenticationLimiter(IOptions<ApiKeyAuthenticationOptions> options) : IDisposable
{
    public const string NoKey = "none";
    private const int PrefixLength = 8;

    private readonly PartitionedRateLimiter<Attempt> _limiter = PartitionedRateLimiter.Create<Attempt, Attempt>(attempt =>
        RateLimitPartition.GetFixedWindowLimiter(attempt, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.FailuresPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    /// <summary>
    /// "aid_Ab3dEf9h…" → "k:Ab3dEf9h" (tagged, so no key can share the <see cref="NoKey"/> partition); a key without the aid_
    /// prefix (a chosen bootstrap key) by its own first characters.
    /// </summary>
    public static string PrefixOf(string token)
    {
        var key = token.StartsWith(ApiKeyToken.Prefix, StringComparison.Ordinal) ? token[ApiKeyToken.Prefix.Length..] : token;
        return key.Length == 0 ? NoKey : "k:" + key[..Math.Min(PrefixLength, key.Length)];
    }

    /// <summary>Counts one failure; returns how long to wait when this prefix and address are over the limit, else null.</summary>
    public TimeSpan? RecordFailure(string prefix, IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(new Attempt(prefix, address?.ToString() ?? "unknown"));
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();

    private readonly record struct Attempt(string Prefix, string Address);
}
