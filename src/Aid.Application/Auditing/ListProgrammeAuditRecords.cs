using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Auditing;

/// <summary>
/// One programme's audit records of a year (UTC, as the audit pack's export), oldest first, paged by sequence: the programme's
/// own chain, what an auditor of the programme may read (the organisation chain names other programmes' donors and keys).
/// Null when the programme is not in the caller's scope.
/// </summary>
public sealed record ListProgrammeAuditRecords(Guid ProgrammeId, int Year, int? Limit, string? Cursor) : IQuery<Page<AuditRecord>?>, IPagedQuery;

public sealed class ListProgrammeAuditRecordsValidator : AbstractValidator<ListProgrammeAuditRecords>
{
    public ListProgrammeAuditRecordsValidator()
    {
        this.AddPagingRules(sequenceCursor: true);
        RuleFor(q => q.Year).InclusiveBetween(2000, 2100).OverridePropertyName("year");
    }
}

internal sealed class ListProgrammeAuditRecordsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListProgrammeAuditRecords, Page<AuditRecord>?>
{
    public async ValueTask<Page<AuditRecord>?> Handle(ListProgrammeAuditRecords query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var limit = query.Limit ?? Cursor.DefaultLimit;
        SequenceCursor.TryDecode(query.Cursor, out var after);
        var rows = await new KeysetQuery($"SELECT {AuditRecordRow.Columns} FROM {AuditRecordRow.From}", "a.sequence")
            .Where("a.programme_id = @programmeId AND a.occurred_at >= @from AND a.occurred_at < @to")
            .Parameters(new
            {
                programmeId = query.ProgrammeId,
                from = new DateTimeOffset(query.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
                to = new DateTimeOffset(query.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero),
            })
            .ReadAsync<AuditRecordRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => SequenceCursor.Encode(r.Sequence));
        return new Page<AuditRecord>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }
}

/// <summary>
/// One audit record by its sequence number, when the caller may read it: a record of a programme in their scope (an admin: any
/// record, the organisation chain's too). Null otherwise, so a broken record elsewhere is only named by its number.
/// </summary>
public sealed record GetAuditRecord(long Sequence) : IQuery<AuditRecord?>;

internal sealed class GetAuditRecordHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetAuditRecord, AuditRecord?>
{
    public async ValueTask<AuditRecord?> Handle(GetAuditRecord query, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<AuditRecordRow>(
            $"SELECT {AuditRecordRow.Columns} FROM {AuditRecordRow.From} WHERE a.sequence = @sequence", new { sequence = query.Sequence }, ct);
        if (row is null) return null;
        var visible = row.ProgrammeId is { } programme ? scope.CanSeeProgramme(programme) : scope.ProgrammeFilter is null;
        return visible ? row.ToView() : null;
    }
}
