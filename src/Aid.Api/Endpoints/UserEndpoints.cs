using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Application.Users;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder app)
    {
        // Admins manage people; "me" (any caller, donors included) is the caller's own account and keys. {id:guid} never matches "me".
        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Policies.Admin).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();
        var me = app.MapGroup("/api/v1/users/me").WithTags("Users").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();
        var policy = app.MapGroup("/api/v1/security-policy").WithTags("Users").RequireAuthorization(Policies.Admin).RejectUnknownQueryParameters().ValidateRequests();

        users.MapPost("/", async (CreateUserRequest body, ISender sender, [FromServices] ReceiptSettings settings, HttpRequest request, CancellationToken ct) =>
        {
            var created = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/users/{created.User.Id}",
                new UserInvitation(created.User, PasswordLink.Of(created.PasswordLink, settings, request)));
        }).WithSummary("Create a person (answers a one-time link, shown once, with which they choose their password)");

        users.MapGet("/", async (int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListUsers(limit, cursor), ct)))
            .WithSummary("List people");

        users.MapGet("/{id:guid}", async Task<Results<Ok<UserView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetUser(id), ct) is { } user ? TypedResults.Ok(user) : TypedResults.NotFound())
            .WithETag().WithSummary("A person's account (never their password or second factor)");

        users.MapPost("/{id:guid}/disable", async (Guid id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new DisableUser(id), ct)))
            .WithSummary("Disable a person: their sessions and API keys stop working at once (not yourself, not the last admin)");

        users.MapPost("/{id:guid}/enable", async (Guid id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new EnableUser(id), ct)))
            .WithSummary("Enable a disabled person again (also lifts a sign-in lockout)");

        users.MapPut("/{id:guid}/scope", async (Guid id, SetUserScopeRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(id), ct)))
            .WithSummary("Set a person's role and scope (their keys and sessions follow at their next request)");

        users.MapPost("/{id:guid}/password-reset", async (Guid id, ISender sender, [FromServices] ReceiptSettings settings, HttpRequest request, CancellationToken ct) =>
            TypedResults.Ok(PasswordLink.Of(await sender.Send(new IssueUserLink(id, LinkPurpose.Password), ct), settings, request)))
            .WithSummary("A one-time link with which the person chooses a new password (shown once; their sessions end when it is used)");

        users.MapPost("/{id:guid}/keys", async (Guid id, CreateUserKeyRequest body, ISender sender, CancellationToken ct) =>
        {
            var created = await sender.Send(body.ToCommand(id), ct);
            return TypedResults.Created($"/api/v1/api-keys/{created.Id}", created);
        }).WithSummary("Give a person another API key (the key is shown once; it is the same person for four eyes)");

        // Every key and session belongs to a person, so an authenticated caller always has an account.
        me.MapGet("/", async (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetMyAccount(), ct) ?? throw new NotFoundException("User", Guid.Empty)))
            .WithETag().WithSummary("Your own account");

        me.MapGet("/keys", async (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(new Page<ApiKeyView>(await sender.Send(new ListMyKeys(), ct), null)))
            .WithSummary("Your own API keys, live and revoked (never the keys themselves)");

        me.MapDelete("/keys/{id:guid}", async Task<NoContent> (Guid id, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new RevokeMyKey(id), ct);
            return TypedResults.NoContent();
        }).WithSummary("Revoke one of your own API keys at once (again: no change)");

        policy.MapGet("/", async (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetSecurityPolicy(), ct)))
            .WithETag().WithSummary("The organisation's sign-in rules");

        policy.MapPut("/", async (SetSecurityPolicyRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(), ct)))
            .WithSummary("Set the organisation's sign-in rules (require two-step sign-in for all staff)");
    }
}

/// <summary>A new person and the one-time link with which they choose their password (shown only here: send it to them).</summary>
internal sealed record UserInvitation(UserView User, PasswordLink PasswordLink);

/// <summary>A one-time link to the service's page that takes it: works once, until <see cref="ExpiresAt"/>.</summary>
internal sealed record PasswordLink(string Url, DateTimeOffset ExpiresAt)
{
    /// <summary>The link's absolute address: on the configured public base URL (Aid:PublicBaseUrl), else on the request's own.</summary>
    public static PasswordLink Of(OneTimeLink link, [FromServices] ReceiptSettings settings, HttpRequest request) =>
        new((settings.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/') + link.Path, link.ExpiresAt);
}
