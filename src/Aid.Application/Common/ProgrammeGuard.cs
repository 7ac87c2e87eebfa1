using Aid.Application.Programmes;

namespace Aid.Application.Common;

/// <summary>Loads the programme a money command writes to: in scope, open, and locked against concurrent writers.</summary>
internal static class ProgrammeGuard
{
    /// <summary>
    /// The programme row, locked until commit on PostgreSQL (SQLite's single writer already serialises),
    /// so that checks against its gifts, pledges and balance cannot race. Out of scope reads as not found.
    /// </summary>
    public static async Task<ProgrammeRow> LockOpenAsync(IDbSession db, AccessScope scope, Guid programmeId, CancellationToken ct)
    {
        scope.EnsureProgramme(programmeId);
        var programme = await ProgrammeRow.FindAsync(db, programmeId, ct, forUpdate: true)
            ?? throw new NotFoundException("Programme", programmeId);
        if (programme.Status == ProgrammeStatus.Closed)
            throw new ConflictException($"Programme {programme.Code} is closed.");
        return programme;
    }

    /// <summary>
    /// Like <see cref="LockOpenAsync"/> but shared: many gifts and pledges may be recorded at once (they check no
    /// programme-wide balance), while a status change or a disbursement, which lock exclusively, waits for them.
    /// </summary>
    public static async Task<ProgrammeRow> ShareOpenAsync(IDbSession db, AccessScope scope, Guid programmeId, CancellationToken ct)
    {
        scope.EnsureProgramme(programmeId);
        var programme = await ProgrammeRow.FindAsync(db, programmeId, ct, forShare: true)
            ?? throw new NotFoundException("Programme", programmeId);
        if (programme.Status == ProgrammeStatus.Closed)
            throw new ConflictException($"Programme {programme.Code} is closed.");
        return programme;
    }

    public static async Task EnsureDonorExistsAsync(IDbSession db, Guid donorId, CancellationToken ct)
    {
        if (await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM donors WHERE id = @donorId", new { donorId }, ct) is null)
            throw new InputException("donorId", $"Unknown donor {donorId}.");
    }

    public static void EnsureCurrency(string? requested, ProgrammeRow programme)
    {
        if (requested is not null && requested != programme.Currency)
            throw new InputException("currency", $"Programme {programme.Code} is kept in {programme.Currency}.");
    }

    /// <summary>
    /// Money is received or paid for a programme around its life only. The slack is one year either side of the start and
    /// end dates: gifts arrive before a campaign opens and the last payments or late gifts after it ends; anything further
    /// out is a wrong date (it would also fall outside every statement of the programme's years).
    /// </summary>
    public const int DateSlackYears = 1;

    /// <summary>The dates a programme accepts: its own with one year's slack either side.</summary>
    public static (DateOnly Earliest, DateOnly Latest) SpanOf(ProgrammeRow programme) =>
        (programme.StartDate.Year > DateSlackYears ? programme.StartDate.AddYears(-DateSlackYears) : DateOnly.MinValue,
         programme.EndDate.Year <= DateOnly.MaxValue.Year - DateSlackYears ? programme.EndDate.AddYears(DateSlackYears) : DateOnly.MaxValue);

    public static void EnsureWithinSpan(ProgrammeRow programme, DateOnly date, string field)
    {
        var (earliest, latest) = SpanOf(programme);
        if (date >= earliest && date <= latest) return;
        throw new ConflictException(
            $"{field} {date:yyyy-MM-dd} is outside programme {programme.Code} ({programme.StartDate:yyyy-MM-dd} to {programme.EndDate:yyyy-MM-dd}): " +
            $"it must be between {earliest:yyyy-MM-dd} and {latest:yyyy-MM-dd} (the programme's dates with one year's slack either side).",
            new Dictionary<string, object?>
            {
                ["programmeStartDate"] = programme.StartDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["programmeEndDate"] = programme.EndDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            });
    }
}
