using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>The original file of an import as uploaded (for the audit pack and the console); null when not visible.</summary>
public sealed record GetImportFile(Guid ImportId) : IQuery<ImportOriginal?>;

public sealed record ImportOriginal(string FileName, string Sha256, byte[] Content);

internal sealed class GetImportFileHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetImportFile, ImportOriginal?>
{
    public async ValueTask<ImportOriginal?> Handle(GetImportFile query, CancellationToken ct)
    {
        var import = await ImportRecord.FindAsync(db, query.ImportId, ct);
        if (import is null || !scope.CanSeeProgramme(import.ProgrammeId)) return null;
        return new ImportOriginal(import.FileName, import.FileSha256, await import.ReadFileAsync(db, ct));
    }
}
