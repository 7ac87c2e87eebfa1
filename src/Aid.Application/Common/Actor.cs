namespace Aid.Application.Common;

public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Auditor = "auditor";
    public const string Donor = "donor";

    public static readonly IReadOnlyList<string> All = [Admin, Manager, Auditor, Donor];
}

/// <summary>
/// Who is calling: a person (<paramref name="UserId"/>) with the role and scope of their account, through one of their API
/// keys (<paramref name="KeyId"/>) or a signed-in page session (no key).
/// </summary>
public sealed record Actor(Guid? KeyId, Guid UserId, string Role, IReadOnlyList<Guid> ProgrammeIds, Guid? DonorId)
{
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>
    /// How the audit trail, requested_by/decided_by and idempotency owners name the caller: the key id as always, or
    /// "user:&lt;id&gt;" for a page session. <see cref="People.UserOfAsync"/> maps either back to the person.
    /// </summary>
    public string AuditName => KeyId is { } key ? key.ToString() : People.SessionPrefix + UserId;
}

/// <summary>The caller of the current request; null for the system itself (start-up, seeding).</summary>
public interface ICurrentActor
{
    Actor? Actor { get; }
}

/// <summary>
/// The single place where programme and donor scope is decided. Out-of-scope reads as not found,
/// so a caller never learns that a programme it may not see exists.
/// </summary>
public sealed class AccessScope(ICurrentActor current)
{
    public Actor? Actor => current.Actor;

    /// <summary>Programme ids the caller is limited to, or null for no limit (admin, system).</summary>
    public IReadOnlyList<Guid>? ProgrammeFilter =>
        current.Actor is { IsAdmin: false } actor ? actor.Role == Roles.Donor ? [] : actor.ProgrammeIds : null;

    public bool CanSeeProgramme(Guid programmeId) =>
        ProgrammeFilter is not { } filter || filter.Contains(programmeId);

    public void EnsureProgramme(Guid programmeId)
    {
        if (!CanSeeProgramme(programmeId))
            throw new NotFoundException("Programme", programmeId);
    }

    /// <summary>Donor records: staff see all donors of the organisation; a donor key sees only its own record.</summary>
    public bool CanSeeDonor(Guid donorId) =>
        current.Actor is not { Role: Roles.Donor } actor || actor.DonorId == donorId;

    public void EnsureDonor(Guid donorId)
    {
        if (!CanSeeDonor(donorId))
            throw new NotFoundException("Donor", donorId);
    }

    public string AuditActor => current.Actor?.AuditName ?? "system";
}
