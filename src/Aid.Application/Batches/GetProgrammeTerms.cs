using Aid.Application.Common;
using Aid.Application.Programmes;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>The programme's terms in order (the default 秋季学期, 春季学期 when it has none); null when out of scope or missing.</summary>
public sealed record GetProgrammeTerms(Guid ProgrammeId) : IQuery<ProgrammeTermsView?>;

internal sealed class GetProgrammeTermsHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetProgrammeTerms, ProgrammeTermsView?>
{
    public async ValueTask<ProgrammeTermsView?> Handle(GetProgrammeTerms query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        if (await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct) is null) return null;
        var (names, isDefault) = await ProgrammeTerms.OfAsync(db, query.ProgrammeId, ct);
        return new ProgrammeTermsView(query.ProgrammeId, names, isDefault);
    }
}
