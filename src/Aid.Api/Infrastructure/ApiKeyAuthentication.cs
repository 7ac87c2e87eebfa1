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
    /// <summary>Failed authentications allowed per client address and minute before 429.</summary>
    public int FailuresPerMinute { get; set; } = 60;
}

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>: the key's SHA-256 is looked up; revoked or unknown keys fail.
/// Repeated failures from one address are throttled.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, FailedAuthenticationLimiter limiter)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string ThrottledKey = "aid.auth.throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (limiter.IsBlocked(Context.Connection.RemoteIpAddress))
        {
            Context.Items[ThrottledKey] = true;
            return AuthenticateResult.Fail("Too many failed authentications.");
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 300)
            return Failed("The Authorization header must be 'Bearer <api key>'.");

        var token = header["Bearer ".Length..].Trim();
        var sender = Context.RequestServices.GetRequiredService<ISender>();
        var actor = await sender.Send(new AuthenticateApiKey(token), Context.RequestAborted);
        if (actor is null)
            return Failed("The API key is unknown or revoked.");

        Context.Items[HttpActor.ItemKey] = actor;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, actor.KeyId.ToString()), new Claim(ClaimTypes.Role, actor.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Failed(string reason)
    {
        limiter.RecordFailure(Context.Connection.RemoteIpAddress);
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var throttled = Context.Items.ContainsKey(ThrottledKey);
        Response.StatusCode = throttled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
        if (throttled) Response.Headers.RetryAfter = "60";
        else Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            title: throttled ? "Too many failed authentications" : "Unauthorized",
            detail: throttled ? "Wait a minute before trying again." : "Send a valid API key as 'Authorization: Bearer <key>'.",
            statusCode: Response.StatusCode).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(title: "Forbidden", detail: "Your API key's role does not allow this.", statusCode: 403).ExecuteAsync(Context);
    }
}

/// <summary>Counts failed authentications per client address in one-minute windows.</summary>
internal sealed class FailedAuthenticationLimiter(IOptions<ApiKeyAuthenticationOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.FailuresPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public bool IsBlocked(IPAddress? address) => _limiter.GetStatistics(address ?? IPAddress.None) is { CurrentAvailablePermits: <= 0 };

    public void RecordFailure(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(address ?? IPAddress.None);
    }

    public void Dispose() => _limiter.Dispose();
}
