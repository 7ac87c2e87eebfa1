using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Programmes;

/// <summary>
/// A programme's status as a type: codes <c>planned</c>, <c>active</c>, <c>closed</c> (see <see cref="Codes"/>).
/// Named State, not Status, while <see cref="ProgrammeStatus"/> (ProgrammeView.cs) still holds the same codes as
/// strings for the rows and the other use cases; they become one type when that file moves over.
/// </summary>
public enum ProgrammeState { Planned, Active, Closed }

/// <summary>
/// PATCH: only the fields given change (null = unchanged). Amounts in minor units. Status moves planned → active → closed
/// (or planned → closed).
/// </summary>
public sealed record UpdateProgramme(
    Guid Id, string? Code, string? Name, string? Region, string? Partner,
    DateOnly? StartDate, DateOnly? EndDate, long? AnnualStandard, long? Target, ProgrammeState? Status) : ICommand<ProgrammeView>;

internal sealed class UpdateProgrammeHandler(IDbSession db, AccessScope scope, Preconditions preconditions, AuditRecorder audit)
    : ICommandHandler<UpdateProgramme, ProgrammeView>
{
    public async ValueTask<ProgrammeView> Handle(UpdateProgramme command, CancellationToken ct)
    {
        scope.EnsureProgramme(command.Id);
        var current = await ProgrammeRow.FindAsync(db, command.Id, ct, forUpdate: true)
            ?? throw new NotFoundException("Programme", command.Id);
        preconditions.EnsureMatches(current.ToView());

        var start = command.StartDate ?? current.StartDate;
        var end = command.EndDate ?? current.EndDate;
        if (end <= start)
            throw new InputException("endDate", "endDate must be after startDate.");
        var currentStatus = Codes.Parse<ProgrammeState>(current.Status);
        if (command.Status is { } status && status != currentStatus && !IsAllowed(currentStatus, status))
            throw new ConflictException($"A {current.Status} programme cannot become {status.Code()}.");
        if (command.Code is not null)
            await CreateProgrammeHandler.EnsureCodeIsFree(db, command.Code, command.Id, ct);

        var updated = new ProgrammeRow
        {
            Id = current.Id,
            Code = command.Code ?? current.Code,
            Name = command.Name?.Trim() ?? current.Name,
            Region = command.Region ?? current.Region,
            Partner = command.Partner ?? current.Partner,
            Currency = current.Currency,
            StartDate = start,
            EndDate = end,
            AnnualStandard = command.AnnualStandard ?? current.AnnualStandard,
            Target = command.Target ?? current.Target,
            Status = command.Status?.Code() ?? current.Status,
            CreatedAt = current.CreatedAt,
        };
        await db.ExecuteAsync("""
            UPDATE programmes SET code = @Code, name = @Name, region = @Region, partner = @Partner, start_date = @StartDate,
                end_date = @EndDate, annual_standard = @AnnualStandard, target = @Target, status = @Status
            WHERE id = @Id
            """, new { updated.Id, updated.Code, updated.Name, updated.Region, updated.Partner, updated.StartDate, updated.EndDate,
                updated.AnnualStandard, updated.Target, updated.Status }, ct);
        var view = updated.ToView();
        audit.Describe("programme", updated.Id, updated.Id, new
        {
            changed = new
            {
                id = updated.Id, code = command.Code, name = command.Name, region = command.Region, partner = command.Partner,
                startDate = command.StartDate, endDate = command.EndDate,
                annualStandard = command.AnnualStandard is { } standard ? Money.Format(standard) : null,
                target = command.Target is { } target ? Money.Format(target) : null, status = command.Status?.Code(),
            },
        });
        return view;
    }

    private static bool IsAllowed(ProgrammeState from, ProgrammeState to) => (from, to) switch
    {
        (ProgrammeState.Planned, ProgrammeState.Active) => true,
        (ProgrammeState.Planned, ProgrammeState.Closed) => true,
        (ProgrammeState.Active, ProgrammeState.Closed) => true,
        _ => false,
    };
}
