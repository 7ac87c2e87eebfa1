using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.ReceiptRuns;

/// <summary>
/// Starts a background run that issues every missing receipt of a programme's year: one per gift, or one annual
/// receipt per donor. The run proceeds in chunks, each its own transaction, and resumes after a restart.
/// </summary>
public sealed record CreateReceiptRun(Guid ProgrammeId, int Year, string Kind) : ICommand<ReceiptRunView>, IIdempotentCommand;

/// <summary>
/// The kind is a string code (<see cref="ReceiptRunKinds"/>): "per-gift" is not a name an enum member can carry, so the
/// type does not rule out others. The rest of a request's shape is checked at the edge.
/// </summary>
public sealed class CreateReceiptRunValidator : AbstractValidator<CreateReceiptRun>
{
    public CreateReceiptRunValidator() =>
        RuleFor(c => c.Kind).Must(k => k is ReceiptRunKinds.PerGift or ReceiptRunKinds.Annual).WithMessage("kind must be per-gift or annual.");
}

internal sealed class CreateReceiptRunHandler(IDbSession db, BusinessClock clock, AccessScope scope, Receipts.ReceiptIssuer issuer, AuditRecorder audit)
    : ICommandHandler<CreateReceiptRun, ReceiptRunView>
{
    public async ValueTask<ReceiptRunView> Handle(CreateReceiptRun command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId, ct);
        if (!issuer.CanRender) throw new UnavailableException("Receipts cannot be issued: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
        var active = await db.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT id FROM receipt_runs WHERE programme_id = @programmeId AND status IN ('pending', 'running')", new { programmeId = programme.Id }, ct);
        if (active is { } activeId)
            throw new ConflictException("A receipt run for this programme is still in progress.", new Dictionary<string, object?> { ["runId"] = activeId });

        var year = command.Year;
        var pending = await db.QueryAsync<ReceiptRunWork.PendingGiftRow>(ReceiptRunWork.PendingGiftsSql(command.Kind),
            new { programmeId = programme.Id, from = new DateOnly(year, 1, 1), to = new DateOnly(year, 12, 31) }, ct);
        var total = command.Kind == ReceiptRunKinds.PerGift ? pending.Count : pending.Select(p => p.DonorId).Distinct().Count();

        var id = Guid.CreateVersion7();
        await db.ExecuteAsync("""
            INSERT INTO receipt_runs (id, programme_id, year, kind, status, total, done, errors, created_at, created_by)
            VALUES (@id, @programmeId, @year, @kind, 'pending', @total, 0, 0, @now, @by)
            """, new { id, programmeId = programme.Id, year, kind = command.Kind, total, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        audit.Describe("receipt_run", id, programme.Id, new { year, command.Kind, total });
        var run = await db.QuerySingleAsync<ReceiptRunRow>($"SELECT {ReceiptRunRow.Columns} FROM receipt_runs WHERE id = @id", new { id }, ct);
        return run.ToView(clock.UtcNow());
    }
}
