using Aid.Application.Common;

namespace Aid.Application.Students;

internal static class StudentAccess
{
    /// <summary>Staff: students of their programmes. Donors: only students they sponsor (others read as not found).</summary>
    public static async Task<bool> CanSeeAsync(IDbSession db, AccessScope scope, StudentRow student, CancellationToken ct)
    {
        if (scope.Actor is { Role: Roles.Donor } donor)
            return donor.DonorId is { } donorId && await db.QuerySingleOrDefaultAsync<int?>(
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM sponsorships WHERE student_id = @studentId AND donor_id = @donorId)", new { studentId = student.Id, donorId }, ct) is not null;
        return scope.CanSeeProgramme(student.ProgrammeId);
    }
}
