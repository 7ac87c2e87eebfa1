using System.Text.Json;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>
/// Starts booking an import's new rows that have a donor, as gifts by the same rules as <c>POST /gifts</c>. The background
/// worker books them in chunks, each its own transaction, and picks up where it was after a restart. Committing an import
/// that is committing already, or committed with nothing new to book, changes nothing and answers its state; rows given a
/// donor after a commit are booked by committing again. Nothing is ever booked twice: a row records its gift, and a payment
/// its channel and id (<c>external_payments</c>).
/// </summary>
public sealed record CommitImport(Guid ImportId) : ICommand<ImportView>, IIdempotentCommand;

/// <summary>Who committed: the worker books the gifts as this person (created_by, the audit trail, the programme scope).</summary>
public sealed record ImportCommitActor(Guid? KeyId, Guid UserId, string Role, IReadOnlyList<Guid> ProgrammeIds);

internal sealed class CommitImportHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CommitImport, ImportView>
{
    public async ValueTask<ImportView> Handle(CommitImport command, CancellationToken ct)
    {
        var import = await ImportRecord.FindVisibleAsync(db, scope, command.ImportId, ct, RowLock.Update);
        await ProgrammeGuard.ShareOpenAsync(db, scope, import.ProgrammeId, ct);
        if (import.Status == ImportStatuses.Committing) return await import.ToViewAsync(db, ct);

        var ready = await db.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM import_rows WHERE import_id = @id AND outcome = 'new' AND donor_id IS NOT NULL", new { id = import.Id }, ct);
        if (ready == 0)
        {
            if (import.Status == ImportStatuses.Committed) return await import.ToViewAsync(db, ct);
            var waiting = await db.QuerySingleAsync<long>(
                "SELECT COUNT(*) FROM import_rows WHERE import_id = @id AND outcome = 'new'", new { id = import.Id }, ct);
            throw new ConflictException(waiting > 0
                ? "No row has a donor yet: give the new rows their donors, then commit."
                : "The file has no new gift to book.", new Dictionary<string, object?> { ["needsDonor"] = waiting });
        }

        var actor = scope.Actor is { } a ? JsonSerializer.Serialize(new ImportCommitActor(a.KeyId, a.UserId, a.Role, a.ProgrammeIds)) : null;
        var now = clock.UtcNow();
        await db.ExecuteAsync("""
            UPDATE imports SET status = 'committing', commit_actor = @actor, committed_at = @now, committed_by = @by, finished_at = NULL,
                   last_error = NULL
            WHERE id = @id
            """, new { id = import.Id, actor, now, by = scope.AuditActor }, ct);
        audit.Describe("import", import.Id, import.ProgrammeId, new { commit = true, ready });
        var committing = await ImportRecord.FindAsync(db, import.Id, ct) ?? throw new NotFoundException("Import", import.Id);
        return await committing.ToViewAsync(db, ct);
    }
}
