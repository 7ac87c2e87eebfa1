using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Aid.Application.Common;
using Microsoft.Extensions.DependencyInjection;
using CheckedChains = (System.Collections.Generic.List<Aid.Application.Auditing.AuditChainSummary> Chains, long Stored, long FromFile, long Seals);

namespace Aid.Application.Auditing;

/// <summary>
/// The quick pass: the same checks as the detailed pass, but where the detailed pass looks every row up in dictionaries of
/// every entity's digests, this one compares <see cref="MultisetDigest"/>s of two streams read in one snapshot, so memory stays
/// flat. It only proves: at the first doubt (any problem, or two digests that differ) it answers null, and the detailed pass
/// looks again, names the problems, and tells a real problem from a command that committed in between.
/// </summary>
/// <remarks>
/// Rows are compared by the digest of their content alone: every digested row carries the link to the entity it belongs to
/// (a gift's id, a posting's journal entry, whose row carries its source), so equal multisets of content digests mean every
/// row is exactly as the newest record of its entity digested it, none added, none gone.
/// </remarks>
public sealed partial class AuditVerifier
{
    private const string Superseded = """
        SELECT e.entity_key AS EntityKey, e.record_sequence AS RecordSequence
        FROM audit_entities e
        JOIN (SELECT entity_key, MAX(record_sequence) AS newest FROM audit_entities GROUP BY entity_key HAVING COUNT(*) > 1) m ON m.entity_key = e.entity_key
        WHERE e.record_sequence < m.newest
        """;

    private const string SealsOfMissingRecords =
        "SELECT COUNT(*) FROM audit_seals s WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.sequence = s.record_sequence)";

    private static readonly byte[][] EntityKinds = RowDigests.Tables.Select(t => t.Kind).Distinct().Select(Encoding.ASCII.GetBytes).ToArray();

    /// <summary>The verification of an intact trail, or null when anything may be wrong.</summary>
    /// <param name="mark">The engine's foreign-commit mark taken before the check began; null where the engine has none.</param>
    private async Task<AuditVerification?> QuickAsync(long sealedThrough, string? mark, CancellationToken ct)
    {
        var key = MultisetDigest.NewKey();
        // Before the snapshot: a checkpoint is stored before it is written to the file, so every one read there is in the
        // snapshot (a statement checkpoints as soon as it has printed, while the next may be verifying).
        var file = await checkpoints.FromFileAsync(ct);
        await using var snapshot = await db.BeginReadSnapshotAsync(ct);
        var records = await db.QuerySingleAsync<RecordsMark>(RecordsMark.Sql, null, ct);
        // The rows are read on a second connection at the same time (the machine's other core), and on SQLite the seals on a
        // third (alone after the records they took a core for a second and more at a million gifts, with the other one idle).
        // Each snapshot holds what this one holds when its marks agree: every command that commits writes a record, and the
        // sealer appends seals only. Where they do not agree (one committed in between), or no connection can be had, that part
        // is read on this connection afterwards.
        await using var rowsScope = scopes.CreateAsyncScope();
        await using var sealsScope = scopes.CreateAsyncScope();
        var rowsSnapshot = await MatchingSnapshotAsync(rowsScope, records, null, ct);
        MatchingSnapshot? sealsSnapshot = null;
        try
        {
            if (mark is not null && db.Dialect.Name == "sqlite")
                sealsSnapshot = await MatchingSnapshotAsync(sealsScope, records, await db.QuerySingleAsync<SealsMark>(SealsMark.Sql, null, ct), ct);
            // Equal marks prove equal snapshots only while nothing but this service writes (it only appends): an edit behind its
            // back could leave them equal, and it moves the engine's foreign-commit mark. Then everything is read here.
            if (mark is not null && (rowsSnapshot is not null || sealsSnapshot is not null) && await db.ForeignCommitMarkAsync(ct) != mark)
            {
                var (rowsDiscarded, sealsDiscarded) = (rowsSnapshot, sealsSnapshot);
                (rowsSnapshot, sealsSnapshot) = (null, null);
                await DisposeAsync(rowsDiscarded);
                await DisposeAsync(sealsDiscarded);
            }
            return await QuickAsync(sealedThrough, key, records, file, rowsSnapshot?.Session, sealsSnapshot?.Session, ct);
        }
        finally
        {
            await DisposeAsync(rowsSnapshot);
            await DisposeAsync(sealsSnapshot);
        }

        static ValueTask DisposeAsync(MatchingSnapshot? snapshot) => snapshot?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>
    /// The quick pass over this connection's snapshot, with the rows read on <paramref name="rowsDb"/> and the seals checked on
    /// <paramref name="sealsDb"/> at the same time where they are given (their snapshots hold the same records and seals).
    /// </summary>
    private async Task<AuditVerification?> QuickAsync(long sealedThrough, byte[] key, RecordsMark records, CheckpointFileContents file, IDbSession? rowsDb,
        IDbSession? sealsDb, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var rows = rowsDb is null ? null : Task.Run(() => RowsAndIndexAsync(rowsDb, key, stop.Token), stop.Token);
        Task<CheckedChains?>? sealsChecked = null;
        (AuditVerification Verification, MultisetDigest Rows, MultisetDigest Pairs)? recorded = null;
        (MultisetDigest Rows, MultisetDigest Pairs)? current = null;
        try
        {
            if (sealsDb is not null)
            {
                // The checkpoints are read here, in this connection's snapshot, before its cursor over the records is open.
                var doubt = false;
                var signed = await CheckpointsAsync(file, _ => doubt = true, ct);
                if (doubt) return null;
                sealsChecked = Task.Run(() => SealsFromBytesAsync(sealsDb, signed, stop.Token), stop.Token);
            }
            recorded = await RecordsAndChainsAsync(sealedThrough, key, file, sealsChecked, ct);
            if (recorded is null) return null;
            if (rows is null) current = await RowsAndIndexAsync(db, key, ct);
            else
            {
                try { current = await rows; }
                catch (Exception) when (!ct.IsCancellationRequested) { return null; } // the second connection failed: the detailed pass decides
                finally { rows = null; }
            }
            if (current is null) return null;
            if (!current.Value.Rows.SameAs(recorded.Value.Rows) || !current.Value.Pairs.SameAs(recorded.Value.Pairs)) return null;
            // Where the engine gives no snapshot (SQL Server's READ COMMITTED SNAPSHOT is per statement) the streams read at
            // different moments: no record may have been added while they ran.
            if (!records.SameAs(await db.QuerySingleAsync<RecordsMark>(RecordsMark.Sql, null, ct))) return null;
            if (rowsDb is not null && !records.SameAs(await rowsDb.QuerySingleAsync<RecordsMark>(RecordsMark.Sql, null, ct))) return null;
            return recorded.Value.Verification;
        }
        finally
        {
            // Not awaited above (a doubt or an error): stop them, and let them end before their connections are given back.
            if (rows is not null || sealsChecked is { IsCompleted: false }) await stop.CancelAsync();
            if (rows is not null)
            {
                try { current = await rows; }
                catch (Exception) { } // cancelled, or failed: nothing of it is used
            }
            if (sealsChecked is not null)
            {
                try { await sealsChecked; }
                catch (Exception) { } // awaited by the records side unless that ended early; nothing of it is used then
            }
            recorded?.Rows.Dispose();
            recorded?.Pairs.Dispose();
            current?.Rows.Dispose();
            current?.Pairs.Dispose();
        }
    }

    /// <summary>
    /// A read snapshot on the connection of <paramref name="scope"/> that holds the same records (and, if given, the same seals)
    /// as this connection's; null when it does not, or when no connection can be had (a busy pool).
    /// </summary>
    private static async Task<MatchingSnapshot?> MatchingSnapshotAsync(AsyncServiceScope scope, RecordsMark records, SealsMark? seals, CancellationToken ct)
    {
        IAsyncDisposable? snapshot = null;
        try
        {
            var session = scope.ServiceProvider.GetRequiredService<IDbSession>();
            snapshot = await session.BeginReadSnapshotAsync(ct);
            if (records.SameAs(await session.QuerySingleAsync<RecordsMark>(RecordsMark.Sql, null, ct))
                && (seals is null || seals.SameAs(await session.QuerySingleAsync<SealsMark>(SealsMark.Sql, null, ct))))
                return new MatchingSnapshot(session, snapshot);
        }
        catch (Exception) when (!ct.IsCancellationRequested) { } // a busy pool: read that part here instead
        if (snapshot is not null) await snapshot.DisposeAsync();
        return null;
    }

    private sealed class MatchingSnapshot(IDbSession session, IAsyncDisposable snapshot) : IAsyncDisposable
    {
        public IDbSession Session => session;
        public ValueTask DisposeAsync() => snapshot.DisposeAsync();
    }

    /// <summary>How many records there are and the last one: equal marks mean the same records (the log only grows).</summary>
    private sealed class RecordsMark
    {
        public const string Sql = "SELECT CAST(COUNT(*) AS BIGINT) AS Count, COALESCE(MAX(sequence), 0) AS Last FROM audit_log";

        public required long Count { get; init; }
        public required long Last { get; init; }

        public bool SameAs(RecordsMark other) => Count == other.Count && Last == other.Last;
    }

    /// <summary>How many seals there are and the last record sealed: equal marks mean the same seals (they are only appended).</summary>
    private sealed class SealsMark
    {
        public const string Sql = "SELECT CAST(COUNT(*) AS BIGINT) AS Count, COALESCE(MAX(record_sequence), 0) AS Last FROM audit_seals";

        public required long Count { get; init; }
        public required long Last { get; init; }

        public bool SameAs(SealsMark other) => Count == other.Count && Last == other.Last;
    }

    /// <summary>
    /// Records (each on its own, and the digests they vouch for), chains and checkpoints: the answer for an intact trail, the
    /// content digests of each entity's newest record, and the (entity, record) pairs. Null at the first doubt.
    /// </summary>
    /// <param name="chainsFromBytes">The seals being checked on a third connection whose snapshot holds the same seals; null to check them here.</param>
    private async Task<(AuditVerification Verification, MultisetDigest Rows, MultisetDigest Pairs)?> RecordsAndChainsAsync(long sealedThrough, byte[] key,
        CheckpointFileContents file, Task<CheckedChains?>? chainsFromBytes, CancellationToken ct)
    {
        var doubt = false;
        void Doubt(AuditProblem _) => doubt = true;

        // Pairs (entity, record) of the index where a later record digested the entity again: few (an approval after a
        // request, a reversal after a gift), so they are held; every other pair is its entity's newest record.
        var superseded = new HashSet<(int Kind, Guid Id, long Sequence)>();
        await using (var pairs = await db.OpenCursorAsync(Superseded, ct))
            while (await pairs.ReadAsync(ct))
            {
                if (!TryEntity(pairs, 0, out var kind, out var id)) return null;
                superseded.Add((kind, id, pairs.GetInt64(1)));
            }

        var recordedRows = new MultisetDigest(key, 1);  // content digests in each entity's newest record
        var recordedPairs = new MultisetDigest(key, 2); // (entity, record) of every record
        var intact = false;
        try
        {
            var checks = new RecordChecks(mac, sealedThrough, Doubt);
            var quick = new QuickRecordCheck(mac, sealedThrough);
            var json = new ArrayBufferWriter<byte>(4096);
            // Each record joined to its seal, in the order of their sequence: a sequence read twice (a record or a seal repeated
            // behind the service's back) is a doubt. Otherwise the records with a seal are exactly the seals whose record is there.
            long previousSequence = long.MinValue, sealedRecords = 0;
            await using (var records = await db.OpenCursorAsync(RecordChecks.AllRecords, ct))
                while (await records.ReadAsync(ct))
                {
                    switch (quick.Check(records))
                    {
                        case QuickRecordCheck.Outcome.Doubt:
                            return null;
                        case var whole and (QuickRecordCheck.Outcome.Trusted or QuickRecordCheck.Outcome.Unsealed):
                            var sequence = records.GetInt64(QuickRecordCheck.Sequence);
                            if (sequence <= previousSequence) return null;
                            previousSequence = sequence;
                            if (whole == QuickRecordCheck.Outcome.Trusted) sealedRecords++;
                            checks.CountIntact(unsealed: whole == QuickRecordCheck.Outcome.Unsealed);
                            if (records.Kind(QuickRecordCheck.RowDigests) != ColumnKind.Null
                                && !AddDigests(records.GetUtf8(QuickRecordCheck.RowDigests), sequence, superseded, recordedRows, recordedPairs))
                                return null;
                            continue;
                    }
                    var record = AuditRecordRow.Read(records);
                    if (record.Sequence <= previousSequence) return null;
                    previousSequence = record.Sequence;
                    if (record.Position is not null) sealedRecords++;
                    if (!checks.Trusted(record) || doubt) return null;
                    if (record.RowDigests is null) continue;
                    json.ResetWrittenCount();
                    Encoding.UTF8.GetBytes(record.RowDigests, json);
                    if (!AddDigests(json.WrittenSpan, record.Sequence, superseded, recordedRows, recordedPairs)) return null;
                }

            if (await QuickChainsAsync(file, chainsFromBytes, ct) is not var (chains, stored, fileCount, seals)) return null;
            // More seals than sealed records: a seal whose record is gone, or (where each statement reads its own snapshot, SQL
            // Server) a record sealed since the records were read. The question itself tells them apart. Fewer: a seal gone.
            if (seals < sealedRecords || seals > sealedRecords && await db.QuerySingleAsync<long>(SealsOfMissingRecords, null, ct) != 0)
                return null;
            intact = true;
            return (new AuditVerification(true, checks.Count, HeadHash(chains), null, null, [], chains, checks.Unsealed, stored + fileCount),
                recordedRows, recordedPairs);
        }
        finally
        {
            if (!intact)
            {
                recordedRows.Dispose();
                recordedPairs.Dispose();
            }
        }
    }

    /// <summary>
    /// The content digest of every digested row as it stands, and the (entity, record) pairs of the index; then the trial balance
    /// (proved from the postings as they are read, <see cref="TrialBalanceRuns"/>, else by the grouped queries). Null at the
    /// first doubt.
    /// </summary>
    private static async Task<(MultisetDigest Rows, MultisetDigest Pairs)?> RowsAndIndexAsync(IDbSession session, byte[] key, CancellationToken ct)
    {
        var currentRows = new MultisetDigest(key, 1);
        var indexPairs = new MultisetDigest(key, 2);
        var intact = false;
        try
        {
            var digest = new byte[16];
            var balance = new TrialBalanceRuns();
            if (!await RunsTellEntriesApartAsync(session, ct)) balance.Unreadable();
            // Each table read once, whole: no join from postings to their entries for each kind (2M postings at 1M gifts),
            // and a posting whose entry is gone is counted here, where the kinds' joins would have left it out.
            foreach (var table in RowDigests.DistinctTables)
            {
                var postings = table.Table == "postings";
                await using var rows = await session.OpenCursorAsync(table.EveryRow, ct);
                while (await rows.ReadAsync(ct))
                {
                    RowDigests.Content(table, rows, digest);
                    currentRows.Add(digest);
                    if (postings) AddPosting(balance, rows);
                }
            }
            await foreach (var _ in session.StreamAsync<string>(UnknownEntries, null, ct))
                return null;

            var pairBytes = new byte[32];
            await using (var pairs = await session.OpenCursorAsync("SELECT entity_key, record_sequence FROM audit_entities", ct))
                while (await pairs.ReadAsync(ct))
                {
                    if (!TryEntity(pairs, 0, out var kind, out var id)) return null;
                    indexPairs.Add(Pair(kind, id, pairs.GetInt64(1), pairBytes));
                }
            var unbalanced = false;
            if (!balance.Proved) await BalanceAsync(session, _ => unbalanced = true, ct);
            if (unbalanced) return null;
            intact = true;
            return (currentRows, indexPairs);
        }
        finally
        {
            if (!intact)
            {
                currentRows.Dispose();
                indexPairs.Dispose();
            }
        }
    }

    /// <summary>
    /// The chains as <see cref="ChainsAndCheckpointsAsync"/> checks them, and how many seals there are: on SQLite seal by seal
    /// from their bytes where it can (<see cref="QuickSealCheck"/>, here or by <paramref name="fromBytes"/> on a third connection);
    /// otherwise (another engine, a seal it cannot read that way, seals not in the order they were appended) the usual way. Null
    /// at the first doubt.
    /// </summary>
    private async Task<CheckedChains?> QuickChainsAsync(CheckpointFileContents file, Task<CheckedChains?>? fromBytes, CancellationToken ct)
    {
        if (fromBytes is not null)
        {
            try
            {
                if (await fromBytes is { } read) return read;
            }
            catch (Exception) when (!ct.IsCancellationRequested) { } // the third connection failed: the usual way, here
        }
        else if (db.Dialect.Name == "sqlite")
        {
            var doubt = false;
            var signed = await CheckpointsAsync(file, _ => doubt = true, ct);
            if (doubt) return null;
            if (await SealsFromBytesAsync(db, signed, ct) is { } quick) return quick;
        }
        var problem = false;
        var usual = await ChainsAndCheckpointsAsync(null, file, _ => problem = true, ct);
        return problem ? null : usual;
    }

    /// <summary><see cref="QuickSealCheck"/> over every seal read on <paramref name="session"/>; null when it cannot vouch for them all (the usual way decides).</summary>
    private static async Task<CheckedChains?> SealsFromBytesAsync(IDbSession session, SignedCheckpoints checkpoints, CancellationToken ct)
    {
        var check = new QuickSealCheck(checkpoints);
        try
        {
            await using var seals = await session.OpenCursorAsync(QuickSealCheck.Seals, ct);
            while (await seals.ReadAsync(ct))
                if (!check.Check(seals)) return null;
        }
        catch (System.Data.Common.DbException) { return null; } // a table rebuilt without rowids: the usual way reads it
        return check.Chains() is { } chains ? (chains, checkpoints.Stored, checkpoints.FromFile, check.Count) : null;
    }

    // Where the postings' EveryRow has them (after the owner, as DigestedTable.Columns lists them).
    private static readonly int PostingEntry = PostingColumn("p.journal_entry_id"), PostingProgramme = PostingColumn("p.programme_id"),
        PostingAmount = PostingColumn("p.amount");

    private static int PostingColumn(string name)
    {
        var at = Array.IndexOf(RowDigests.DistinctTables.Single(t => t.Table == "postings").Columns.Split(", "), name);
        return at >= 0 ? 1 + at : throw new InvalidOperationException($"The digested postings have no column {name}.");
    }

    /// <summary>
    /// Only where the cursor's text is the bytes SQLite compares: a SQLite file stored as UTF-8. In one stored as UTF-16 the
    /// cursor reads SQLite's conversion, which can make two different stored ids (a broken one among them) read the same, where
    /// GROUP BY keeps them apart. The other engines' cursors give no bytes to compare at all.
    /// </summary>
    private static async Task<bool> RunsTellEntriesApartAsync(IDbSession session, CancellationToken ct) =>
        session.Dialect.Name == "sqlite" && await session.QuerySingleAsync<string>("PRAGMA encoding", null, ct) == "UTF-8";

    internal static void AddPosting(TrialBalanceRuns balance, IRowCursor posting)
    {
        if (posting.Kind(PostingEntry) == ColumnKind.Text && posting.Kind(PostingProgramme) == ColumnKind.Text
            && posting.Kind(PostingAmount) == ColumnKind.Integer)
            balance.Add(posting.GetUtf8(PostingEntry), posting.GetUtf8(PostingProgramme), posting.GetInt64(PostingAmount));
        else balance.Unreadable();
    }

    /// <summary>
    /// Adds one record's <c>row_digests</c> (<c>{"entity": {"row": "digest", …}, …}</c>) to the digests, reading the JSON once
    /// without building dictionaries or strings. False when it is not of that shape.
    /// </summary>
    private static bool AddDigests(ReadOnlySpan<byte> json, long sequence, HashSet<(int, Guid, long)> superseded,
        MultisetDigest recordedRows, MultisetDigest recordedPairs)
    {
        var reader = new Utf8JsonReader(json);
        Span<byte> pair = stackalloc byte[32];
        Span<byte> digest = stackalloc byte[16];
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped || !TryEntity(reader.ValueSpan, out var kind, out var id)) return false;
                recordedPairs.Add(Pair(kind, id, sequence, pair));
                var newest = superseded.Count == 0 || !superseded.Contains((kind, id, sequence));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return false;
                    if (!newest) continue;
                    // 22 characters exactly: the detailed pass compares the text, so no other spelling of the same bytes may pass here.
                    if (reader.ValueSpan.Length != 22 || Base64Url.DecodeFromUtf8(reader.ValueSpan, digest, out _, out var written) != OperationStatus.Done
                        || written != 16) return false;
                    recordedRows.Add(digest);
                }
                if (reader.TokenType != JsonTokenType.EndObject) return false;
            }
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An entity key read from a cursor: false for anything but text (a key stored as a blob or a number was not written by Aid).</summary>
    private static bool TryEntity(IRowCursor row, int column, out int kind, out Guid id)
    {
        (kind, id) = (-1, Guid.Empty);
        return row.Kind(column) is ColumnKind.Text or ColumnKind.Other && TryEntity(row.GetUtf8(column), out kind, out id);
    }

    /// <summary>An entity key as written (<c>gift:&lt;lower-case uuid&gt;</c>): the kind's index and the id. False for any other text.</summary>
    private static bool TryEntity(ReadOnlySpan<byte> key, out int kind, out Guid id)
    {
        (kind, id) = (-1, Guid.Empty);
        var colon = key.IndexOf((byte)':');
        if (colon <= 0 || key.Length - colon - 1 != 36) return false;
        var uuid = key[(colon + 1)..];
        foreach (var c in uuid)
            if (!(char.IsAsciiDigit((char)c) || c is (byte)'-' or >= (byte)'a' and <= (byte)'f')) return false;
        if (!Utf8Parser.TryParse(uuid, out id, out var consumed, 'D') || consumed != 36) return false;
        for (var i = 0; i < EntityKinds.Length; i++)
            if (key[..colon].SequenceEqual(EntityKinds[i])) { kind = i; return true; }
        return false;
    }

    /// <summary>(entity, record) as two blocks: kind, id, sequence.</summary>
    private static ReadOnlySpan<byte> Pair(int kind, Guid id, long sequence, Span<byte> into)
    {
        into.Clear();
        into[0] = (byte)kind;
        id.TryWriteBytes(into[1..17]);
        BinaryPrimitives.WriteInt64BigEndian(into[17..25], sequence);
        return into;
    }
}
