using System.Text.Json.Serialization;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Pledges;

/// <summary>
/// A donor's promise: a total split by frequency (count, first due date) or an explicit list of instalments
/// that adds up to the total. A pledge is not income: it never touches the ledger.
/// </summary>
public sealed record CreatePledge(
    Guid? DonorId, Guid? ProgrammeId, string? Total, string? Currency, string? Frequency, int? Count, DateOnly? FirstDueDate,
    IReadOnlyList<CreatePledge.Instalment>? Instalments) : ICommand<PledgeView>, IIdempotentCommand
{
    [JsonIgnore] public string? IdempotencyKey { get; init; }

    public sealed record Instalment(DateOnly? DueDate, string? Amount);
}

public sealed class CreatePledgeValidator : AbstractValidator<CreatePledge>
{
    public CreatePledgeValidator()
    {
        RuleFor(c => c.DonorId).NotEmpty();
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.Total).MoneyAmount();
        RuleFor(c => c.Currency).CurrencyCode();
        When(c => c.Instalments is null, () =>
        {
            RuleFor(c => c.Frequency).NotEmpty().Must(f => PledgeFrequencies.Regular.Contains(f!))
                .WithMessage("frequency must be monthly, quarterly, yearly or term (or give instalments instead).");
            RuleFor(c => c.Count).NotNull().InclusiveBetween(1, InstalmentSchedule.MaxInstalments);
            RuleFor(c => c.FirstDueDate).NotNull();
            RuleFor(c => c.Count).Must((c, count) => !Money.TryParse(c.Total, out var total, out _) || count <= total)
                .WithMessage("Every instalment must be at least 0.01.");
        });
        When(c => c.Instalments is not null, () =>
        {
            RuleFor(c => c.Frequency).Must(f => f is null or PledgeFrequencies.Custom).WithMessage("Give either a frequency or instalments, not both.");
            RuleFor(c => c.Count).Null().WithMessage("Give either count or instalments, not both.");
            RuleFor(c => c.FirstDueDate).Null().WithMessage("Give either firstDueDate or instalments, not both.");
            RuleFor(c => c.Instalments!.Count).InclusiveBetween(1, InstalmentSchedule.MaxInstalments).OverridePropertyName("instalments");
            RuleForEach(c => c.Instalments).ChildRules(i =>
            {
                i.RuleFor(x => x.DueDate).NotNull();
                i.RuleFor(x => x.Amount).MoneyAmount();
            });
            RuleFor(c => c.Instalments).Must(InDateOrder).WithMessage("Instalments are listed in due-date order.");
            RuleFor(c => c.Instalments).Must((c, list) => SumMatches(c.Total, list!))
                .WithMessage("The instalments must add up to the total.");
        });
    }

    private static bool InDateOrder(IReadOnlyList<CreatePledge.Instalment>? list) =>
        list is null || list.Zip(list.Skip(1)).All(p => p.First.DueDate is null || p.Second.DueDate is null || p.First.DueDate <= p.Second.DueDate);

    private static bool SumMatches(string? total, IReadOnlyList<CreatePledge.Instalment> list)
    {
        if (!Money.TryParse(total, out var expected, out _)) return true; // reported on total
        long sum = 0;
        foreach (var i in list)
        {
            if (!Money.TryParse(i.Amount, out var amount, out _)) return true; // reported on the instalment
            sum += amount;
        }
        return sum == expected;
    }
}

internal sealed class CreatePledgeHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreatePledge, PledgeView>
{
    public async ValueTask<PledgeView> Handle(CreatePledge command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.ShareOpenAsync(db, scope, command.ProgrammeId!.Value, ct);
        ProgrammeGuard.EnsureCurrency(command.Currency, programme);
        await ProgrammeGuard.EnsureDonorExistsAsync(db, command.DonorId!.Value, ct);

        var total = Money.Parse(command.Total!);
        var frequency = command.Instalments is null ? command.Frequency! : PledgeFrequencies.Custom;
        var schedule = command.Instalments is null
            ? InstalmentSchedule.Build(total, frequency, command.Count!.Value, command.FirstDueDate!.Value)
            : command.Instalments.Select((i, n) => new ScheduledInstalment(n + 1, i.DueDate!.Value, Money.Parse(i.Amount!))).ToList();

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
