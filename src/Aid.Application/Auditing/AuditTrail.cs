using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>One record of the audit trail as the API shows it.</summary>
public sealed record AuditRecord
{
    public required long Sequence { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? Entity { get; init; }
    public string? EntityId { get; init; }
    public Guid? ProgrammeId { get; init; }
    public required string Summary { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
}

/// <summary>One row of the audit_log table as stored.</summary>
internal sealed class AuditRecordRow
{
    public required long Sequence { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? Entity { get; init; }
    public string? EntityId { get; init; }
    public Guid? ProgrammeId { get; init; }
    public required string Summary { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }

    public AuditRecord ToView() => new()
    {
        Sequence = Sequence, OccurredAt = OccurredAt, Actor = Actor, Action = Action, Entity = Entity, EntityId = EntityId,
        ProgrammeId = ProgrammeId, Summary = Summary, PreviousHash = PreviousHash, Hash = Hash,
    };
}

/// <summary>The hash chain: each record's SHA-256 covers the previous hash and every field of the record.</summary>
public static class AuditHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(string previousHash, long sequence, DateTimeOffset occurredAt, string actor, string action,
        string? entity, string? entityId, Guid? programmeId, string summary)
    {
        // A JSON array is an unambiguous encoding: no field can imitate a separator.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(previousHash);
            writer.WriteNumberValue(sequence);
            writer.WriteStringValue(occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteStringValue(actor);
            writer.WriteStringValue(action);
            writer.WriteStringValue(entity);
            writer.WriteStringValue(entityId);
            writer.WriteStringValue(programmeId?.ToString());
            writer.WriteStringValue(summary);
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    internal static string Compute(AuditRecordRow r) =>
        Compute(r.PreviousHash, r.Sequence, r.OccurredAt, r.Actor, r.Action, r.Entity, r.EntityId, r.ProgrammeId, r.Summary);
}

/// <summary>Appends to the chain. Only ever INSERTs: no code path updates or deletes audit rows.</summary>
public sealed class AuditTrail(IDbSession db, AccessScope scope, BusinessClock clock)
{
    internal async Task AppendAsync(string action, AuditEntry entry, CancellationToken ct)
    {
        if (db.Dialect.AuditChainLock is { } chainLock)
            await db.ExecuteAsync(chainLock, null, ct);

        var head = await db.QuerySingleOrDefaultAsync<ChainHead>(HeadSql(db.Dialect), null, ct);
        var sequence = (head?.Sequence ?? 0) + 1;
        var previousHash = head?.Hash ?? AuditHash.Genesis;
        var occurredAt = clock.UtcNow();
        var actor = scope.AuditActor;
        var hash = AuditHash.Compute(previousHash, sequence, occurredAt, actor, action, entry.Entity, entry.EntityId, entry.ProgrammeId, entry.Summary);

        await db.ExecuteAsync(InsertSql, new
        {
            sequence, occurredAt, actor, action, entity = entry.Entity, entityId = entry.EntityId,
            programmeId = entry.ProgrammeId, summary = entry.Summary, previousHash, hash,
        }, ct);
    }

    internal static string HeadSql(ISqlDialect dialect) =>
        $"SELECT sequence AS Sequence, hash AS Hash FROM audit_log ORDER BY sequence DESC {dialect.Limit("1")}";

    private const string InsertSql = """
        INSERT INTO audit_log (sequence, occurred_at, actor, action, entity, entity_id, programme_id, summary, previous_hash, hash)
        VALUES (@sequence, @occurredAt, @actor, @action, @entity, @entityId, @programmeId, @summary, @previousHash, @hash)
        """;

    internal sealed class ChainHead
    {
        public required long Sequence { get; init; }
        public required string Hash { get; init; }
    }
}
