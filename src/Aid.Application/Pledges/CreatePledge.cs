using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Pledges;

/// <summary>
/// A donor's promise: a total split by frequency (<paramref name="Regular"/>) or an explicit list of
/// <paramref name="Instalments"/> that adds up to the total, never both. Amounts in minor units. A pledge is not income:
/// it never touches the ledger.
/// </summary>
public sealed record CreatePledge(
    Guid DonorId, Guid ProgrammeId, long Total, string? Currency, RegularSchedule? Regular, IReadOnlyList<CreatePledge.Instalment>? Instalments)
    : ICommand<PledgeView>, IIdempotentCommand
{
    /// <summary>One instalment of an explicit list: <paramref name="Amount"/> in minor units.</summary>
    public sealed record Instalment(DateOnly DueDate, long Amount);
}

/// <summary><paramref name="Count"/> instalments every <paramref name="Frequency"/> from <paramref name="FirstDueDate"/>, the total split evenly.</summary>
public sealed record RegularSchedule(PledgeFrequency Frequency, int Count, DateOnly FirstDueDate);

/// <summary>The invariants of a schedule (the allocation of gifts relies on them); the shape of a request is checked at the edge.</summary>
public sealed class CreatePledgeValidator : AbstractValidator<CreatePledge>
{
    public CreatePledgeValidator()
    {
        RuleFor(c => c).Must(c => (c.Regular is null) != (c.Instalments is null)).OverridePropertyName("frequency")
            .WithMessage("A pledge has either a frequency or instalments.");
        RuleFor(c => c.Regular!.Count).InclusiveBetween(1, InstalmentSchedule.MaxInstalments).OverridePropertyName("count")
            .Must((c, count) => count <= c.Total).WithMessage("Every instalment must be at least 0.01.")
            .When(c => c.Regular is not null);
        When(c => c.Instalments is not null, () =>
        {
            RuleFor(c => c.Instalments!.Count).InclusiveBetween(1, InstalmentSchedule.MaxInstalments).OverridePropertyName("instalments");
            RuleForEach(c => c.Instalments).ChildRules(i => i.RuleFor(x => x.Amount).GreaterThan(0).WithMessage("The amount must be greater than zero."));
            RuleFor(c => c.Instalments).Must(list => list!.Zip(list!.Skip(1)).All(p => p.First.DueDate <= p.Second.DueDate))
                .WithMessage("Instalments are listed in due-date order.");
            RuleFor(c => c.Instalments).Must((c, list) => list!.Sum(i => i.Amount) == c.Total).WithMessage("The instalments must add up to the total.");
        });
    }
}

internal sealed class CreatePledgeHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreatePledge, PledgeView>
{
    public async ValueTask<PledgeView> Handle(CreatePledge command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.ShareOpenAsync(db, scope, command.ProgrammeId, ct);
        ProgrammeGuard.EnsureCurrency(command.Currency, programme);
        await ProgrammeGuard.EnsureDonorExistsAsync(db, command.DonorId, ct);

        var total = command.Total;
        var (frequency, schedule) = command.Regular is { } regular
            ? (regular.Frequency.Code(), InstalmentSchedule.Build(total, regular.Frequency, regular.Count, regular.FirstDueDate))
            : (PledgeFrequencies.Custom, command.Instalments!.Select((i, n) => new ScheduledInstalment(n + 1, i.DueDate, i.Amount)).ToList());

        var id = Guid.CreateVersion7();
        var createdAt = clock.UtcNow();
        await db.ExecuteAsync("""
            INSERT INTO pledges (id, programme_id, donor_id, currency, total, frequency, created_at, created_by)
            VALUES (@id, @programmeId, @donorId, @currency, @total, @frequency, @createdAt, @createdBy)
            """, new { id, programmeId = programme.Id, donorId = command.DonorId, currency = programme.Currency, total, frequency, createdAt,
                createdBy = scope.AuditActor }, ct);
        foreach (var instalment in schedule)
            await db.ExecuteAsync("INSERT INTO pledge_instalments (pledge_id, number, due_date, amount) VALUES (@id, @Number, @DueDate, @Amount)",
                new { id, instalment.Number, instalment.DueDate, instalment.Amount }, ct);

        var state = await PledgeState.LoadAsync(db, id, ct) ?? throw new InvalidOperationException("The pledge just written is missing.");
        audit.Describe("pledge", id, programme.Id, new
        {
            donorId = command.DonorId, total = Money.Format(total), frequency, instalments = schedule.Count,
        });
        return state.ToView(clock.Today());
    }
}
