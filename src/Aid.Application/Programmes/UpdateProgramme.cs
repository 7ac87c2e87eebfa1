using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Programmes;

/// <summary>PATCH: only the fields given change. Status moves planned → active → closed (or planned → closed).</summary>
public sealed record UpdateProgramme(
    Guid Id, string? Code, string? Name, string? Region, string? Partner,
    DateOnly? StartDate, DateOnly? EndDate, string? AnnualStandard, string? Target, string? Status) : ICommand<ProgrammeView>;

public sealed class UpdateProgrammeValidator : AbstractValidator<UpdateProgramme>
{
    public UpdateProgrammeValidator()
    {
        RuleFor(c => c.Code).NotEmpty().MaximumLength(40).Matches("^[A-Za-z0-9][A-Za-z0-9_.-]*$").When(c => c.Code is not null);
        RuleFor(c => c.Name).NotEmpty().Text(200).When(c => c.Name is not null);
        RuleFor(c => c.Region).Text(200);
        RuleFor(c => c.Partner).Text(200);
        RuleFor(c => c.AnnualStandard).MoneyAmount().When(c => c.AnnualStandard is not null);
        RuleFor(c => c.Target).MoneyAmount().When(c => c.Target is not null);
        RuleFor(c => c.Status).Must(s => s is null || ProgrammeStatus.All.Contains(s)).WithMessage("status must be planned, active or closed.");
    }
}

internal sealed class UpdateProgrammeHandler(IDbSession db, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<UpdateProgramme, ProgrammeView>
{
    public async ValueTask<ProgrammeView> Handle(UpdateProgramme command, CancellationToken ct)
    {
        scope.EnsureProgramme(command.Id);
        var current = await ProgrammeRow.FindAsync(db, command.Id, ct, forUpdate: true)
            ?? throw new NotFoundException("Programme", command.Id);

        var start = command.StartDate ?? current.StartDate;
        var end = command.EndDate ?? current.EndDate;
        if (end <= start)
            throw new InputException("endDate", "endDate must be after startDate.");
        if (command.Status is { } status && status != current.Status && !IsAllowed(current.Status, status))
            throw new ConflictException($"A {current.Status} programme cannot become {status}.");
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
            AnnualStandard = command.AnnualStandard is null ? current.AnnualStandard : Money.Parse(command.AnnualStandard),
            Target = command.Target is null ? current.Target : Money.Parse(command.Target),
            Status = command.Status ?? current.Status,
            CreatedAt = current.CreatedAt,
        };
        await db.ExecuteAsync("""
            UPDATE programmes SET code = @Code, name = @Name, region = @Region, partner = @Partner, start_date = @StartDate,
                end_date = @EndDate, annual_standard = @AnnualStandard, target = @Target, status = @Status
            WHERE id = @Id
            """, new { updated.Id, updated.Code, updated.Name, updated.Region, updated.Partner, updated.StartDate, updated.EndDate,
                updated.AnnualStandard, updated.Target, updated.Status }, ct);
        var view = updated.ToView();
        audit.Describe("programme", updated.Id, updated.Id, new { changed = command with { Id = updated.Id } });
        return view;
    }

    private static bool IsAllowed(string from, string to) => (from, to) switch
    {
        (ProgrammeStatus.Planned, ProgrammeStatus.Active) => true,
        (ProgrammeStatus.Planned, ProgrammeStatus.Closed) => true,
        (ProgrammeStatus.Active, ProgrammeStatus.Closed) => true,
        _ => false,
    };
}
