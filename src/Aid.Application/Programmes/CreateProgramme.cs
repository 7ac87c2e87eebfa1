using Aid.Application.Pipeline;
using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Programmes;

/// <summary>
/// A new programme, always <c>planned</c>. Amounts in minor units: <paramref name="AnnualStandard"/> per student and year,
/// <paramref name="Target"/> the fund-raising goal (none when null). The code is unique.
/// </summary>
public sealed record CreateProgramme(
    string Code, string Name, string? Region, string? Partner, string Currency,
    DateOnly StartDate, DateOnly EndDate, long AnnualStandard, long? Target) : ICommand<ProgrammeView>, IIdempotentCommand;

/// <summary>The invariant of the typed command; the shape of a request is checked at the edge.</summary>
public sealed class CreateProgrammeValidator : AbstractValidator<CreateProgramme>
{
    public CreateProgrammeValidator()
    {
        RuleFor(c => c.EndDate).GreaterThan(c => c.StartDate).WithMessage("endDate must be after startDate.");
        RuleFor(c => c.AnnualStandard).GreaterThan(0).WithMessage("The amount must be greater than zero.");
        RuleFor(c => c.Target).GreaterThan(0).When(c => c.Target is not null).WithMessage("The amount must be greater than zero.");
    }
}

internal sealed class CreateProgrammeHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateProgramme, ProgrammeView>
{
    public async ValueTask<ProgrammeView> Handle(CreateProgramme command, CancellationToken ct)
    {
        await EnsureCodeIsFree(db, command.Code, null, ct);
        var row = new ProgrammeRow
        {
            Id = Guid.CreateVersion7(),
            Code = command.Code,
            Name = command.Name.Trim(),
            Region = command.Region,
            Partner = command.Partner,
            Currency = command.Currency,
            StartDate = command.StartDate,
            EndDate = command.EndDate,
            AnnualStandard = command.AnnualStandard,
            Target = command.Target,
            Status = ProgrammeState.Planned.Code(),
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
