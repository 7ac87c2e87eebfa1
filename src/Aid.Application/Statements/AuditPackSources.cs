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
            ["sequence", "occurredAt", "actor", "action", "entity", "entityId", "programmeId", "summary", "rowDigests", "previousHash", "hash", "chain", "position", "chainHash"], [],
            () => Rows(p)));
    }

    private async IAsyncEnumerable<StatementCell[]> Rows(object p)
    {
        await foreach (var r in db.StreamAsync<Auditing.AuditRecordRow>($"""
            SELECT {Auditing.AuditRecordRow.Columns} FROM {Auditing.AuditRecordRow.From}
            WHERE a.programme_id = @programmeId AND a.occurred_at >= @from AND a.occurred_at < @to ORDER BY a.sequence
            """, p, default))
            yield return
            [
                r.Sequence.ToString(), Auditing.AuditHash.Instant(r.OccurredAt), r.Actor, r.Action, r.Entity, r.EntityId,
                r.ProgrammeId?.ToString(), r.Summary, r.RowDigests, r.PreviousHash, r.Hash, r.Chain, r.Position?.ToString(), r.ChainHash,
            ];
    }
}

/// <summary>The receipts of a programme issued in a year, in number order, streamed as their snapshots.</summary>
/// <summary>The year's receipts of a programme for the audit pack: copies, and void ones marked void.</summary>
public sealed record GetProgrammeReceiptContents(Guid ProgrammeId, int Year) : IQuery<Func<IAsyncEnumerable<StoredReceipt>>?>;

internal sealed class GetProgrammeReceiptContentsHandler(IDbSession db, AccessScope scope, BusinessClock clock)
    : IQueryHandler<GetProgrammeReceiptContents, Func<IAsyncEnumerable<StoredReceipt>>?>
{
    public ValueTask<Func<IAsyncEnumerable<StoredReceipt>>?> Handle(GetProgrammeReceiptContents query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return ValueTask.FromResult<Func<IAsyncEnumerable<StoredReceipt>>?>(null);
        var p = new { programmeId = query.ProgrammeId, from = new DateOnly(query.Year, 1, 1), to = new DateOnly(query.Year, 12, 31) };
        return ValueTask.FromResult<Func<IAsyncEnumerable<StoredReceipt>>?>(() => StoredReceipt.StreamAsync(db,
            "programme_id = @programmeId AND issued_on >= @from AND issued_on <= @to", p, clock.Zone));
    }
}

/// <summary>What the offline check of an audit pack needs (docs/AUDIT-CHAIN.md): the year's records of the programme (the organisation
/// chain's records name keys and other programmes' donors: a programme's reader gets only their hashes, in the seals), every seal of
/// the programme's chain and of the organisation chain, their checkpoints, and the public keys.</summary>
public sealed record AuditPackChain(
    Func<IAsyncEnumerable<Auditing.AuditRecord>> Records, Func<IAsyncEnumerable<Auditing.AuditSeal>> Seals,
    IReadOnlyList<Auditing.AuditCheckpoint> Checkpoints, IReadOnlyList<(string KeyId, string Pem)> PublicKeys);

public sealed record GetAuditPackChain(Guid ProgrammeId, int Year) : IQuery<AuditPackChain?>;

internal sealed class GetAuditPackChainHandler(IDbSession db, AccessScope scope, Auditing.AuditCheckpoints checkpoints, Auditing.AuditSigningKeys keys)
    : IQueryHandler<GetAuditPackChain, AuditPackChain?>
{
    public async ValueTask<AuditPackChain?> Handle(GetAuditPackChain query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var chains = new[] { Auditing.AuditChains.Of(query.ProgrammeId), Auditing.AuditChains.Organisation };
        var p = new
        {
            programmeId = query.ProgrammeId, programmeChain = chains[0], organisationChain = chains[1],
            from = new DateTimeOffset(query.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
            to = new DateTimeOffset(query.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        var signed = (await checkpoints.StoredAsync(ct)).Where(c => chains.Contains(c.Chain)).ToList();
        return new AuditPackChain(() => Records(p), () => Seals(p), signed, keys.PublicKeys.ToList());
    }

    private async IAsyncEnumerable<Auditing.AuditRecord> Records(object p)
    {
        await foreach (var r in db.StreamAsync<Auditing.AuditRecordRow>($"""
            SELECT {Auditing.AuditRecordRow.Columns} FROM {Auditing.AuditRecordRow.From}
            WHERE a.programme_id = @programmeId AND a.occurred_at >= @from AND a.occurred_at < @to ORDER BY a.sequence
            """, p, default))
            yield return r.ToView();
    }

    private IAsyncEnumerable<Auditing.AuditSeal> Seals(object p) => db.StreamAsync<Auditing.AuditSeal>("""
        SELECT chain AS Chain, position AS Position, record_sequence AS RecordSequence, record_hash AS RecordHash, previous_hash AS PreviousHash, hash AS Hash
        FROM audit_seals WHERE chain IN (@programmeChain, @organisationChain) ORDER BY chain, position
        """, p, default);
}
