using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>The signed-in donor turns receipts by e-mail on or off (donors.email_receipts); off, receipts wait for their download.</summary>
public sealed record SetMyEmailReceipts(bool On) : ICommand<Unit>;

internal sealed class SetMyEmailReceiptsHandler(IDbSession db, AccessScope scope, AuditRecorder audit) : ICommandHandler<SetMyEmailReceipts, Unit>
{
    public async ValueTask<Unit> Handle(SetMyEmailReceipts command, CancellationToken ct)
    {
        var donorId = MyDonor.Id(scope);
        await db.ExecuteAsync("UPDATE donors SET email_receipts = @on WHERE id = @donorId", new { donorId, on = command.On }, ct);
        audit.Describe("donor", donorId, null, new { emailReceipts = command.On, byDonor = true });
        return Unit.Value;
    }
}
