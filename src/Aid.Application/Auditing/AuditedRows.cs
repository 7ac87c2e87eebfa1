using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>
/// Checks one entity's money rows against the newest audit record that digested them, before something is printed from
/// them (a receipt from its gifts). The full check of everything is <see cref="AuditVerifier"/>.
/// </summary>
public sealed class AuditedRows(IDbSession db, AuditMac mac)
{
    /// <summary>Null when the entity's rows are exactly as its newest audit record digested them; else what disagrees.</summary>
    /// <param name="unknownIsFine">An entity with neither rows nor a record is no problem (the caller answers 404 for it).</param>
    public async Task<string?> ProblemAsync(string kind, Guid id, CancellationToken ct, bool unknownIsFine = false)
    {
        var entity = new EntityRef(kind, id);
        var sequence = await db.QuerySingleOrDefaultAsync<long?>(
            "SELECT MAX(record_sequence) FROM audit_entities WHERE entity_key = @key", new { key = entity.Key }, ct);
        if (sequence is null)
            return unknownIsFine && (await RowDigests.EntityAsync(db, entity, ct)).Count == 0 ? null : $"no audit record accounts for {entity.Key}";
        var record = await db.QuerySingleOrDefaultAsync<AuditRecordRow>(
            $"SELECT {AuditRecordRow.Columns} FROM {AuditRecordRow.From} WHERE a.sequence = @sequence", new { sequence }, ct);
        if (record is null) return $"audit record {sequence}, which digested {entity.Key}, is missing";
        if (record.IsLegacy) return $"audit record {sequence} is from before row digests and cannot vouch for {entity.Key}";
        if (record.ComputeHash() != record.Hash) return $"audit record {sequence}, which digested {entity.Key}, was changed";
        if (mac.Check(record.Hash, record.Mac) is { } macProblem) return $"audit record {sequence}: {macProblem}";
        if (!RowDigests.Read(record.RowDigests).TryGetValue(entity.Key, out var expected))
            return $"audit record {sequence} does not digest {entity.Key}";

        var current = await RowDigests.EntityAsync(db, entity, ct);
        foreach (var (row, digest) in current)
        {
            if (!expected.TryGetValue(row, out var recorded)) return $"row {row} was added after audit record {sequence}";
            if (recorded != digest) return $"row {row} differs from its digest in audit record {sequence}";
        }
        foreach (var row in expected.Keys.Where(r => !current.ContainsKey(r)))
            return $"row {row}, digested by audit record {sequence}, is gone";
        return null;
    }

    /// <summary>The 409 for rows that fail their digest: nothing is printed from them.</summary>
    public static ConflictException Mismatch(string problem) =>
        new($"The rows to print do not match the audit trail: {problem}. Nothing was printed; run audit verification (GET /api/v1/audit/verify).",
            new Dictionary<string, object?> { ["auditProblem"] = problem });

    /// <summary>Throws the 409 that tells the operator to run verification when the entity's rows fail their digest.</summary>
    public async Task EnsureIntactAsync(string kind, Guid id, CancellationToken ct, bool unknownIsFine = false)
    {
        if (await ProblemAsync(kind, id, ct, unknownIsFine) is { } problem)
            throw Mismatch(problem);
    }
}
