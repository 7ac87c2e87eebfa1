using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>One link of a chain (docs/AUDIT-CHAIN.md, "Seals").</summary>
public sealed record AuditSeal
{
    public required string Chain { get; init; }
    public required long Position { get; init; }
    public required long RecordSequence { get; init; }
    public required string RecordHash { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
}

/// <summary>
/// Chains committed records, per programme and one organisation chain, in an order that is final (docs/AUDIT-CHAIN.md, "Seals").
/// Runs in its own transaction under a named lock, off the commands' write path: in the background every second, and on demand
/// before verification, checkpoints, statements and audit packs. Writes no audit record of its own.
/// </summary>
public sealed class AuditSealer(IDbSession db, BusinessClock clock)
{
    private const int Batch = 5000;

    /// <summary>Seals what lies below the horizon now; answers how many records it sealed.</summary>
    public async Task<int> SealAsync(CancellationToken ct)
    {
        if (db.Transaction is not null) throw new InvalidOperationException("The sealer runs in its own transaction, not inside a command's.");
        var total = 0;
        while (true)
        {
            var sealedNow = await RolledBackWrites.RetryAsync(() => SealBatchAsync(ct));
            total += sealedNow;
            if (sealedNow < Batch) return total;
        }
    }

    /// <summary>
    /// Seals every record committed before this call. On PostgreSQL the horizon is cluster-wide, so a transaction still open
    /// elsewhere holds it back: this waits for it up to <paramref name="patience"/>, then leaves the rest unsealed (reported, not an error).
    /// </summary>
    public async Task SealCommittedAsync(TimeSpan patience, CancellationToken ct)
    {
        var target = await db.QuerySingleAsync<long>("SELECT COALESCE(MAX(commit_order), 0) + 1 FROM audit_log", null, ct);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await SealAsync(ct);
            if (await SealedThroughAsync(ct) >= target || waited.Elapsed >= patience) return;
            await Task.Delay(20, ct);
        }
    }

    private async Task<int> SealBatchAsync(CancellationToken ct)
    {
        await using var transaction = await db.BeginTransactionAsync(ct);
        if (db.Dialect.TransactionLock("aid-audit-sealer") is { } sealerLock)
            await db.ExecuteAsync(sealerLock, null, ct);
        var horizon = await db.QuerySingleAsync<long>(db.Dialect.AuditSealHorizon, null, ct);
        var from = await db.QuerySingleAsync<long>("SELECT sealed_through FROM audit_sealer WHERE id = 1", null, ct);

        var records = new List<Unsealed>();
        if (from == 0) // records written before migration 0006 have no commit order: they are sealed first, in sequence order
            records.AddRange(await db.QueryAsync<Unsealed>($"""
                SELECT a.sequence AS Sequence, a.programme_id AS ProgrammeId, a.hash AS Hash FROM audit_log a
                WHERE a.commit_order IS NULL AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.record_sequence = a.sequence)
                ORDER BY a.sequence {db.Dialect.Limit("@take")}
                """, new { take = Batch }, ct));
        if (records.Count < Batch)
            records.AddRange(await db.QueryAsync<Unsealed>($"""
                SELECT a.sequence AS Sequence, a.programme_id AS ProgrammeId, a.hash AS Hash, a.commit_order AS CommitOrder FROM audit_log a
                WHERE a.commit_order >= @from AND a.commit_order < @horizon
                  AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.record_sequence = a.sequence)
                ORDER BY a.commit_order, a.sequence {db.Dialect.Limit("@take")}
                """, new { from, horizon, take = Batch - records.Count }, ct));

        var heads = new Dictionary<string, (long Position, string Hash)>();
        var now = clock.UtcNow();
        foreach (var record in records)
        {
            var chain = AuditChains.Of(record.ProgrammeId);
            if (!heads.TryGetValue(chain, out var head))
                head = await db.QuerySingleOrDefaultAsync<Head>(
                    $"SELECT position AS Position, hash AS Hash FROM audit_seals WHERE chain = @chain ORDER BY position DESC {db.Dialect.Limit("1")}",
                    new { chain }, ct) is { } h ? (h.Position, h.Hash) : (0, AuditHash.Genesis);
            var position = head.Position + 1;
            var hash = AuditHash.Seal(chain, position, record.Sequence, record.Hash, head.Hash);
            await db.ExecuteAsync("""
                INSERT INTO audit_seals (chain, position, record_sequence, record_hash, previous_hash, hash, sealed_at)
                VALUES (@chain, @position, @sequence, @recordHash, @previousHash, @hash, @now)
                """, new { chain, position, sequence = record.Sequence, recordHash = record.Hash, previousHash = head.Hash, hash, now }, ct);
            heads[chain] = (position, hash);
        }
        // A batch that reached the horizon moves the mark to it; a full batch (taken in commit order) to its last commit order, so the
        // next batch does not rescan what is sealed. Records of that same commit order may remain: the next batch starts at it (>=).
        var through = records.Count < Batch ? horizon : records[^1].CommitOrder ?? from;
        if (through > from)
            await db.ExecuteAsync("UPDATE audit_sealer SET sealed_through = @through WHERE id = 1", new { through }, ct);
        await transaction.CommitAsync(ct);
        return records.Count;
    }

    /// <summary>The sealer's horizon as last stored: records with a lower commit order must all be sealed.</summary>
    internal Task<long> SealedThroughAsync(CancellationToken ct) =>
        db.QuerySingleAsync<long>("SELECT sealed_through FROM audit_sealer WHERE id = 1", null, ct);

    private sealed class Unsealed
    {
        public required long Sequence { get; init; }
        public Guid? ProgrammeId { get; init; }
        public required string Hash { get; init; }
        public long? CommitOrder { get; init; }
    }

    internal sealed class Head
    {
        public required long Position { get; init; }
        public required string Hash { get; init; }
    }
}
