using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Pledges;

/// <summary>The donor withdrew the promise: nothing more is expected. What was paid stays paid.</summary>
public sealed record CancelPledge(Guid Id, string Reason) : ICommand<PledgeView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("pledge", Id);
}

/// <summary>The rest of the promise will not be collected (the donor cannot be reached, a company closed).</summary>
public sealed record WriteOffPledge(Guid Id, string Reason) : ICommand<PledgeView>, IIdempotentCommand, Pipeline.IChangesAuditedEntity
{
    [System.Text.Json.Serialization.JsonIgnore] public Auditing.EntityRef Changes => new("pledge", Id);
}

internal sealed class CancelPledgeHandler(PledgeCloser closer) : ICommandHandler<CancelPledge, PledgeView>
{
    public async ValueTask<PledgeView> Handle(CancelPledge command, CancellationToken ct) =>
        await closer.CloseAsync(command.Id, PledgeStatus.Cancelled, command.Reason, ct);
}

internal sealed class WriteOffPledgeHandler(PledgeCloser closer) : ICommandHandler<WriteOffPledge, PledgeView>
{
    public async ValueTask<PledgeView> Handle(WriteOffPledge command, CancellationToken ct) =>
        await closer.CloseAsync(command.Id, PledgeStatus.WrittenOff, command.Reason, ct);
}

/// <summary>Shared by cancel and write-off: only an open pledge can be closed.</summary>
public sealed class PledgeCloser(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
{
    internal async Task<PledgeView> CloseAsync(Guid id, string status, string reason, CancellationToken ct)
    {
        var pledge = await db.QuerySingleOrDefaultAsync<PledgeRow>($"SELECT {PledgeRow.Columns} FROM pledges WHERE id = @id", new { id }, ct);
        if (pledge is null || !scope.CanSeeProgramme(pledge.ProgrammeId))
            throw new NotFoundException("Pledge", id);
        await ProgrammeGuard.LockOpenAsync(db, scope, pledge.ProgrammeId, ct);
        var state = await PledgeState.LoadAsync(db, id, ct, forUpdate: true) ?? throw new NotFoundException("Pledge", id);
        if (state.Status != PledgeStatus.Open)
            throw new ConflictException($"The pledge is {state.Status}; only an open pledge can be {(status == PledgeStatus.Cancelled ? "cancelled" : "written off")}.",
                new Dictionary<string, object?> { ["status"] = state.Status });

        await db.ExecuteAsync("""
            UPDATE pledges SET closed_status = @status, closed_reason = @reason, closed_at = @now, closed_by = @by WHERE id = @id
            """, new { id, status, reason, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        audit.Describe("pledge", id, pledge.ProgrammeId, new { status, reason, outstanding = Money.Format(state.Remaining) });
        var closed = await PledgeState.LoadAsync(db, id, ct) ?? throw new NotFoundException("Pledge", id);
        return closed.ToView(clock.Today());
    }
}
