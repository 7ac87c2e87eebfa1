using System.Globalization;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Programmes;
using Aid.Application.Students;

namespace Aid.Application.Batches;

internal sealed record PlannedLine(Guid StudentId, string StudentCode, string StudentName, string Grade, long AnnualAmount, long Amount);

internal sealed record BatchPlan(IReadOnlyList<PlannedLine> Lines, int AlreadyCovered)
{
    public long Total => Lines.Sum(l => l.Amount);
}

/// <summary>
/// Who a batch pays and how much: every active student of the school in the programme whose sponsorships cover the academic
/// year (2026-2027 → sponsorship years from ≤ 2026 ≤ to) and who has no live disbursement for that year and term. The year's
/// amount (see <see cref="BatchAmountBasis"/>) is split over the programme's terms by largest remainder; the line asks for
/// this term's part. Preview and create share it, so what was previewed is what is created.
/// </summary>
internal static class BatchPlanner
{
    /// <summary>The checked inputs: the year's first calendar year and the term's position (0-based) among <paramref name="terms"/>.</summary>
    public static (int Year, int TermIndex) Check(string academicYear, string term, string school, IReadOnlyList<string> terms)
    {
        if (!StudentRules.IsAcademicYear(academicYear))
            throw new InputException("academicYear", "academicYear is two consecutive years, e.g. \"2021-2022\".");
        var index = terms.ToList().IndexOf(term);
        if (index < 0)
            throw new InputException("term", $"The programme's terms are {string.Join(", ", terms)}; choose one of them.");
        if (string.IsNullOrWhiteSpace(school))
            throw new InputException("school", "Choose a school.");
        return (int.Parse(academicYear.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture), index);
    }

    public static async Task<BatchPlan> PlanAsync(IDbSession db, ProgrammeRow programme, string academicYear, string term, string school,
        BatchAmountBasis basis, IReadOnlyList<string> terms, CancellationToken ct)
    {
        var (year, termIndex) = Check(academicYear, term, school, terms);
        var sponsored = await db.QueryAsync<Sponsored>("""
            SELECT s.id AS StudentId, s.code AS StudentCode, s.name AS StudentName, s.grade AS Grade, CAST(SUM(sp.annual_amount) AS BIGINT) AS Annual
            FROM students s JOIN sponsorships sp ON sp.student_id = s.id
            WHERE s.programme_id = @programmeId AND s.school = @school AND s.status = 'active' AND sp.from_year <= @year AND sp.to_year >= @year
            GROUP BY s.id, s.code, s.name, s.grade
            """, new { programmeId = programme.Id, school, year }, ct);
        var covered = (await db.QueryAsync<Guid>("""
            SELECT d.student_id FROM disbursements d JOIN students s ON s.id = d.student_id
            WHERE d.programme_id = @programmeId AND s.school = @school AND d.academic_year = @academicYear AND d.term = @term
              AND d.status <> 'rejected' AND d.status <> 'reversed'
            """, new { programmeId = programme.Id, school, academicYear, term }, ct)).ToHashSet();

        var lines = new List<PlannedLine>();
        foreach (var student in sponsored.OrderBy(s => s.StudentCode, StringComparer.Ordinal))
        {
            if (covered.Contains(student.StudentId)) continue;
            var annual = basis == BatchAmountBasis.AnnualStandard ? programme.AnnualStandard : student.Annual;
            var amount = Allocation.Split(annual, terms.Count)[termIndex];
            if (amount > 0) lines.Add(new PlannedLine(student.StudentId, student.StudentCode, student.StudentName, student.Grade, annual, amount));
        }
        return new BatchPlan(lines, sponsored.Count(s => covered.Contains(s.StudentId)));
    }

    /// <summary>Cash held less what approved, unpaid disbursements have committed: what approving can still promise.</summary>
    public static async Task<(long Available, long Cash, long Committed)> AvailableAsync(IDbSession db, Guid programmeId, CancellationToken ct)
    {
        var cash = await ProgrammeFunds.CashAsync(db, programmeId, ct);
        var committed = await ProgrammeFunds.CommittedAsync(db, programmeId, null, ct);
        return (cash - committed, cash, committed);
    }

    public static Task<Guid?> ExistingAsync(IDbSession db, Guid programmeId, string academicYear, string term, string school, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Guid?>("""
            SELECT id FROM disbursement_batches
            WHERE programme_id = @programmeId AND academic_year = @academicYear AND term = @term AND school = @school
            """, new { programmeId, academicYear, term, school }, ct);

    private sealed class Sponsored
    {
        public required Guid StudentId { get; init; }
        public required string StudentCode { get; init; }
        public required string StudentName { get; init; }
        public required string Grade { get; init; }
        public required long Annual { get; init; }
    }
}
