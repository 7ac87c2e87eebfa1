using System.Text.Json.Serialization;
using Aid.Application.Pipeline;
using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Programmes;

public sealed record CreateProgramme(
    string? Code, string? Name, string? Region, string? Partner, string? Currency,
    DateOnly? StartDate, DateOnly? EndDate, string? AnnualStandard, string? Target) : ICommand<ProgrammeView>, IIdempotentCommand
{
    [JsonIgnore] public string? IdempotencyKey { get; init; }
}

public sealed class CreateProgrammeValidator : AbstractValidator<CreateProgramme>
{
    public CreateProgrammeValidator()
    {
        RuleFor(c => c.Code).NotEmpty().MaximumLength(40).Matches("^[A-Za-z0-9][A-Za-z0-9_.-]*$")
            .WithMessage("code is letters, digits, '-', '_' or '.', starting with a letter or digit.");
        RuleFor(c => c.Name).NotEmpty().Text(200);
        RuleFor(c => c.Region).Text(200);
        RuleFor(c => c.Partner).Text(200);
        RuleFor(c => c.Currency).CurrencyCode();
        RuleFor(c => c.StartDate).NotNull();
        RuleFor(c => c.EndDate).NotNull();
        RuleFor(c => c.EndDate).GreaterThan(c => c.StartDate).When(c => c.StartDate is not null && c.EndDate is not null)
            .WithMessage("endDate must be after startDate.");
        RuleFor(c => c.AnnualStandard).MoneyAmount();
        RuleFor(c => c.Target).MoneyAmount().When(c => c.Target is not null);
    }
}

internal sealed class CreateProgrammeHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateProgramme, ProgrammeView>
{
    public async ValueTask<ProgrammeView> Handle(CreateProgramme command, CancellationToken ct)
    {
        await EnsureCodeIsFree(db, command.Code!, null, ct);
        var row = new ProgrammeRow
        {
            Id = Guid.CreateVersion7(),
            Code = command.Code!,
            Name = command.Name!.Trim(),
            Region = command.Region,
            Partner = command.Partner,
            Currency = command.Currency ?? "CNY",
            StartDate = command.StartDate!.Value,
            EndDate = command.EndDate!.Value,
            AnnualStandard = Money.Parse(command.AnnualStandard!),
            Target = command.Target is null ? null : Money.Parse(command.Target),
            Status = ProgrammeStatus.Planned,
            CreatedAt = clock.UtcNow(),
        };
        await db.ExecuteAsync("""
            INSERT INTO programmes (id, code, name, region, partner, currency, start_date, end_date, annual_standard, target, status, created_at, created_by)
            VALUES (@Id, @Code, @Name, @Region, @Partner, @Currency, @StartDate, @EndDate, @AnnualStandard, @Target, @Status, @CreatedAt, @createdBy)
            """, new { row.Id, row.Code, row.Name, row.Region, row.Partner, row.Currency, row.StartDate, row.EndDate,
                row.AnnualStandard, row.Target, row.Status, row.CreatedAt, createdBy = scope.AuditActor }, ct);
        var view = row.ToView();
        audit.Describe("programme", row.Id, row.Id, view);
        return view;
    }

    internal static async Task EnsureCodeIsFree(IDbSession db, string code, Guid? except, CancellationToken ct)
    {
        var existing = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM programmes WHERE code = @code", new { code }, ct);
        if (existing is { } id && id != except)
            throw new ConflictException($"A programme with code '{code}' already exists.", new Dictionary<string, object?> { ["existingId"] = id });
    }
}
