using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>
/// A new API key: <c>admin</c> (everything), <c>manager</c> or <c>auditor</c> (scoped to programmes), or <c>donor</c>
/// (its own donor record, gifts, receipts and statements). The key itself is returned once.
/// </summary>
public sealed record CreateApiKeyRequest : IApiRequest
{
    /// <summary>Who or what uses the key, for the list of keys and the audit trail (at most 200 characters).</summary>
    /// <example>项目经理（镇坪）</example>
    public string? Name { get; init; }

    /// <summary><c>admin</c>, <c>manager</c>, <c>auditor</c> or <c>donor</c>.</summary>
    /// <example>manager</example>
    [Codes(typeof(Aid.Application.ApiKeys.Role))]
    public string? Role { get; init; }

    /// <summary>Managers and auditors: the programmes the key may see (1–500); none for admin and donor keys.</summary>
    /// <example>["0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80"]</example>
    public IReadOnlyList<Guid>? ProgrammeIds { get; init; }

    /// <summary>Donor keys only: the donor the key belongs to.</summary>
    public Guid? DonorId { get; init; }

    public CreateApiKey ToCommand() => new(Name!, Codes.Parse<Role>(Role!), ProgrammeIds ?? [], DonorId);
}

internal sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator()
    {
        RuleFor(c => c.Name).NotEmpty().Text(200);
        RuleFor(c => c.Role).NotEmpty().Must(r => Codes.TryParse<Role>(r, out _)).WithMessage("role must be one of admin, manager, auditor, donor.");
        RuleFor(c => c.ProgrammeIds).NotEmpty().When(c => RoleOf(c) is Role.Manager or Role.Auditor)
            .WithMessage("Managers and auditors are scoped to at least one programme.");
        RuleFor(c => c.ProgrammeIds).Empty().When(c => RoleOf(c) is Role.Admin or Role.Donor)
            .WithMessage("Only managers and auditors are scoped to programmes.");
        RuleFor(c => c.ProgrammeIds!.Count).LessThanOrEqualTo(500).When(c => c.ProgrammeIds is not null).OverridePropertyName("programmeIds");
        RuleFor(c => c.DonorId).NotEmpty().When(c => RoleOf(c) == Role.Donor).WithMessage("A donor key needs the donorId it belongs to.");
        RuleFor(c => c.DonorId).Null().When(c => RoleOf(c) != Role.Donor).WithMessage("Only donor keys have a donorId.");
    }

    private static Role? RoleOf(CreateApiKeyRequest request) => Codes.TryParse<Role>(request.Role, out var role) ? role : null;
}
