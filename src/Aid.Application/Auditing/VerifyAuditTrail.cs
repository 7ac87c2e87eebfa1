using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Auditing;

/// <summary>Recomputes the whole chain and names the first record that does not fit.</summary>
public sealed record VerifyAuditTrail : IQuery<AuditVerification>;

public sealed record AuditVerification(bool Valid, long Records, string HeadHash, long? FirstBrokenSequence, string? Problem);

internal sealed class VerifyAuditTrailHandler(IDbSession db) : IQueryHandler<VerifyAuditTrail, AuditVerification>
{
    public async ValueTask<AuditVerification> Handle(VerifyAuditTrail query, CancellationToken ct)
    {
        var expectedPrevious = AuditHash.Genesis;
        long expectedSequence = 1, count = 0;
        await foreach (var record in db.StreamAsync<AuditRecordRow>(AllSql, null, ct))
        {
            string? problem = null;
            if (record.Sequence != expectedSequence)
                problem = $"sequence {record.Sequence} found where {expectedSequence} was expected (a record is missing)";
            else if (record.PreviousHash != expectedPrevious)
                problem = "its previous hash does not match the hash of the record before it";
            else if (AuditHash.Compute(record) != record.Hash)
                problem = "its content does not match its hash (the record was changed)";
            if (problem is not null)
                return new AuditVerification(false, count, expectedPrevious, record.Sequence, $"Record {record.Sequence}: {problem}.");

            expectedPrevious = record.Hash;
            expectedSequence++;
            count++;
        }
        return new AuditVerification(true, count, expectedPrevious, null, null);
    }

    private const string AllSql = """
        SELECT sequence AS Sequence, occurred_at AS OccurredAt, actor AS Actor, action AS Action, entity AS Entity,
               entity_id AS EntityId, programme_id AS ProgrammeId, summary AS Summary, previous_hash AS PreviousHash, hash AS Hash
        FROM audit_log ORDER BY sequence
        """;
}
