using Aid.Application.Common;

namespace Aid.Application.DonorPortal;

/// <summary>
/// The donor portal's scope, from <see cref="AccessScope"/>: the signed-in donor's own donor record and nothing else. Every
/// portal query and command takes the donor id from here, never from the request, so no address can name another donor.
/// </summary>
internal static class MyDonor
{
    public static Guid Id(AccessScope scope) =>
        scope.Actor is { Role: Roles.Donor, DonorId: { } donorId } ? donorId : throw new NotFoundException("Donor", "me");
}
