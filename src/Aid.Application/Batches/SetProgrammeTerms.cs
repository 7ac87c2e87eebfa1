using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// Replaces a programme's list of terms (the order given is the order of the year): 1 to 6 distinct, non-blank names of at
/// most 20 characters. A batch splits a student's annual amount over these terms, so changing the list changes the share
/// of batches created afterwards only. A term that standing disbursements use cannot be renamed or removed.
/// </summary>
public sealed record SetProgrammeTerms(Guid ProgrammeId, IReadOnlyList<string> Names) : ICommand<ProgrammeTermsView>, IIdempotentCommand;

internal sealed class SetProgrammeTermsHandler(IDbSession db, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<SetProgrammeTerms, ProgrammeTermsView>
{
    public async ValueTask<ProgrammeTermsView> Handle(SetProgrammeTerms command, CancellationToken ct)
    {
        var names = (command.Names ?? []).Select(n => n?.Trim() ?? "").ToList();
        if (names.Count is 0 or > ProgrammeTerms.MaxTerms)
            throw new InputException("names", "A programme has 1 to 6 terms.");
        if (names.Any(string.IsNullOrEmpty))
            throw new InputException("names", "A term needs a name.");
        if (names.Any(n => n.Length > ProgrammeTerms.MaxNameLength || TextRule.Problem(n) is not null))
            throw new InputException("names", "A term's name is at most 20 characters of ordinary text.");
        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count)
            throw new InputException("names", "Each term is named only once.");

        var programme = await ProgrammeGuard.LockOpenAsync(db, scope, command.ProgrammeId, ct);
        var (before, _) = await ProgrammeTerms.OfAsync(db, programme.Id, ct);
        // A term that disbursements stand on keeps its name: renamed, its students would look unpaid for it and be paid again.
        foreach (var removed in before.Where(b => !names.Contains(b, StringComparer.Ordinal)))
        {
            var used = await db.QuerySingleAsync<long>("""
                SELECT COUNT(*) FROM disbursements
                WHERE programme_id = @programmeId AND term = @term AND status NOT IN ('rejected', 'reversed')
                """, new { programmeId = programme.Id, term = removed }, ct);
            if (used > 0)
                throw new ConflictException($"The term {removed} is used by {used} disbursements that stand: it cannot be renamed or removed.");
        }
        await db.ExecuteAsync("DELETE FROM programme_terms WHERE programme_id = @programmeId", new { programmeId = programme.Id }, ct);
        for (var i = 0; i < names.Count; i++)
            await db.ExecuteAsync("INSERT INTO programme_terms (programme_id, position, name) VALUES (@programmeId, @position, @name)",
                new { programmeId = programme.Id, position = i + 1, name = names[i] }, ct);
        audit.Describe("programme", programme.Id, programme.Id, new { terms = names, before });
        return new ProgrammeTermsView(programme.Id, names, false);
    }
}
