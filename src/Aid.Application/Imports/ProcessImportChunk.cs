using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Gifts;
using Aid.Application.Ledger;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>
/// One chunk of a commit, in one transaction: up to <see cref="ChunkSize"/> ready rows become gifts under the rules of
/// <see cref="RecordGift"/> (the same validator and programme, currency, date, donor and reference checks, the same ledger
/// entry), each payment is entered in <c>external_payments</c> and each row marked booked. A payment booked meanwhile from
/// another file (or by another instance), or earlier in the same chunk, makes its row a duplicate instead. The chunk's one
/// audit record digests every gift it booked (docs/AUDIT-CHAIN.md, "Imports"). Answers whether nothing is left (the import is
/// then committed) and how many gifts it booked. Sent by the worker, as the person who committed.
/// </summary>
public sealed record ProcessImportChunk(Guid ImportId, int ChunkSize) : ICommand<ImportChunkResult>;

public sealed record ImportChunkResult(bool Finished, int Booked);

internal sealed class ProcessImportChunkHandler(
    IDbSession db, BusinessClock clock, AccessScope scope, Journal journal, AuditRecorder audit, IEnumerable<IValidator<RecordGift>> giftRules)
    : ICommandHandler<ProcessImportChunk, ImportChunkResult>
{
    public async ValueTask<ImportChunkResult> Handle(ProcessImportChunk command, CancellationToken ct)
    {
        var import = await ImportRecord.FindAsync(db, command.ImportId, ct, RowLock.Update);
        if (import is null || import.Status != ImportStatuses.Committing) return new ImportChunkResult(Finished: true, Booked: 0);

        var rows = await db.QueryAsync<ImportRowRecord>($"""
            {ImportRowRecord.Select}
            WHERE r.import_id = @importId AND r.outcome = 'new' AND r.donor_id IS NOT NULL
            ORDER BY r.row_no {db.Dialect.Limit("@take")}
            """, new { importId = import.Id, take = command.ChunkSize }, ct);

        var chunk = rows.Count == 0 ? null : await BookAsync(import, rows, ct);
        var finished = rows.Count < command.ChunkSize;
        if (finished)
            await db.ExecuteAsync("UPDATE imports SET status = 'committed', finished_at = @now, commit_actor = NULL WHERE id = @id",
                new { id = import.Id, now = clock.UtcNow() }, ct);
        audit.Describe("import", import.Id, import.ProgrammeId, new
        {
            booked = chunk?.Gifts.Count ?? 0, duplicates = chunk?.Duplicates.Count ?? 0,
            firstRow = rows.Count > 0 ? rows[0].RowNo : (long?)null, lastRow = rows.Count > 0 ? rows[^1].RowNo : (long?)null, finished,
        });
        foreach (var gift in chunk?.Gifts ?? []) audit.Covers("gift", gift.Id);
        return new ImportChunkResult(finished, chunk?.Gifts.Count ?? 0);
    }

    /// <summary>Checks every row first, then writes each table's rows with one statement executed per row.</summary>
    private async Task<ChunkBooking> BookAsync(ImportRecord import, IReadOnlyList<ImportRowRecord> rows, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.ShareOpenAsync(db, scope, import.ProgrammeId, ct);
        var donorIds = rows.Select(r => r.DonorId!.Value).Distinct().ToList();
        var knownDonors = (await db.QueryAsync<Guid>($"SELECT id FROM donors WHERE {db.Dialect.InList("id", "ids")}",
            new { ids = db.Dialect.IdList(donorIds) }, ct)).ToHashSet();
        var (now, actor) = (clock.UtcNow(), scope.AuditActor);
        var chunk = new ChunkBooking
        {
            Recorded = await RowMatcher.FindRecordedAsync(db, programme.Id,
                rows.Where(r => r.ExternalRef is not null).Select(r => (r.Source, RowMatcher.ShortReference(r.ExternalRef)!)).Distinct().ToList(), ct),
        };
        foreach (var row in rows)
        {
            if (row.ExternalRef is { } externalRef && Recorded(chunk, row.Source, externalRef) is { } recorded)
            {
                chunk.Duplicates.Add(new { giftId = recorded, importId = import.Id, rowNo = row.RowNo });
                continue;
            }
            var gift = new RecordGift(programme.Id, row.DonorId!.Value, row.ReceivedOn!.Value, row.ReferenceComposed ? null : row.ExternalRef,
                row.Currency, new CashGift(row.Amount, Codes.Parse<PaymentMethod>(row.Method)), InKind: null);
            await Validation.EnsureValidAsync(giftRules, gift, ct);
            ProgrammeGuard.EnsureCurrency(gift.Currency, programme);
            ProgrammeGuard.EnsureWithinSpan(programme, gift.ReceivedOn, "receivedOn");
            if (!knownDonors.Contains(gift.DonorId)) throw new InputException("donorId", $"Unknown donor {gift.DonorId}.");
            var reference = gift.Reference?.Trim();
            if (reference is not null && reference != gift.Reference) // else the duplicate check above has looked for it already
            {
                if (chunk.References.TryGetValue(reference, out var first))
                    throw new ConflictException($"A gift with reference '{reference}' is already recorded in this programme.",
                        new Dictionary<string, object?> { ["existingGiftId"] = first });
                await RecordGiftHandler.EnsureReferenceFreeAsync(db, programme.Id, reference, ct);
            }

            var giftId = Guid.CreateVersion7();
            chunk.Gifts.Add(new GiftRow
            {
                Id = giftId, ProgrammeId = programme.Id, DonorId = gift.DonorId, Kind = gift.Kind.Code(), ReceivedOn = gift.ReceivedOn,
                Currency = programme.Currency, Amount = gift.Cash!.Amount, Method = gift.Cash.Method.Code(), Reference = reference,
                CreatedAt = now, CreatedBy = actor,
            });
            if (reference is not null) chunk.References.TryAdd(reference, giftId);
            if (row.ExternalRef is not null)
            {
                chunk.Payments.Add(new { source = row.Source, @ref = row.ExternalRef, giftId, importId = import.Id, rowNo = row.RowNo });
                chunk.PaymentRefs.TryAdd((row.Source, RowMatcher.ShortReference(row.ExternalRef)!), giftId);
            }
            if (row.DonorMatch is "assigned" or "created" or "anonymous" &&
                PayerIdentity.Of(row.PayerId, row.PayerAccount, row.PayerAccountMasked, row.PayerName) is { } identity)
                chunk.Identities.Add(new { kind = identity.Kind, value = identity.Value, donorId = row.DonorId, now });
            chunk.Booked.Add(new { giftId, importId = import.Id, rowNo = row.RowNo });
        }

        var entryIds = await journal.PostAllAsync(chunk.Gifts.Select(g => new JournalEntryDraft(g.ProgrammeId, g.ReceivedOn, EntryKinds.CashGift, "gift", g.Id,
            [new Posting(Accounts.CashAtBank, g.Amount), new Posting(Accounts.RestrictedFund, -g.Amount)])).ToList(), ct);
        // Each gift points at its entry, posted just now (as RecordGift posts it before the gift row).
        var gifts = chunk.Gifts.Select((g, i) => g.WithJournalEntry(entryIds[i])).ToList();
        await db.ExecuteEachAsync(GiftRow.Insert, gifts, ct);
        await db.ExecuteEachAsync("""
            INSERT INTO external_payments (source, external_ref, gift_id, import_id, row_no) VALUES (@source, @ref, @giftId, @importId, @rowNo)
            """, chunk.Payments, ct);
        await db.ExecuteEachAsync(db.Dialect.InsertIfAbsent("payer_identities", "kind, value, donor_id, created_at", "@kind, @value, @donorId, @now", "kind, value"),
            chunk.Identities, ct);
        await db.ExecuteEachAsync("UPDATE import_rows SET outcome = 'booked', gift_id = @giftId WHERE import_id = @importId AND row_no = @rowNo", chunk.Booked, ct);
        await db.ExecuteEachAsync("""
            UPDATE import_rows SET outcome = 'duplicate', duplicate_gift_id = @giftId WHERE import_id = @importId AND row_no = @rowNo
            """, chunk.Duplicates, ct);
        return chunk;
    }

    /// <summary>
    /// The gift a payment is already booked as: in this chunk (not yet written) or in the database (looked up for the whole
    /// chunk before its first row: nothing is written until every row is checked).
    /// </summary>
    private static Guid? Recorded(ChunkBooking chunk, string source, string externalRef)
    {
        var reference = RowMatcher.ShortReference(externalRef)!;
        if (chunk.PaymentRefs.TryGetValue((source, reference), out var booked)) return booked;
        if (chunk.Recorded.TryGetValue((source, reference), out booked)) return booked;
        return chunk.References.TryGetValue(reference, out booked) ? booked : null;
    }

    /// <summary>What a chunk books, held until every row is checked: nothing is written for a chunk that fails.</summary>
    private sealed class ChunkBooking
    {
        /// <summary>The chunk's payments the database already has ((source, reference) → the gift), as before the chunk.</summary>
        public required Dictionary<(string Source, string Reference), Guid> Recorded { get; init; }
        public List<GiftRow> Gifts { get; } = [];
        public List<object> Payments { get; } = [];
        public List<object> Identities { get; } = [];
        public List<object> Booked { get; } = [];
        public List<object> Duplicates { get; } = [];
        /// <summary>Gift references booked in this chunk (the reference → the gift).</summary>
        public Dictionary<string, Guid> References { get; } = new(StringComparer.Ordinal);
        /// <summary>Payments booked in this chunk ((source, reference) → the gift).</summary>
        public Dictionary<(string Source, string Reference), Guid> PaymentRefs { get; } = [];
    }
}

/// <summary>Records a failed chunk (its own transaction, after the chunk rolled back); three failures in a row fail the import.</summary>
public sealed record RecordImportError(Guid ImportId, string Error, bool Fail) : ICommand<Unit>;

internal sealed class RecordImportErrorHandler(IDbSession db, BusinessClock clock, AuditRecorder audit) : ICommandHandler<RecordImportError, Unit>
{
    public async ValueTask<Unit> Handle(RecordImportError command, CancellationToken ct)
    {
        var programmeId = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT programme_id FROM imports WHERE id = @id", new { id = command.ImportId }, ct);
        var error = command.Error.Length > 1000 ? command.Error[..1000] : command.Error;
        await db.ExecuteAsync(
            $"UPDATE imports SET last_error = @error{(command.Fail ? ", status = 'failed', finished_at = @now" : "")} WHERE id = @id AND status = 'committing'",
            new { id = command.ImportId, error, now = clock.UtcNow() }, ct);
        audit.Describe("import", command.ImportId, programmeId, new { error, failed = command.Fail });
        return Unit.Value;
    }
}

/// <summary>
/// Imports the worker should pick up (committing ones, also those a stopped process left), each with who committed it as they
/// are now: their current role and programmes, read fresh, so a revoked key, a disabled person or a withdrawn programme stops
/// the booking (<see cref="CommittingImport.Problem"/>) instead of going on with the rights they had when they committed.
/// </summary>
public sealed record ListCommittingImports : IQuery<IReadOnlyList<CommittingImport>>;

public sealed record CommittingImport(Guid Id, Actor? Actor, string? Problem);

internal sealed class ListCommittingImportsHandler(IDbSession db) : IQueryHandler<ListCommittingImports, IReadOnlyList<CommittingImport>>
{
    public const string NoLongerAllowed =
        "The person who committed this import may no longer book gifts in this programme (key revoked, account disabled or programme withdrawn); someone who may should commit it again.";

    public async ValueTask<IReadOnlyList<CommittingImport>> Handle(ListCommittingImports query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<(Guid Id, Guid ProgrammeId, string? Actor)>(
            "SELECT id, programme_id, commit_actor FROM imports WHERE status = 'committing' ORDER BY id", null, ct);
        var imports = new List<CommittingImport>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Actor is null)
            {
                imports.Add(new CommittingImport(row.Id, null, null)); // committed by the system itself (no caller)
                continue;
            }
            var committed = System.Text.Json.JsonSerializer.Deserialize<ImportCommitActor>(row.Actor)!;
            var actor = await CurrentAsync(committed, ct);
            var allowed = actor is { Role: Roles.Admin } || actor is { Role: Roles.Manager } && actor.ProgrammeIds.Contains(row.ProgrammeId);
            imports.Add(allowed ? new CommittingImport(row.Id, actor, null) : new CommittingImport(row.Id, null, NoLongerAllowed));
        }
        return imports;
    }

    private async Task<Actor?> CurrentAsync(ImportCommitActor committed, CancellationToken ct)
    {
        var role = await db.QuerySingleOrDefaultAsync<string>(
            "SELECT role FROM users WHERE id = @userId AND disabled_at IS NULL", new { userId = committed.UserId }, ct);
        if (role is null) return null;
        if (committed.KeyId is { } keyId &&
            await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM api_keys WHERE id = @keyId AND revoked_at IS NULL", new { keyId }, ct) is null)
            return null;
        var programmes = await db.QueryAsync<Guid>("SELECT programme_id FROM user_programmes WHERE user_id = @userId", new { userId = committed.UserId }, ct);
        return new Actor(committed.KeyId, committed.UserId, role, programmes.ToList(), null);
    }
}
