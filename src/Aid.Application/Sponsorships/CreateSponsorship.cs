using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Students;
using FluentValidation;
using Mediator;

namespace Aid.Application.Sponsorships;

/// <summary>
/// A donor sponsors a student (结对) for academic years fromYear..toYear (2021 = 2021-2022) with an annual amount.
/// In no year may a student's sponsorships add up to more than the programme's annual standard; a student under 14
/// needs a recorded guardian consent first. <paramref name="AnnualAmount"/> is in minor units.
/// </summary>
public sealed record CreateSponsorship(Guid ProgrammeId, Guid DonorId, Guid StudentId, int FromYear, int ToYear, long AnnualAmount)
    : ICommand<SponsorshipView>, IIdempotentCommand;

public sealed record SponsorshipView(Guid Id, Guid ProgrammeId, Guid DonorId, Guid StudentId, string StudentCode, int FromYear, int ToYear,
    string AnnualAmount, DateTimeOffset CreatedAt);

/// <summary>What a span of academic years is, for any sender; the shape of a request is checked at the edge.</summary>
public sealed class CreateSponsorshipValidator : AbstractValidator<CreateSponsorship>
{
    public CreateSponsorshipValidator()
    {
        RuleFor(c => c.ToYear).GreaterThanOrEqualTo(c => c.FromYear).WithMessage("toYear must not be before fromYear.");
        RuleFor(c => c.ToYear).Must((c, to) => to - c.FromYear < 12).WithMessage("A sponsorship spans at most 12 academic years.");
        RuleFor(c => c.AnnualAmount).GreaterThan(0).WithMessage("The amount must be greater than zero.");
    }
}

internal sealed class CreateSponsorshipHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<CreateSponsorship, SponsorshipView>
{
    public async ValueTask<SponsorshipView> Handle(CreateSponsorship command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId, ct);
        await ProgrammeGuard.EnsureDonorExistsAsync(db, command.DonorId, ct);
        var student = await StudentRow.FindAsync(db, command.StudentId, ct);
        if (student is null || student.ProgrammeId != programme.Id)
            throw new InputException("studentId", "No such student in this programme.");
        if (student.State == StudentStatus.Withdrawn)
            throw new ConflictException($"Student {student.Code} has withdrawn.");
        if (StudentRules.AgeOn(student.BirthDate, clock.Today()) < StudentRules.ConsentAge && !student.HasConsent)
            throw new ConflictException($"Student {student.Code} is under {StudentRules.ConsentAge}: record the guardian's consent (date and evidence) first.");

        var (amount, from, to) = (command.AnnualAmount, command.FromYear, command.ToYear);
        var existing = await db.QueryAsync<Existing>(
            "SELECT from_year AS FromYear, to_year AS ToYear, annual_amount AS AnnualAmount FROM sponsorships WHERE student_id = @studentId",
            new { studentId = student.Id }, ct);
        for (var year = from; year <= to; year++)
        {
            var y = year;
            var already = existing.Where(e => e.FromYear <= y && y <= e.ToYear).Sum(e => e.AnnualAmount);
            if (already + amount > programme.AnnualStandard)
                throw new ConflictException(
                    $"In {y}-{y + 1} student {student.Code} would be sponsored {Money.Format(already + amount)}, more than the programme's annual standard {Money.Format(programme.AnnualStandard)}.",
                    new Dictionary<string, object?> { ["academicYear"] = $"{y}-{y + 1}", ["alreadySponsored"] = Money.Format(already) });
        }

        var id = Guid.CreateVersion7();
        var now = clock.UtcNow();
        await db.ExecuteAsync("""
            INSERT INTO sponsorships (id, programme_id, donor_id, student_id, from_year, to_year, annual_amount, created_at, created_by)
            VALUES (@id, @programmeId, @donorId, @studentId, @from, @to, @amount, @now, @by)
            """, new { id, programmeId = programme.Id, donorId = command.DonorId, studentId = student.Id, from, to, amount, now, by = scope.AuditActor }, ct);
        audit.Describe("sponsorship", id, programme.Id, new { student.Code, donorId = command.DonorId, from, to, annualAmount = Money.Format(amount) });
        return new SponsorshipView(id, programme.Id, command.DonorId, student.Id, student.Code, from, to, Money.Format(amount), now);
    }

    private sealed class Existing
    {
        public required long FromYear { get; init; }
        public required long ToYear { get; init; }
        public required long AnnualAmount { get; init; }
    }
}
