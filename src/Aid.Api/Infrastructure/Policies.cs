using Aid.Application.Common;
using Microsoft.AspNetCore.Authorization;

namespace Aid.Api.Infrastructure;

/// <summary>Role policies, declared on endpoint groups. Programme scope is decided by <see cref="AccessScope"/>.</summary>
internal static class Policies
{
    public const string Admin = "admin";
    public const string Staff = "staff";        // admin, manager: may change things
    public const string Reader = "reader";      // admin, manager, auditor: may read programme data
    public const string AnyKey = "any-key";     // every valid key, donors included (handlers narrow to the donor's own data)

    /// <summary>Each names the API-key scheme: the JSON API never accepts a page's session cookie (no CSRF surface).</summary>
    public static AuthorizationBuilder AddAidPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Admin, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles.Admin))
        .AddPolicy(Staff, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles.Admin, Roles.Manager))
        .AddPolicy(Reader, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles.Admin, Roles.Manager, Roles.Auditor))
        .AddPolicy(AnyKey, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
}
