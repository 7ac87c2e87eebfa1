using System.Runtime.CompilerServices;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>
/// The imports behind a programme's year, for its audit pack: every committed import with a line dated in the year (a preview
/// nobody committed booked nothing and stays out: it may be a whole bank statement), with who uploaded and
/// who committed it, and its original file. Streamed one file at a time; null when the programme is out of scope.
/// </summary>
public sealed record ListYearImportFiles(Guid ProgrammeId, int Year) : IQuery<Func<IAsyncEnumerable<ImportArchiveFile>>?>;

public sealed record ImportArchiveFile(
    Guid Id, string FileName, string Sha256, long Size, string Format, string Status, DateTimeOffset UploadedAt, string UploadedBy,
    DateTimeOffset? CommittedAt, string? CommittedBy, long Rows, long Booked, byte[] Content);

internal sealed class ListYearImportFilesHandler(IDbSession db, AccessScope scope)
    : IQueryHandler<ListYearImportFiles, Func<IAsyncEnumerable<ImportArchiveFile>>?>
{
    public ValueTask<Func<IAsyncEnumerable<ImportArchiveFile>>?> Handle(ListYearImportFiles query, CancellationToken ct) =>
        ValueTask.FromResult<Func<IAsyncEnumerable<ImportArchiveFile>>?>(
            scope.CanSeeProgramme(query.ProgrammeId) ? () => StreamAsync(query.ProgrammeId, query.Year, CancellationToken.None) : null);

    private async IAsyncEnumerable<ImportArchiveFile> StreamAsync(Guid programmeId, int year, [EnumeratorCancellation] CancellationToken ct)
    {
        var imports = await db.QueryAsync<ImportRecord>($"""
            SELECT {ImportRecord.Columns} FROM imports i
            WHERE i.programme_id = @programmeId AND i.committed_at IS NOT NULL
              AND EXISTS (SELECT 1 FROM import_rows r WHERE r.import_id = i.id AND r.received_on BETWEEN @from AND @to)
            ORDER BY i.id
            """, new { programmeId, from = new DateOnly(year, 1, 1), to = new DateOnly(year, 12, 31) }, ct);
        foreach (var import in imports)
        {
            var booked = await db.QuerySingleAsync<long>(
                "SELECT COUNT(*) FROM import_rows WHERE import_id = @id AND outcome = 'booked'", new { id = import.Id }, ct);
            yield return new ImportArchiveFile(import.Id, import.FileName, import.FileSha256, import.FileSize, import.Format, import.Status,
                import.CreatedAt, import.CreatedBy, import.CommittedAt, import.CommittedBy, import.TotalRows, booked, await import.ReadFileAsync(db, ct));
        }
    }
}
