using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Application.Auditing;

/// <summary>Seals what is committed, then checks records, chains, checkpoints, row digests and the trial balance (docs/AUDIT-CHAIN.md).</summary>
public sealed record VerifyAuditTrail : IQuery<AuditVerification>;

/// <param name="HeadHash">SHA-256 over every chain's head (<c>chain:position:hash</c> lines, sorted): one value that changes with any chain.</param>
/// <param name="FirstBrokenSequence">The record of the first problem, when it concerns one.</param>
/// <param name="Problem">The first problem in words.</param>
/// <param name="Problems">Up to 50 problems, the first first.</param>
/// <param name="Unsealed">Records committed after the sealer's horizon (still in flight when verification began): not a problem.</param>
public sealed record AuditVerification(bool Valid, long Records, string HeadHash, long? FirstBrokenSequence, string? Problem,
    IReadOnlyList<AuditProblem> Problems, IReadOnlyList<AuditChainSummary> Chains, long Unsealed, long Checkpoints)
{
    /// <summary>The quick pass could not prove the trail intact, so every row was looked up (see <see cref="AuditVerifier"/>); not part of the answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public bool CheckedInDetail { get; init; }

    /// <summary>When this check began; not part of the answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public DateTimeOffset CheckedAt { get; init; }

    /// <summary>
    /// An earlier check, given again because nobody but this service has committed since (<see cref="LastIntactVerification"/>);
    /// its counts and heads are those of <see cref="CheckedAt"/>. Not part of the answer.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore] public bool Reused { get; init; }
}

/// <param name="Kind">record, chain, checkpoint, row or balance.</param>
public sealed record AuditProblem(string Kind, string Detail, long? Record = null, string? Chain = null, long? Position = null, string? Table = null, string? Row = null)
{
    /// <summary>The entity a row problem concerns (<c>gift:&lt;id&gt;</c>), for the re-check; not part of the answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string? Entity { get; init; }
}

public sealed record AuditChainSummary(string Chain, long Length, string HeadHash, long? CheckpointedPosition, DateTimeOffset? CheckpointedAt);

internal sealed class VerifyAuditTrailHandler(AuditVerifier verifier) : IQueryHandler<VerifyAuditTrail, AuditVerification>
{
    public async ValueTask<AuditVerification> Handle(VerifyAuditTrail query, CancellationToken ct) => await verifier.VerifyAsync(ct);
}

/// <summary>
/// The whole check. A quick pass (<c>VerifyAuditTrail.Quick.cs</c>) proves an intact trail in one streaming read with memory that
/// does not grow with the trail; when it cannot, the detailed pass here looks again and names every problem (its memory grows
/// with the number of digested entities).
/// </summary>
public sealed partial class AuditVerifier(IDbSession db, AuditSealer sealer, AuditMac mac, AuditSigningKeys keys, AuditCheckpoints checkpoints, AuditedRows audited,
    IServiceScopeFactory scopes, LastIntactVerification lastIntact, TimeProvider time)
{
    private const int MaxProblems = 50;

    /// <summary>
    /// Refuses (409, "run audit verification") when anything fails: statements are never printed from rows the trail does not vouch
    /// for. The last intact verification is given again while only this service has committed since (<see cref="LastIntactVerification"/>).
    /// Answers the engine's foreign-commit mark too, taken before that verification began (null where the engine has none): while
    /// <see cref="UnchangedSinceAsync"/> says it holds, the rows read now are still the ones it vouched for.
    /// </summary>
    public async Task<(AuditVerification Verification, string? Mark)> EnsureIntactAsync(CancellationToken ct)
    {
        var mark = await db.ForeignCommitMarkAsync(ct);
        var verification = (mark is null ? null : lastIntact.Reusable(mark)) ?? await VerifyAsync(mark, ct);
        if (!verification.Valid) throw AuditedRows.Mismatch(verification.Problem!.TrimEnd('.'));
        return (verification, mark);
    }

    /// <summary>True when the engine proves that nobody but this service has committed since <paramref name="mark"/>; false when
    /// someone has, or when it cannot tell (no mark).</summary>
    public async Task<bool> UnchangedSinceAsync(string? mark, CancellationToken ct) => mark is not null && await db.ForeignCommitMarkAsync(ct) == mark;

    /// <summary>Always the whole check; its answer is remembered for the statements that follow (<see cref="LastIntactVerification"/>).</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct) => await VerifyAsync(await db.ForeignCommitMarkAsync(ct), ct);

    /// <param name="mark">The engine's foreign-commit mark, taken before anything of this check was read.</param>
    private async Task<AuditVerification> VerifyAsync(string? mark, CancellationToken ct)
    {
        var (start, checkedAt) = (lastIntact.Begin(), time.GetUtcNow());
        await sealer.SealCommittedAsync(TimeSpan.FromSeconds(5), ct);
        var sealedThrough = await sealer.SealedThroughAsync(ct);
        var verification = (await QuickAsync(sealedThrough, mark, ct) ?? await DetailedAsync(sealedThrough, ct) with { CheckedInDetail = true })
            with { CheckedAt = checkedAt };
        lastIntact.Remember(mark, start, verification);
        return verification;
    }

    private async Task<AuditVerification> DetailedAsync(long sealedThrough, CancellationToken ct)
    {
        var problems = new List<AuditProblem>();
        void Report(AuditProblem p) { if (problems.Count < MaxProblems) problems.Add(p); }

        // Records, seals, rows and the records' index are read by separate statements while commands go on committing: read in
        // one snapshot, a gift committed between two of them does not look like an edit. The checkpoint file is read first: a
        // checkpoint is stored before it is written to the file, so every one read there is in the snapshot.
        var file = await checkpoints.FromFileAsync(ct);
        await using var snapshot = await db.BeginReadSnapshotAsync(ct);
        var (records, unsealed, sequences, expected) = await RecordsAsync(sealedThrough, Report, ct);
        var (chains, stored, fileCount, _) = await ChainsAndCheckpointsAsync(sequences, file, Report, ct);
        var rowProblems = new List<AuditProblem>();
        await RowsAsync(expected, rowProblems.Add, ct);
        // Where the engine's snapshot is only per statement (SQL Server: READ COMMITTED with row versioning), a command that
        // committed between the reads of records and rows looks like a mismatch: each entity named is checked once more on its
        // own (its newest record and its rows, read together now). The index and the seals are not checked again there.
        var recheck = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var problem in rowProblems)
        {
            if (problem.Entity is { } entityKey && EntityRef.TryParse(entityKey, out var entity))
            {
                if (!recheck.TryGetValue(entityKey, out var still))
                    recheck[entityKey] = still = await audited.ProblemAsync(entity.Kind, entity.Id, ct);
                if (still is null) continue;
            }
            Report(problem);
        }
        await PointersAsync(expected, Report, ct);
        await BalanceAsync(db, Report, ct);

        var first = problems.FirstOrDefault();
        return new AuditVerification(problems.Count == 0, records, HeadHash(chains), first?.Record, first?.Detail, problems, chains, unsealed, stored + fileCount);
    }

    private static string HeadHash(List<AuditChainSummary> chains) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Concat(chains.OrderBy(c => c.Chain, StringComparer.Ordinal).Select(c => $"{c.Chain}:{c.Length}:{c.HeadHash}\n")))));

    /// <summary>Every record: its hash, its MAC, its seal; the legacy chain; and, per entity, the newest digests.</summary>
    private async Task<(long Records, long Unsealed, HashSet<long> Sequences, Dictionary<string, (long Sequence, Dictionary<string, string> Rows)> Expected)>
        RecordsAsync(long sealedThrough, Action<AuditProblem> report, CancellationToken ct)
    {
        var expected = new Dictionary<string, (long, Dictionary<string, string>)>(StringComparer.Ordinal);
        var sequences = new HashSet<long>();
        var checks = new RecordChecks(mac, sealedThrough, report);
        await using (var cursor = await db.OpenCursorAsync(RecordChecks.AllRecords, ct))
            while (await cursor.ReadAsync(ct))
            {
                var record = AuditRecordRow.Read(cursor);
                sequences.Add(record.Sequence);
                if (!checks.Trusted(record)) continue; // only a record whose hash and MAC hold may vouch for rows
                Dictionary<string, Dictionary<string, string>> digested;
                try { digested = RowDigests.Read(record.RowDigests); }
                catch (System.Text.Json.JsonException)
                {
                    report(new AuditProblem("record", $"Record {record.Sequence}: its row digests cannot be read.", record.Sequence));
                    continue;
                }
                foreach (var (entity, rows) in digested)
                    expected[entity] = (record.Sequence, rows);
            }
        return (checks.Count, checks.Unsealed, sequences, expected);
    }

    /// <summary>The checks of one record on its own (hash, MAC, seal) and of the legacy chain, in sequence order.</summary>
    private sealed class RecordChecks(AuditMac mac, long sealedThrough, Action<AuditProblem> report)
    {
        public static readonly string AllRecords = $"SELECT {AuditRecordRow.Columns} FROM {AuditRecordRow.From} ORDER BY a.sequence";

        private long _legacySequence;
        private string _legacyPrevious = AuditHash.Genesis;

        public long Count { get; private set; }
        public long Unsealed { get; private set; }

        /// <summary>Counts a record that <see cref="QuickRecordCheck"/> found intact (its hash, MAC and seal hold).</summary>
        public void CountIntact(bool unsealed)
        {
            Count++;
            if (unsealed) Unsealed++;
        }

        /// <summary>Checks the record; true when its hash and MAC hold, so it may vouch for rows.</summary>
        public bool Trusted(AuditRecordRow record)
        {
            Count++;
            if (record.IsLegacy)
            {
                if (record.Sequence != _legacySequence + 1)
                    report(new AuditProblem("record", $"Record {record.Sequence}: sequence {record.Sequence} found where {_legacySequence + 1} was expected (a record is missing).", record.Sequence));
                else if (record.PreviousHash != _legacyPrevious)
                    report(new AuditProblem("record", $"Record {record.Sequence}: its previous hash does not match the hash of the record before it.", record.Sequence));
                _legacySequence = record.Sequence;
                _legacyPrevious = record.Hash;
            }
            var trusted = false;
            if (record.ComputeHash() != record.Hash)
                report(new AuditProblem("record", $"Record {record.Sequence}: its content does not match its hash (the record was changed).", record.Sequence));
            else if (record.IsLegacy && (record.RowDigests is not null || record.Mac is not null))
                report(new AuditProblem("record", $"Record {record.Sequence}: a record from before row digests carries digests or a MAC (added since).", record.Sequence));
            else if (!record.IsLegacy && mac.Check(record.Hash, record.Mac) is { } macProblem)
                report(new AuditProblem("record", $"Record {record.Sequence}: {macProblem}.", record.Sequence));
            else trusted = !record.IsLegacy;

            if (record.Position is null)
            {
                if (record.CommitOrder is null || record.CommitOrder < sealedThrough)
                    report(new AuditProblem("record", $"Record {record.Sequence}: it is not sealed into its chain, though it is older than the sealer's horizon (added behind the service's back).", record.Sequence));
                else Unsealed++;
            }
            else if (record.SealedHash != record.Hash)
                report(new AuditProblem("record", $"Record {record.Sequence}: its hash differs from the one sealed into chain {record.Chain} at position {record.Position}.",
                    record.Sequence, record.Chain, record.Position));
            return trusted;
        }
    }

    /// <summary>Every chain from position 1, and every checkpoint (database and file) against it.</summary>
    /// <param name="sequences">Every record's sequence, to find seals of deleted records; null when the caller finds them otherwise.</param>
    /// <param name="file">The checkpoint file, read before the caller's snapshot began (see <see cref="DetailedAsync"/>).</param>
    private async Task<(List<AuditChainSummary> Chains, long Stored, long FromFile, long Seals)> ChainsAndCheckpointsAsync(HashSet<long>? sequences,
        CheckpointFileContents file, Action<AuditProblem> report, CancellationToken ct)
    {
        var checkpoints = await CheckpointsAsync(file, report, ct);
        var chains = new List<AuditChainSummary>();
        string? chain = null;
        long position = 0, count = 0;
        var previous = AuditHash.Genesis;
        await using (var seals = await db.OpenCursorAsync(SealsInOrder, ct))
            while (await seals.ReadAsync(ct))
            {
                var s = SealRow.Read(seals);
                if (s.Chain != chain)
                {
                    if (chain is not null) checkpoints.Close(chains, chain, position, previous, report);
                    chain = s.Chain;
                    position = 0;
                    previous = AuditHash.Genesis;
                }
                if (s.Position != position + 1)
                    report(new AuditProblem("chain", $"Chain {chain}: position {s.Position} follows {position} (links are missing).", s.RecordSequence, chain, s.Position));
                else if (s.PreviousHash != previous)
                    report(new AuditProblem("chain", $"Chain {chain} at position {s.Position}: it does not link to the position before it.", s.RecordSequence, chain, s.Position));
                else if (AuditHash.Seal(s.Chain, s.Position, s.RecordSequence, s.RecordHash, s.PreviousHash) != s.Hash)
                    report(new AuditProblem("chain", $"Chain {chain} at position {s.Position}: its hash does not match its content.", s.RecordSequence, chain, s.Position));
                if (sequences is not null && !sequences.Contains(s.RecordSequence))
                    report(new AuditProblem("record", $"Record {s.RecordSequence}, sealed into chain {chain} at position {s.Position}, is missing (deleted).", s.RecordSequence, chain, s.Position));
                if (checkpoints.Wanted.TryGetValue((s.Chain, s.Position), out var hashes) && hashes.Any(h => h != s.Hash))
                    report(new AuditProblem("chain", $"Chain {chain} at position {s.Position} differs from its signed checkpoint (the chain was rewritten).", s.RecordSequence, chain, s.Position));
                position = s.Position;
                previous = s.Hash;
                count++;
            }
        if (chain is not null) checkpoints.Close(chains, chain, position, previous, report);
        checkpoints.ReportGone(chains, report);
        return (chains, checkpoints.Stored, checkpoints.FromFile, count);
    }

    private const string SealsInOrder = "SELECT chain, position, record_sequence, record_hash, previous_hash, hash FROM audit_seals ORDER BY chain, position";

    /// <summary>The signed checkpoints in the database and in the checkpoint file, each checked on its own.</summary>
    private async Task<SignedCheckpoints> CheckpointsAsync(CheckpointFileContents file, Action<AuditProblem> report, CancellationToken ct)
    {
        var stored = await checkpoints.StoredAsync(ct);
        var (inFile, unreadable) = file;
        foreach (var line in unreadable)
            report(new AuditProblem("checkpoint", $"Line {line} of the checkpoint file cannot be read."));
        var storedKeys = stored.Select(c => (c.Chain, c.Position, c.Signature)).ToHashSet();
        foreach (var c in inFile.Where(c => !storedKeys.Contains((c.Chain, c.Position, c.Signature))))
            report(new AuditProblem("checkpoint", $"The checkpoint of chain {c.Chain} at position {c.Position} ({AuditHash.Instant(c.CreatedAt)}) is in the checkpoint file but not in the database.", null, c.Chain, c.Position));
        var all = stored.Concat(inFile).ToList();
        foreach (var c in all)
            if (keys.Check(c) is { } signatureProblem)
                report(new AuditProblem("checkpoint", $"The checkpoint of chain {c.Chain} at position {c.Position}: {signatureProblem}.", null, c.Chain, c.Position));
        return new SignedCheckpoints(all, stored.Count, inFile.Count);
    }

    /// <summary>Every checkpoint (database and file), and the hashes they signed for each (chain, position).</summary>
    internal sealed class SignedCheckpoints(List<AuditCheckpoint> all, long stored, long fromFile)
    {
        public long Stored => stored;
        public long FromFile => fromFile;

        public Dictionary<(string Chain, long Position), List<string>> Wanted { get; } =
            all.GroupBy(c => (c.Chain, c.Position)).ToDictionary(g => g.Key, g => g.Select(c => c.Hash).Distinct().ToList());

        /// <summary>Adds a chain read to its end (its length and head) and reports checkpoints signed beyond that end.</summary>
        public void Close(List<AuditChainSummary> chains, string chain, long position, string head, Action<AuditProblem> report)
        {
            var last = all.Where(c => c.Chain == chain).MaxBy(c => c.Position);
            chains.Add(new AuditChainSummary(chain, position, head, last?.Position, last?.CreatedAt));
            foreach (var c in all.Where(c => c.Chain == chain && c.Position > position).DistinctBy(c => c.Position))
                report(new AuditProblem("chain", $"Chain {chain} ends at position {position}, but a checkpoint signed position {c.Position}: records were cut off.", null, chain, c.Position));
        }

        /// <summary>Reports chains that a checkpoint signed and that are not among those read.</summary>
        public void ReportGone(List<AuditChainSummary> chains, Action<AuditProblem> report)
        {
            foreach (var c in all.Where(c => chains.All(x => x.Chain != c.Chain)).DistinctBy(c => c.Chain))
                report(new AuditProblem("chain", $"Chain {c.Chain} is gone, but a checkpoint signed it at position {c.Position}.", null, c.Chain, c.Position));
        }
    }

    /// <summary>Every digested row against the newest record that digested its entity.</summary>
    private async Task RowsAsync(Dictionary<string, (long Sequence, Dictionary<string, string> Rows)> expected, Action<AuditProblem> report, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (table, entity, key, digest) in CurrentRowsAsync(ct))
        {
            if (!expected.TryGetValue(entity, out var e) || !e.Rows.TryGetValue(key, out var recorded))
                report(new AuditProblem("row", $"Row {key} is accounted for by no audit record (added behind the service's back).", e.Sequence == 0 ? null : e.Sequence, Table: table.Table, Row: key) { Entity = entity });
            else if (recorded != digest)
                report(new AuditProblem("row", $"Row {key} differs from its digest in audit record {e.Sequence} (changed behind the service's back).", e.Sequence, Table: table.Table, Row: key) { Entity = entity });
            seen.Add(key);
        }
        foreach (var (entity, (sequence, rows)) in expected)
            foreach (var row in rows.Keys.Where(r => !seen.Contains(r)))
                report(new AuditProblem("row", $"Row {row}, digested by audit record {sequence}, is gone (deleted behind the service's back).", sequence,
                    Table: row.Contains('/') ? row[..row.IndexOf('/')] : null, Row: row) { Entity = entity });
        await foreach (var entry in db.StreamAsync<string>(UnknownEntries, null, ct))
            report(new AuditProblem("row", $"Journal entry {entry} belongs to no kind of entity the audit trail knows.", Table: "journal_entries", Row: $"journal_entries/{entry}"));
        // The kinds reach postings through their entries, so a posting without one is in none of their rows, yet it counts in
        // every balance summed from postings alone.
        await foreach (var posting in db.StreamAsync<OrphanPosting>(OrphanPostings, null, ct))
        {
            var row = $"postings/{posting.JournalEntryId}:{posting.Line}";
            report(new AuditProblem("row", $"Row {row} belongs to no journal entry (added behind the service's back).", Table: "postings", Row: row));
        }
    }

    /// <summary>As text: whoever inserted them need not have written a uuid and a number, and they must still be named.</summary>
    private const string OrphanPostings = """
        SELECT CAST(p.journal_entry_id AS VARCHAR(100)) AS JournalEntryId, CAST(p.line AS VARCHAR(100)) AS Line FROM postings p
        WHERE NOT EXISTS (SELECT 1 FROM journal_entries je WHERE je.id = p.journal_entry_id)
        """;

    private sealed class OrphanPosting
    {
        public string? JournalEntryId { get; init; }
        public string? Line { get; init; }
    }

    private static readonly string UnknownEntries =
        $"SELECT CAST(id AS VARCHAR(100)) FROM journal_entries WHERE source_type NOT IN ({string.Join(", ", RowDigests.LedgerKinds.Select(k => $"'{k}'"))})";

    /// <summary>Every digested row as it stands: its table, the entity it belongs to, its key and its digest.</summary>
    private async IAsyncEnumerable<(DigestedTable Table, string Entity, string Row, string Digest)> CurrentRowsAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var table in RowDigests.Tables)
            await foreach (var row in db.StreamAsync<dynamic>(table.All, null, ct))
            {
                var (entity, key, digest) = RowDigests.Digest(table, (IDictionary<string, object?>)row);
                yield return (table, entity, key, digest);
            }
    }

    /// <summary>
    /// The index of which record digested an entity last (<c>audit_entities</c>, used before printing) must agree with the records:
    /// an index row removed or added behind the service's back would make a receipt compare against the wrong digests.
    /// </summary>
    private async Task PointersAsync(Dictionary<string, (long Sequence, Dictionary<string, string> Rows)> expected, Action<AuditProblem> report, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var pointer in db.StreamAsync<Pointer>(
            "SELECT entity_key AS EntityKey, MAX(record_sequence) AS RecordSequence FROM audit_entities GROUP BY entity_key", null, ct))
        {
            seen.Add(pointer.EntityKey);
            if (!expected.TryGetValue(pointer.EntityKey, out var e) || e.Sequence != pointer.RecordSequence)
                report(new AuditProblem("record", $"The index of audit records names record {pointer.RecordSequence} as the last to digest {pointer.EntityKey}, but the records say {(e.Sequence == 0 ? "none" : e.Sequence.ToString())}.",
                    pointer.RecordSequence));
        }
        foreach (var (entity, (sequence, _)) in expected.Where(e => !seen.Contains(e.Key)))
            report(new AuditProblem("record", $"Record {sequence} digested {entity}, but the index of audit records lacks it (removed).", sequence));
    }

    private sealed class Pointer
    {
        public required string EntityKey { get; init; }
        public required long RecordSequence { get; init; }
    }

    /// <summary>The trial balance: every entry's postings, and every programme's, sum to zero.</summary>
    private static async Task BalanceAsync(IDbSession db, Action<AuditProblem> report, CancellationToken ct)
    {
        // As text, as every id read here: rows added behind the service's back need not hold uuids, and must still be named.
        foreach (var entry in await db.QueryAsync<string>(
            "SELECT CAST(journal_entry_id AS VARCHAR(100)) FROM postings GROUP BY journal_entry_id HAVING SUM(amount) <> 0", null, ct))
            report(new AuditProblem("balance", $"Journal entry {entry} does not balance: its postings do not sum to zero.", Table: "postings", Row: $"journal_entries/{entry}"));
        foreach (var programme in await db.QueryAsync<string>(
            "SELECT CAST(programme_id AS VARCHAR(100)) FROM postings GROUP BY programme_id HAVING SUM(amount) <> 0", null, ct))
            report(new AuditProblem("balance", $"The trial balance of programme {programme} does not sum to zero."));
    }

    private sealed class SealRow
    {
        public static SealRow Read(IRowCursor row) => new()
        {
            Chain = row.GetStringOrNull(0)!, Position = row.IsNull(1) ? 0 : row.GetInt64(1), RecordSequence = row.IsNull(2) ? 0 : row.GetInt64(2),
            RecordHash = row.GetStringOrNull(3)!, PreviousHash = row.GetStringOrNull(4)!, Hash = row.GetStringOrNull(5)!,
        };

        public required string Chain { get; init; }
        public required long Position { get; init; }
        public required long RecordSequence { get; init; }
        public required string RecordHash { get; init; }
        public required string PreviousHash { get; init; }
        public required string Hash { get; init; }
    }
}
