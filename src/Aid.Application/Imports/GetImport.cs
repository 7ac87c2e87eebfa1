using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>An import with its counts by outcome and the commit's progress; null when missing or outside the caller's programmes.</summary>
public sealed record GetImport(Guid Id) : IQuery<ImportView?>;

internal sealed class GetImportHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetImport, ImportView?>
{
    public async ValueTask<ImportView?> Handle(GetImport query, CancellationToken ct)
    {
        var record = await ImportRecord.FindAsync(db, query.Id, ct);
        return record is null || !scope.CanSeeProgramme(record.ProgrammeId) ? null : await record.ToViewAsync(db, ct);
    }
}
