using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ReceiptRuns;

/// <summary>Writes a run's ZIP download to the audit trail: who took how many receipt copies (every rendering is traceable).</summary>
public sealed record RecordRunZipDownload(Guid RunId, int Copies) : ICommand<Unit>;

internal sealed class RecordRunZipDownloadHandler(IDbSession db, AccessScope scope, AuditRecorder audit) : ICommandHandler<RecordRunZipDownload, Unit>
{
    public async ValueTask<Unit> Handle(RecordRunZipDownload command, CancellationToken ct)
    {
        var programmeId = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT programme_id FROM receipt_runs WHERE id = @id", new { id = command.RunId }, ct);
        if (programmeId is null || !scope.CanSeeProgramme(programmeId.Value)) throw new NotFoundException("Receipt run", command.RunId);
        audit.Describe("receipt_run", command.RunId, programmeId, new { zipDownloaded = true, copies = command.Copies, mark = "copy" });
        return Unit.Value;
    }
}
