using Aid.Application.Common;
using Aid.Application.Disbursements;

namespace Aid.Application.Batches;

/// <summary>
/// What a batch line asks for a year. <see cref="Sponsorship"/> (the default): the sum of the annual amounts of the student's
/// sponsorships covering that academic year (several donors may share a student; together they never exceed the programme's
/// annual standard). <see cref="AnnualStandard"/>: the programme's annual standard for every sponsored student.
/// Codes: <c>sponsorship</c>, <c>annual_standard</c>.
/// </summary>
public enum BatchAmountBasis { Sponsorship, AnnualStandard }

public sealed record BatchPreviewLine(Guid StudentId, string StudentCode, string StudentName, string Grade, string AnnualAmount, string Amount);

/// <summary>
/// What <see cref="CreateBatch"/> would create now. <paramref name="Available"/> is the cash held less what approved,
/// unpaid disbursements have committed; <paramref name="AlreadyCovered"/> counts the sponsored students of the school left out
/// because they already have a live disbursement for the year and term; <paramref name="ExistingBatchId"/> is the batch
/// already made for this school, year and term (a second one is refused).
/// </summary>
public sealed record BatchPreview(
    Guid ProgrammeId, string AcademicYear, string Term, string School, IReadOnlyList<BatchPreviewLine> Lines, string Total,
    string Available, bool ExceedsAvailable, int AlreadyCovered, Guid? ExistingBatchId);

/// <summary>
/// A batch with its lines counted by status. <paramref name="Status"/> is derived: <c>requested</c> while any line waits for a
/// decision, else <c>approved</c> while any line waits for payment, else <c>paid</c> when any line was paid, else <c>rejected</c>.
/// <paramref name="Total"/> sums the lines that are not rejected or reversed.
/// </summary>
public sealed record BatchSummaryView(
    Guid Id, Guid ProgrammeId, string AcademicYear, string Term, string School, string Channel, DateOnly RequestedOn, DateTimeOffset CreatedAt,
    string CreatedBy, string Status, int Lines, int Requested, int Approved, int Paid, int Rejected, int Reversed, string Total);

/// <summary>One student's disbursement in a batch; reject it alone with <see cref="RejectDisbursement"/> on <paramref name="DisbursementId"/>.</summary>
public sealed record BatchLineView(
    Guid DisbursementId, Guid StudentId, string StudentCode, string StudentName, string School, string Grade, string Amount, string Status,
    string? RejectionReason, string? DecidedBy);

/// <summary>A batch, its lines (by student code) and, once lines were paid, their payout reference and date.</summary>
public sealed record BatchView(BatchSummaryView Summary, string ProgrammeName, IReadOnlyList<BatchLineView> Lines, string? PayoutReference, DateOnly? PaidOn);

/// <summary>A file to download: the CSV or the signature sheet of a batch.</summary>
public sealed record BatchFile(string FileName, string ContentType, byte[] Content);

internal sealed class BatchRow
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required string AcademicYear { get; init; }
    public required string Term { get; init; }
    public required string School { get; init; }
    public required string Channel { get; init; }
    public required DateOnly RequestedOn { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }

    public const string Select = """
        SELECT b.id AS Id, b.programme_id AS ProgrammeId, b.academic_year AS AcademicYear, b.term AS Term, b.school AS School,
               b.channel AS Channel, b.requested_on AS RequestedOn, b.created_at AS CreatedAt, b.created_by AS CreatedBy
        FROM disbursement_batches b
        """;

    public static Task<BatchRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<BatchRow>($"{Select} WHERE b.id = @id", new { id }, ct);

    public BatchSummaryView ToSummary(IEnumerable<LineRow> lines) =>
        ToSummary(lines.GroupBy(l => l.Status).Select(g => new StatusCount(g.Key, g.Count(), g.Sum(l => l.Amount))).ToList());

    public BatchSummaryView ToSummary(IReadOnlyCollection<StatusCount> counts)
    {
        int Count(DisbursementStatus status) => counts.Where(c => c.Status == status.Code()).Sum(c => c.Lines);
        var (requested, approved, paid) = (Count(DisbursementStatus.Requested), Count(DisbursementStatus.Approved), Count(DisbursementStatus.Paid));
        var status = requested > 0 ? "requested" : approved > 0 ? "approved" : paid > 0 ? "paid" : "rejected";
        var total = counts.Where(c => c.Status is not ("rejected" or "reversed")).Sum(c => c.Amount);
        return new BatchSummaryView(Id, ProgrammeId, AcademicYear, Term, School, Channel, RequestedOn, CreatedAt, CreatedBy, status, counts.Sum(c => c.Lines),
            requested, approved, paid, Count(DisbursementStatus.Rejected), Count(DisbursementStatus.Reversed), Money.Format(total));
    }
}

/// <summary>How many lines of a batch have a status, and their amount.</summary>
internal sealed record StatusCount(string Status, int Lines, long Amount);

/// <summary>A batch's disbursement with its student, as the batch views and files show it.</summary>
internal sealed class LineRow
{
    public required Guid DisbursementId { get; init; }
    public required Guid BatchId { get; init; }
    public required Guid StudentId { get; init; }
    public required string StudentCode { get; init; }
    public required string StudentName { get; init; }
    public required string School { get; init; }
    public required string Grade { get; init; }
    public required long Amount { get; init; }
    public required string Status { get; init; }
    public required string Purpose { get; init; }
    public string? RejectionReason { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public DateOnly? PaidOn { get; init; }
    public string? PayoutReference { get; init; }

    public DisbursementStatus State => Codes.Parse<DisbursementStatus>(Status);
    public bool IsLive => State is not (DisbursementStatus.Rejected or DisbursementStatus.Reversed);

    public const string Select = """
        SELECT d.id AS DisbursementId, d.batch_id AS BatchId, d.student_id AS StudentId, s.code AS StudentCode, s.name AS StudentName,
               s.school AS School, s.grade AS Grade, d.amount AS Amount, d.status AS Status, d.purpose AS Purpose,
               d.rejection_reason AS RejectionReason, d.decided_by AS DecidedBy, d.decided_at AS DecidedAt, d.paid_on AS PaidOn,
               d.payout_reference AS PayoutReference
        FROM disbursements d JOIN students s ON s.id = d.student_id
        """;

    /// <summary>The lines of one batch by student code (ordinal, the same on every engine).</summary>
    public static async Task<List<LineRow>> OfAsync(IDbSession db, Guid batchId, CancellationToken ct) =>
        (await db.QueryAsync<LineRow>($"{Select} WHERE d.batch_id = @batchId", new { batchId }, ct))
        .OrderBy(l => l.StudentCode, StringComparer.Ordinal).ThenBy(l => l.DisbursementId).ToList();

    public BatchLineView ToView() => new(DisbursementId, StudentId, StudentCode, StudentName, School, Grade, Money.Format(Amount), Status,
        RejectionReason, DecidedBy);
}

internal static class BatchViews
{
    public static BatchView ToView(BatchRow batch, string programmeName, IReadOnlyList<LineRow> lines)
    {
        var paid = lines.Where(l => l.PaidOn is not null).OrderByDescending(l => l.PaidOn).FirstOrDefault();
        return new BatchView(batch.ToSummary(lines), programmeName, lines.Select(l => l.ToView()).ToList(), paid?.PayoutReference, paid?.PaidOn);
    }

    public static async Task<BatchView> LoadAsync(IDbSession db, Guid batchId, CancellationToken ct)
    {
        var batch = (await BatchRow.FindAsync(db, batchId, ct))!;
        var name = await db.QuerySingleAsync<string>("SELECT name FROM programmes WHERE id = @id", new { id = batch.ProgrammeId }, ct);
        return ToView(batch, name, await LineRow.OfAsync(db, batchId, ct));
    }
}
