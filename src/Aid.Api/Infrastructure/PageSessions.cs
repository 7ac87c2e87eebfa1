using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Aid.Application.Users;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Page sessions: a cookie scheme of their own, never mixed with API keys. The JSON API's policies name the API-key scheme
/// only (a cookie gets 401 there, so no CSRF surface); the pages' policies name this scheme only (a bearer key is redirected to
/// sign-in). Every request checks the person (<see cref="AuthenticateSession"/>): a disabled person, a changed password or
/// TOTP (a new security stamp) ends the session, and role and scope changes apply, at once on the instance that made the change
/// and within <c>Aid:Security:CredentialCacheSeconds</c> on others (<see cref="Aid.Application.ApiKeys.AuthenticationCache"/>).
/// Sessions slide for 8 hours of inactivity and end 12 hours after sign-in whatever happens.
/// </summary>
internal static class PageSessions
{
    public const string Scheme = "Session";
    /// <summary>The default: the API-key scheme under /api, the session elsewhere (policies still name their scheme).</summary>
    public const string DefaultScheme = "ByPath";
    /// <summary>Between the password and the TOTP code (or enrolment): who, and which step; 10 minutes.</summary>
    public const string StepScheme = "SignInStep";
    public const string PagePolicy = "page";
    public const string PageAdminPolicy = "page-admin";
    /// <summary>The staff console (/console): admins and managers; auditors get their own read-only area.</summary>
    public const string PageStaffPolicy = "page-staff";
    /// <summary>The auditor area (/audit): read-only, for auditors, and for admins and managers (as the API's reader policy).</summary>
    public const string PageAuditPolicy = "page-audit";
    public static readonly TimeSpan Idle = TimeSpan.FromHours(8);
    public static readonly TimeSpan Absolute = TimeSpan.FromHours(12);

    private const string StampClaim = "aid:stamp";
    private const string SignedInAtClaim = "aid:signed-in-at";
    private const string StepClaim = "aid:step";
    private const string ReturnClaim = "aid:return";
    private const string StepStampClaim = "aid:step-stamp";

    public static AuthenticationBuilder AddPageSessions(this AuthenticationBuilder builder) => builder
        .AddCookie(Scheme, o =>
        {
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/forbidden";
            o.Cookie.Name = "aid.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure unless the page was asked for as http://localhost (or 127.0.0.1, ::1) on this machine: see OnSigningIn.
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.ExpireTimeSpan = Idle;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateAsync;
            o.Events.OnSigningIn = context => { context.CookieOptions.Secure = !IsLocalHttp(context.HttpContext); return Task.CompletedTask; };
        })
        .AddCookie(StepScheme, o =>
        {
            o.LoginPath = "/signin";
            o.Cookie.Name = "aid.signin-step";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
            o.SlidingExpiration = false;
            o.Events.OnSigningIn = context => { context.CookieOptions.Secure = !IsLocalHttp(context.HttpContext); return Task.CompletedTask; };
        });

    public static AuthorizationBuilder AddPagePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(PagePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser())
        .AddPolicy(PageAdminPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Aid.Application.Common.Roles.Admin))
        .AddPolicy(PageStaffPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Aid.Application.Common.Roles.Admin, Aid.Application.Common.Roles.Manager))
        .AddPolicy(PageAuditPolicy, p => p.AddAuthenticationSchemes(Scheme)
            .RequireRole(Aid.Application.Common.Roles.Admin, Aid.Application.Common.Roles.Manager, Aid.Application.Common.Roles.Auditor))
        .AddPolicy(PageDonorPolicy, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Aid.Application.Common.Roles.Donor));

    /// <summary>The donor portal (/my): donors only, each seeing their own donor record (Pages/My).</summary>
    public const string PageDonorPolicy = "page-donor";

    /// <summary>Starts a session for a person who passed every step.</summary>
    public static Task SignInAsync(HttpContext http, SignedInUser user) => IssueAsync(http, user, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>
    /// Keeps the current session after the person's own change issued a new stamp (their other sessions end); the session still
    /// ends 12 hours after the original sign-in.
    /// </summary>
    public static Task RenewAsync(HttpContext http, SignedInUser user) =>
        IssueAsync(http, user, long.TryParse(http.User.FindFirstValue(SignedInAtClaim), out var at) ? at : DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static async Task IssueAsync(HttpContext http, SignedInUser user, long signedInAt)
    {
        await http.SignOutAsync(StepScheme);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()), new(ClaimTypes.Name, user.DisplayName), new(ClaimTypes.Role, user.Role),
            new(StampClaim, user.SecurityStamp), new(SignedInAtClaim, signedInAt.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        await http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)), new AuthenticationProperties { IsPersistent = false });
    }

    public static async Task SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(Scheme);
        await http.SignOutAsync(StepScheme);
    }

    /// <summary>
    /// Remembers a sign-in between its steps: who, which step, where to go after, and the person's stamp then (a password, TOTP or
    /// disable change in between ends the step: the next step's command compares it).
    /// </summary>
    public static Task BeginStepAsync(HttpContext http, SignedInUser user, string step, string? returnUrl) =>
        http.SignInAsync(StepScheme, new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(StepClaim, step), new Claim(ReturnClaim, returnUrl ?? "/"),
            new Claim(StepStampClaim, user.SecurityStamp),
        ], StepScheme)));

    /// <summary>The person, step, return address and stamp of a sign-in in progress, or null when there is none (or it expired).</summary>
    public static async Task<SignInStep?> ReadStepAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(StepScheme);
        if (!result.Succeeded || result.Principal is not { } principal) return null;
        return Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) && principal.FindFirstValue(StepClaim) is { } step
               && principal.FindFirstValue(StepStampClaim) is { } stamp
            ? new SignInStep(id, step, principal.FindFirstValue(ReturnClaim) ?? "/", stamp)
            : null;
    }

    /// <summary>The signed-in person's id on a page (the session scheme authenticated it).</summary>
    public static Guid? UserId(ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType == Scheme && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is null || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || principal.FindFirstValue(StampClaim) is not { } stamp
            || !long.TryParse(principal.FindFirstValue(SignedInAtClaim), out var signedInAt)
            || DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(signedInAt) > Absolute)
        {
            await Reject(context);
            return;
        }
        var sender = context.HttpContext.RequestServices.GetRequiredService<ISender>();
        var actor = await sender.Send(new AuthenticateSession(userId, stamp), context.HttpContext.RequestAborted);
        if (actor is null)
        {
            await Reject(context);
            return;
        }
        context.HttpContext.Items[HttpActor.ItemKey] = actor;
        // The role as it is now, not as it was at sign-in (the policies read the claim).
        var identity = new ClaimsIdentity(principal.Claims.Where(c => c.Type != ClaimTypes.Role).Append(new Claim(ClaimTypes.Role, actor.Role)), Scheme);
        context.ReplacePrincipal(new ClaimsPrincipal(identity));
    }

    private static async Task Reject(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }

    /// <summary>
    /// A password may travel over plain http only on this machine: a loopback connection (or an in-process caller with no address)
    /// asking for a loopback host. From anywhere else only over https, directly or through a proxy listed in
    /// Aid:Security:KnownProxies (a proxy on this machine that is not listed asks for its public host name, so it is refused too).
    /// </summary>
    public static bool IsSecureEnough(HttpContext http) => http.Request.IsHttps || IsLocalHttp(http);

    private static bool IsLocalHttp(HttpContext http) =>
        !http.Request.IsHttps
        && (http.Connection.RemoteIpAddress is not { } remote || IPAddress.IsLoopback(remote))
        && http.Request.Host.Host is "localhost" or "127.0.0.1" or "[::1]" or "::1";
}

/// <summary>A sign-in between its steps (the step cookie).</summary>
internal sealed record SignInStep(Guid UserId, string Step, string ReturnUrl, string Stamp);

/// <summary>
/// Failed sign-ins per login, in this process, counted as the database counts them for real accounts (a lock after
/// <see cref="SignInRules.MaxFailures"/> failures, for <see cref="SignInRules.Lockout"/>), so the page answers "locked" at the
/// same moment whether or not the login exists: the lock message must not tell an attacker which logins are real. Logins are
/// kept as hashes, at most <see cref="Capacity"/> of them (the oldest are dropped).
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int Capacity = 20_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(int Failures, DateTimeOffset? LockedUntil, DateTimeOffset LastSeen);

    /// <summary>Counts a failure; true when the login is locked (by this failure or an earlier one).</summary>
    public bool Fail(string login)
    {
        var now = time.GetUtcNow();
        if (_entries.Count >= Capacity)
            foreach (var stale in _entries.OrderBy(e => e.Value.LastSeen).Take(Capacity / 4).Select(e => e.Key).ToList())
                _entries.TryRemove(stale, out _);
        var entry = _entries.AddOrUpdate(Key(login), _ => Count(new Entry(0, null, now), now), (_, e) => Count(e, now));
        return entry.LockedUntil is { } until && until > now;
    }

    public void Succeed(string login) => _entries.TryRemove(Key(login), out _);

    private static Entry Count(Entry e, DateTimeOffset now)
    {
        if (e.LockedUntil is { } until && until > now) return e with { LastSeen = now };
        var failures = (e.LockedUntil is null ? e.Failures : 0) + 1;
        return failures >= SignInRules.MaxFailures ? new Entry(0, now + SignInRules.Lockout, now) : new Entry(failures, null, now);
    }

    private static string Key(string login) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Logins.Normalise(login))));
}
