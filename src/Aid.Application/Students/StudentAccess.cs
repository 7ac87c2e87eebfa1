using Aid.Application.Common;

namespace Aid.Application.Students;

internal static class StudentAccess
{
    /// <summary>Staff: students of their programmes. Donors: only students they sponsor (others read as not found).</summary>
    public static async Task<bool> CanSeeAsync(IDbSession db, AccessScope scope, StudentRow student, CancellationToken ct)
    {
        if (scope.Actor is { Role: Roles.Donor } donor)
            return donor.DonorId is { } donorId && await db.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT id FROM sponsorships WHERE student_id = @studentId AND donor_id = @donorId LIMIT 1", new { studentId = student.Id, donorId }, ct) is not null;
        return scope.CanSeeProgramme(student.ProgrammeId);
    }
}
