using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Gifts;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>
/// One chunk of a commit, in one transaction: up to <see cref="ChunkSize"/> ready rows become gifts (each through
/// <see cref="RecordGift"/>, so ledger, audit record and rules are those of <c>POST /gifts</c>), each payment is entered in
/// <c>external_payments</c> and each row marked booked. A payment booked meanwhile from another file (or by another instance)
/// makes its row a duplicate instead. Returns true when nothing is left; the import is then committed. Sent by the worker,
/// as the person who committed.
/// </summary>
public sealed record ProcessImportChunk(Guid ImportId, int ChunkSize) : ICommand<bool>;

internal sealed class ProcessImportChunkHandler(IDbSession db, BusinessClock clock, ISender sender, AuditRecorder audit)
    : ICommandHandler<ProcessImportChunk, bool>
{
    public async ValueTask<bool> Handle(ProcessImportChunk command, CancellationToken ct)
    {
        var import = await ImportRecord.FindAsync(db, command.ImportId, ct, RowLock.Update);
        if (import is null || import.Status != ImportStatuses.Committing) return true;

        var rows = await db.QueryAsync<ImportRowRecord>($"""
            {ImportRowRecord.Select}
            WHERE r.import_id = @importId AND r.outcome = 'new' AND r.donor_id IS NOT NULL
            ORDER BY r.row_no {db.Dialect.Limit("@take")}
            """, new { importId = import.Id, take = command.ChunkSize }, ct);

        var booked = 0;
        var duplicates = 0;
        foreach (var row in rows)
        {
            if (row.ExternalRef is { } reference && await RowMatcher.FindRecordedAsync(db, import.ProgrammeId, row.Source, reference, ct) is { } recorded)
            {
                await db.ExecuteAsync("""
                    UPDATE import_rows SET outcome = 'duplicate', duplicate_gift_id = @giftId WHERE import_id = @importId AND row_no = @rowNo
                    """, new { giftId = recorded.GiftId, importId = import.Id, rowNo = row.RowNo }, ct);
                duplicates++;
                continue;
            }
            var gift = await sender.Send(new RecordGift(import.ProgrammeId, row.DonorId!.Value, row.ReceivedOn!.Value,
                row.ReferenceComposed ? null : row.ExternalRef, row.Currency,
                new CashGift(row.Amount, Codes.Parse<PaymentMethod>(row.Method)), InKind: null), ct);
            if (row.ExternalRef is not null)
                await db.ExecuteAsync("""
                    INSERT INTO external_payments (source, external_ref, gift_id, import_id, row_no) VALUES (@source, @ref, @giftId, @importId, @rowNo)
                    """, new { source = row.Source, @ref = row.ExternalRef, giftId = gift.Id, importId = import.Id, rowNo = row.RowNo }, ct);
            if (row.DonorMatch is "assigned" or "created" or "anonymous" &&
                PayerIdentity.Of(row.PayerId, row.PayerAccount, row.PayerAccountMasked, row.PayerName) is { } identity)
                await db.ExecuteAsync(db.Dialect.InsertIfAbsent("payer_identities", "kind, value, donor_id, created_at",
                    "@kind, @value, @donorId, @now", "kind, value"), new { kind = identity.Kind, value = identity.Value, donorId = row.DonorId, now = clock.UtcNow() }, ct);
            await db.ExecuteAsync("UPDATE import_rows SET outcome = 'booked', gift_id = @giftId WHERE import_id = @importId AND row_no = @rowNo",
                new { giftId = gift.Id, importId = import.Id, rowNo = row.RowNo }, ct);
            booked++;
        }

        var finished = rows.Count < command.ChunkSize;
        if (finished)
            await db.ExecuteAsync("UPDATE imports SET status = 'committed', finished_at = @now, commit_actor = NULL WHERE id = @id",
                new { id = import.Id, now = clock.UtcNow() }, ct);
        audit.Describe("import", import.Id, import.ProgrammeId, new
        {
            booked, duplicates, firstRow = rows.Count > 0 ? rows[0].RowNo : (long?)null, lastRow = rows.Count > 0 ? rows[^1].RowNo : (long?)null, finished,
        });
        return finished;
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
