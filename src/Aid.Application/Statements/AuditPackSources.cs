using Aid.Application.Common;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Application.Statements;

/// <summary>The audit-trail records of a year (of one programme), as a register that streams.</summary>
public sealed record GetAuditTrailExport(Guid ProgrammeId, int Year) : IQuery<StatementRegister?>;

internal sealed class GetAuditTrailExportHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetAuditTrailExport, StatementRegister?>
{
    public ValueTask<StatementRegister?> Handle(GetAuditTrailExport query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return ValueTask.FromResult<StatementRegister?>(null);
        var p = new
        {
            programmeId = query.ProgrammeId,
            from = new DateTimeOffset(query.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
            to = new DateTimeOffset(query.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        return ValueTask.FromResult<StatementRegister?>(new StatementRegister("audit-trail", "审计记录 Audit trail",
            ["sequence", "occurredAt", "actor", "action", "entity", "entityId", "programmeId", "summary", "previousHash", "hash"], [],
            () => Rows(p)));
    }

    private async IAsyncEnumerable<StatementCell[]> Rows(object p)
    {
        await foreach (var r in db.StreamAsync<Auditing.AuditRecordRow>("""
            SELECT sequence AS Sequence, occurred_at AS OccurredAt, actor AS Actor, action AS Action, entity AS Entity, entity_id AS EntityId,
                   programme_id AS ProgrammeId, summary AS Summary, previous_hash AS PreviousHash, hash AS Hash
            FROM audit_log WHERE programme_id = @programmeId AND occurred_at >= @from AND occurred_at < @to ORDER BY sequence
            """, p, default))
            yield return
            [
                r.Sequence.ToString(), r.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"), r.Actor, r.Action, r.Entity, r.EntityId,
                r.ProgrammeId?.ToString(), r.Summary, r.PreviousHash, r.Hash,
            ];
    }
}

/// <summary>The receipts of a programme issued in a year, in number order, streamed as their snapshots.</summary>
public sealed record GetProgrammeReceiptContents(Guid ProgrammeId, int Year) : IQuery<Func<IAsyncEnumerable<ReceiptContent>>?>;

internal sealed class GetProgrammeReceiptContentsHandler(IDbSession db, AccessScope scope)
    : IQueryHandler<GetProgrammeReceiptContents, Func<IAsyncEnumerable<ReceiptContent>>?>
{
    public ValueTask<Func<IAsyncEnumerable<ReceiptContent>>?> Handle(GetProgrammeReceiptContents query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return ValueTask.FromResult<Func<IAsyncEnumerable<ReceiptContent>>?>(null);
        var p = new { programmeId = query.ProgrammeId, from = new DateOnly(query.Year, 1, 1), to = new DateOnly(query.Year, 12, 31) };
        return ValueTask.FromResult<Func<IAsyncEnumerable<ReceiptContent>>?>(() => Contents(p));
    }

    private async IAsyncEnumerable<ReceiptContent> Contents(object p)
    {
        await foreach (var json in db.StreamAsync<string>(
            "SELECT content FROM receipts WHERE programme_id = @programmeId AND issued_on >= @from AND issued_on <= @to ORDER BY year, sequence", p, default))
            yield return ReceiptContent.FromJson(json);
    }
}
