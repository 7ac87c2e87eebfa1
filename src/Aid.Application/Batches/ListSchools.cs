using Aid.Application.Common;
using Aid.Application.Programmes;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>The schools of the programme's active students (for a batch's school picker), sorted; null when out of scope or missing.</summary>
public sealed record ListSchools(Guid ProgrammeId) : IQuery<IReadOnlyList<string>?>;

internal sealed class ListSchoolsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListSchools, IReadOnlyList<string>?>
{
    public async ValueTask<IReadOnlyList<string>?> Handle(ListSchools query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        if (await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct) is null) return null;
        var schools = await db.QueryAsync<string>("SELECT DISTINCT school FROM students WHERE programme_id = @programmeId AND status = 'active'",
            new { programmeId = query.ProgrammeId }, ct);
        return schools.Order(StringComparer.Ordinal).ToList();
    }
}
