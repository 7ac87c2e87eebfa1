using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Users;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>
/// A new person: they sign in with <c>login</c> (an e-mail address) once they have chosen a password through the one-time
/// link in the answer. Roles and scopes as for API keys: <c>admin</c> (everything), <c>manager</c> or <c>auditor</c> (scoped
/// to programmes), or <c>donor</c> (their own donor record).
/// </summary>
public sealed record CreateUserRequest : IUserScopeRequest
{
    /// <summary>The e-mail address the person signs in with (unique, compared without regard to case; at most 254 characters).</summary>
    /// <example>li.fuhe@example.cn</example>
    public string? Login { get; init; }

    /// <summary>The person's name as shown in the console and the audit trail (at most 200 characters).</summary>
    /// <example>李复核</example>
    public string? DisplayName { get; init; }

    /// <summary><c>admin</c>, <c>manager</c>, <c>auditor</c> or <c>donor</c>.</summary>
    /// <example>manager</example>
    [Codes(typeof(Role))]
    public string? Role { get; init; }

    /// <summary>Managers and auditors: the programmes the person may see (1–500); none for admins and donors.</summary>
    /// <example>["0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80"]</example>
    public IReadOnlyList<Guid>? ProgrammeIds { get; init; }

    /// <summary>Donors only: the donor record the person is.</summary>
    public Guid? DonorId { get; init; }

    /// <summary>The language of the person's pages: <c>zh-CN</c> or <c>en</c> (default: zh-CN).</summary>
    /// <example>zh-CN</example>
    [Codes("zh-CN", "en")]
    public string? Language { get; init; }

    public CreateUser ToCommand() => new(Login!, DisplayName!, Codes.Parse<Role>(Role!), ProgrammeIds ?? [], DonorId, Language ?? "zh-CN");
}

/// <summary>A person's new role and scope: their keys and sessions act with it from their next request.</summary>
public sealed record SetUserScopeRequest : IUserScopeRequest
{
    /// <summary><c>admin</c>, <c>manager</c>, <c>auditor</c> or <c>donor</c>.</summary>
    /// <example>auditor</example>
    [Codes(typeof(Role))]
    public string? Role { get; init; }

    /// <summary>Managers and auditors: the programmes the person may see (1–500), replacing the ones they had; none for admins and donors.</summary>
    /// <example>["0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80"]</example>
    public IReadOnlyList<Guid>? ProgrammeIds { get; init; }

    /// <summary>Donors only: the donor record the person is.</summary>
    public Guid? DonorId { get; init; }

    public SetUserScope ToCommand(Guid id) => new(id, Codes.Parse<Role>(Role!), ProgrammeIds ?? [], DonorId);
}

/// <summary>Another API key for a person: it acts with their role and scope, and is the same person for the four-eyes rule.</summary>
public sealed record CreateUserKeyRequest : IApiRequest
{
    /// <summary>What the key is for, for the person's list of keys and the audit trail (at most 200 characters).</summary>
    /// <example>李复核的对账脚本</example>
    public string? Name { get; init; }

    public CreateUserKey ToCommand(Guid userId) => new(userId, Name!);
}

/// <summary>The organisation's sign-in rules.</summary>
public sealed record SetSecurityPolicyRequest : IApiRequest
{
    /// <summary>Whether all staff (everyone but donors) must sign in with a second factor (TOTP); those without one enrol at their next sign-in.</summary>
    /// <example>true</example>
    public bool? StaffTotpRequired { get; init; }

    public SetSecurityPolicy ToCommand() => new(StaffTotpRequired!.Value);
}

internal sealed class CreateUserRequestValidator : AbstractValidator<CreateUserRequest>
{
    public CreateUserRequestValidator()
    {
        RuleFor(c => c.Login).NotEmpty().Must(Logins.IsEmail).WithMessage("login must be an e-mail address.");
        RuleFor(c => c.DisplayName).NotEmpty().Text(200);
        RuleFor(c => c.Language).Must(l => l is null || Languages.All.Contains(l)).WithMessage("language must be zh-CN or en.");
        UserScopeRules.Apply(this);
    }
}

internal sealed class SetUserScopeRequestValidator : AbstractValidator<SetUserScopeRequest>
{
    public SetUserScopeRequestValidator() => UserScopeRules.Apply(this);
}

internal sealed class CreateUserKeyRequestValidator : AbstractValidator<CreateUserKeyRequest>
{
    public CreateUserKeyRequestValidator() => RuleFor(c => c.Name).NotEmpty().Text(200);
}

internal sealed class SetSecurityPolicyRequestValidator : AbstractValidator<SetSecurityPolicyRequest>
{
    public SetSecurityPolicyRequestValidator() => RuleFor(c => c.StaffTotpRequired).NotNull();
}

/// <summary>A request that sets a person's role and scope.</summary>
internal interface IUserScopeRequest : IApiRequest
{
    string? Role { get; }
    IReadOnlyList<Guid>? ProgrammeIds { get; }
    Guid? DonorId { get; }
}

/// <summary>A person's role and the scope that goes with it, as a request carries them (the rules of <see cref="RoleScopeRules"/>).</summary>
internal static class UserScopeRules
{
    public static void Apply<T>(AbstractValidator<T> validator) where T : IUserScopeRequest
    {
        static Role? RoleOf(T request) => Codes.TryParse<Role>(request.Role, out var role) ? role : null;
        validator.RuleFor(c => c.Role).NotEmpty().Must(r => Codes.TryParse<Role>(r, out _)).WithMessage("role must be one of admin, manager, auditor, donor.");
        validator.RuleFor(c => c.ProgrammeIds).NotEmpty().When(c => RoleOf(c) is Role.Manager or Role.Auditor)
            .WithMessage("Managers and auditors are scoped to at least one programme.");
        validator.RuleFor(c => c.ProgrammeIds).Empty().When(c => RoleOf(c) is Role.Admin or Role.Donor)
            .WithMessage("Only managers and auditors are scoped to programmes.");
        validator.RuleFor(c => c.ProgrammeIds!.Count).LessThanOrEqualTo(500).When(c => c.ProgrammeIds is not null).OverridePropertyName("programmeIds");
        validator.RuleFor(c => c.DonorId).NotEmpty().When(c => RoleOf(c) == Role.Donor).WithMessage("A donor needs the donorId of their donor record.");
        validator.RuleFor(c => c.DonorId).Null().When(c => RoleOf(c) != Role.Donor).WithMessage("Only donors have a donorId.");
    }
}
