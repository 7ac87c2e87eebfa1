using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Auditing;

/// <summary>What a person opened or downloaded in the auditor area (/audit).</summary>
public enum AuditorAccess
{
    Programme,
    Trail,
    Receipts,
    Exceptions,
    StatementPdf,
    StatementCsv,
    StatementXlsx,
    AuditPack,
}

/// <summary>
/// Everything an auditor opens or downloads is itself written to the audit trail: who (the record's actor), what (a code such as
/// <c>statement-pdf</c>), which year, when (the record's time). One record on the programme's chain, entity <c>programme</c>. The
/// summary names the page or file only, never anything it showed (no donor or student data).
/// </summary>
public sealed record RecordAuditorAccess(Guid ProgrammeId, AuditorAccess What, int? Year) : ICommand<Unit>;

public sealed class RecordAuditorAccessValidator : AbstractValidator<RecordAuditorAccess>
{
    public RecordAuditorAccessValidator()
    {
        RuleFor(c => c.What).IsInEnum().OverridePropertyName("what");
        RuleFor(c => c.Year!.Value).InclusiveBetween(2000, 2100).OverridePropertyName("year").When(c => c.Year is not null);
    }
}

internal sealed class RecordAuditorAccessHandler(IDbSession db, AccessScope scope, AuditRecorder audit) : ICommandHandler<RecordAuditorAccess, Unit>
{
    public async ValueTask<Unit> Handle(RecordAuditorAccess command, CancellationToken ct)
    {
        // Donors see no programme (their scope is empty): they get the same answer as for a programme that does not exist.
        if (!scope.CanSeeProgramme(command.ProgrammeId)
            || await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM programmes WHERE id = @id", new { id = command.ProgrammeId }, ct) is null)
            throw new NotFoundException("Programme", command.ProgrammeId);
        audit.Describe("programme", command.ProgrammeId, command.ProgrammeId, new { opened = Code(command.What), year = command.Year });
        return Unit.Value;
    }

    public static string Code(AuditorAccess what) => what switch
    {
        AuditorAccess.Programme => "programme",
        AuditorAccess.Trail => "audit-trail",
        AuditorAccess.Receipts => "receipt-numbers",
        AuditorAccess.Exceptions => "exceptions",
        AuditorAccess.StatementPdf => "statement-pdf",
        AuditorAccess.StatementCsv => "statement-csv-zip",
        AuditorAccess.StatementXlsx => "statement-xlsx",
        AuditorAccess.AuditPack => "audit-pack",
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };
}

/// <summary>
/// The years an auditor may ask a programme's statement for: from its first activity (the first ledger entry or gift; the year
/// it was created when it has none) to this year. Null when the programme is not in the caller's scope.
/// </summary>
public sealed record GetProgrammeYears(Guid ProgrammeId) : IQuery<ProgrammeYears?>;

public sealed record ProgrammeYears(int First, int Last)
{
    /// <summary>Newest first.</summary>
    public IReadOnlyList<int> Descending => First > Last ? [Last] : Enumerable.Range(First, Last - First + 1).Reverse().ToList();

    public bool Contains(int year) => year >= Math.Min(First, Last) && year <= Last;
}

internal sealed class GetProgrammeYearsHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<GetProgrammeYears, ProgrammeYears?>
{
    public async ValueTask<ProgrammeYears?> Handle(GetProgrammeYears query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var row = await db.QuerySingleOrDefaultAsync<YearsRow>("""
            SELECT p.created_at AS CreatedAt,
                   (SELECT MIN(e.entry_date) FROM journal_entries e WHERE e.programme_id = p.id) AS FirstEntry,
                   (SELECT MIN(g.received_on) FROM gifts g WHERE g.programme_id = p.id) AS FirstGift
            FROM programmes p WHERE p.id = @id
            """, new { id = query.ProgrammeId }, ct);
        if (row is null) return null;
        var today = clock.Today().Year;
        var created = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(row.CreatedAt, clock.Zone).DateTime).Year;
        var first = new[] { row.FirstEntry?.Year, row.FirstGift?.Year }.Where(y => y is not null).Select(y => y!.Value).DefaultIfEmpty(created).Min();
        return new ProgrammeYears(Math.Max(2000, Math.Min(first, today)), today);
    }

    private sealed class YearsRow
    {
        public required DateTimeOffset CreatedAt { get; init; }
        public DateOnly? FirstEntry { get; init; }
        public DateOnly? FirstGift { get; init; }
    }
}
