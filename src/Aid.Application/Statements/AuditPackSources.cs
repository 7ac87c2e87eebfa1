using System.Runtime.CompilerServices;
using Aid.Application.Common;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Application.Statements;

/// <summary>The audit-trail records of a year (of one programme), streamed as the rows of the audit pack's trail CSV (<see cref="Columns"/>).</summary>
public sealed record GetAuditTrailExport(Guid ProgrammeId, int Year) : IStreamQuery<StatementCell[]>
{
    public static IReadOnlyList<string> Columns { get; } =
        ["sequence", "occurredAt", "actor", "action", "entity", "entityId", "programmeId", "summary", "rowDigests", "previousHash", "hash", "chain", "position", "chainHash"];
}

internal sealed class GetAuditTrailExportHandler(IDbSession db, AccessScope scope) : IStreamQueryHandler<GetAuditTrailExport, StatementCell[]>
{
    public async IAsyncEnumerable<StatementCell[]> Handle(GetAuditTrailExport query, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) throw new NotFoundException("Programme", query.ProgrammeId);
        var p = new
        {
            programmeId = query.ProgrammeId,
            from = new DateTimeOffset(query.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
            to = new DateTimeOffset(query.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        await foreach (var r in db.StreamAsync<Auditing.AuditRecordRow>($"""
            SELECT {Auditing.AuditRecordRow.Columns} FROM {Auditing.AuditRecordRow.From}
            WHERE a.programme_id = @programmeId AND a.occurred_at >= @from AND a.occurred_at < @to ORDER BY a.sequence
            """, p, ct))
            yield return
            [
                r.Sequence.ToString(), Auditing.AuditHash.Instant(r.OccurredAt), r.Actor, r.Action, r.Entity, r.EntityId,
                r.ProgrammeId?.ToString(), r.Summary, r.RowDigests, r.PreviousHash, r.Hash, r.Chain, r.Position?.ToString(), r.ChainHash,
            ];
    }
}

/// <summary>The year's receipts of a programme for the audit pack, in number order, as their snapshots: copies, and void ones marked void.</summary>
public sealed record GetProgrammeReceiptContents(Guid ProgrammeId, int Year) : IStreamQuery<StoredReceipt>;

internal sealed class GetProgrammeReceiptContentsHandler(IDbSession db, AccessScope scope, BusinessClock clock)
    : IStreamQueryHandler<GetProgrammeReceiptContents, StoredReceipt>
{
    public async IAsyncEnumerable<StoredReceipt> Handle(GetProgrammeReceiptContents query, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) throw new NotFoundException("Programme", query.ProgrammeId);
        var p = new { programmeId = query.ProgrammeId, from = new DateOnly(query.Year, 1, 1), to = new DateOnly(query.Year, 12, 31) };
        await foreach (var receipt in StoredReceipt.StreamAsync(db, "programme_id = @programmeId AND issued_on >= @from AND issued_on <= @to", p, clock.Zone)
                           .WithCancellation(ct))
            yield return receipt;
    }
}

/// <summary>What the offline check of an audit pack needs (docs/AUDIT-CHAIN.md) besides the records and seals (<see cref="GetAuditPackRecords"/>,
/// <see cref="GetAuditPackSeals"/>): the signed checkpoints of the programme's chain and of the organisation chain, and the public keys.</summary>
public sealed record AuditPackChain(IReadOnlyList<Auditing.AuditCheckpoint> Checkpoints, IReadOnlyList<(string KeyId, string Pem)> PublicKeys);

public sealed record GetAuditPackChain(Guid ProgrammeId, int Year) : IQuery<AuditPackChain?>;

internal sealed class GetAuditPackChainHandler(AccessScope scope, Auditing.AuditCheckpoints checkpoints, Auditing.AuditSigningKeys keys)
    : IQueryHandler<GetAuditPackChain, AuditPackChain?>
{
    public async ValueTask<AuditPackChain?> Handle(GetAuditPackChain query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var chains = new[] { Auditing.AuditChains.Of(query.ProgrammeId), Auditing.AuditChains.Organisation };
        var signed = (await checkpoints.StoredAsync(ct)).Where(c => chains.Contains(c.Chain)).ToList();
        return new AuditPackChain(signed, keys.PublicKeys.ToList());
    }
}

/// <summary>The year's records of the programme (the organisation chain's records name keys and other programmes' donors: a programme's
/// reader gets only their hashes, in the seals).</summary>
public sealed record GetAuditPackRecords(Guid ProgrammeId, int Year) : IStreamQuery<Auditing.AuditRecord>;

internal sealed class GetAuditPackRecordsHandler(IDbSession db, AccessScope scope) : IStreamQueryHandler<GetAuditPackRecords, Auditing.AuditRecord>
{
    public async IAsyncEnumerable<Auditing.AuditRecord> Handle(GetAuditPackRecords query, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) throw new NotFoundException("Programme", query.ProgrammeId);
        var p = new
        {
            programmeId = query.ProgrammeId,
            from = new DateTimeOffset(query.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
            to = new DateTimeOffset(query.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        await foreach (var r in db.StreamAsync<Auditing.AuditRecordRow>($"""
            SELECT {Auditing.AuditRecordRow.Columns} FROM {Auditing.AuditRecordRow.From}
            WHERE a.programme_id = @programmeId AND a.occurred_at >= @from AND a.occurred_at < @to ORDER BY a.sequence
            """, p, ct))
            yield return r.ToView();
    }
}

/// <summary>Every seal of the programme's chain and of the organisation chain, in chain and position order.</summary>
public sealed record GetAuditPackSeals(Guid ProgrammeId) : IStreamQuery<Auditing.AuditSeal>;

internal sealed class GetAuditPackSealsHandler(IDbSession db, AccessScope scope) : IStreamQueryHandler<GetAuditPackSeals, Auditing.AuditSeal>
{
    public IAsyncEnumerable<Auditing.AuditSeal> Handle(GetAuditPackSeals query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) throw new NotFoundException("Programme", query.ProgrammeId);
        return db.StreamAsync<Auditing.AuditSeal>("""
            SELECT chain AS Chain, position AS Position, record_sequence AS RecordSequence, record_hash AS RecordHash, previous_hash AS PreviousHash, hash AS Hash
            FROM audit_seals WHERE chain IN (@programmeChain, @organisationChain) ORDER BY chain, position
            """, new { programmeChain = Auditing.AuditChains.Of(query.ProgrammeId), organisationChain = Auditing.AuditChains.Organisation }, ct);
    }
}
