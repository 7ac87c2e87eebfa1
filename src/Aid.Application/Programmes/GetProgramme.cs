using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Programmes;

public sealed record GetProgramme(Guid Id) : IQuery<ProgrammeView?>;

internal sealed class GetProgrammeHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetProgramme, ProgrammeView?>
{
    public async ValueTask<ProgrammeView?> Handle(GetProgramme query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.Id)) return null;
        var row = await ProgrammeRow.FindAsync(db, query.Id, ct);
        return row?.ToView();
    }
}
