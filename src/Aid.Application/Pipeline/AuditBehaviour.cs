using Aid.Application.Auditing;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>
/// A command that changes an existing entity's money rows. Its rows are checked against the audit trail before the handler
/// runs: the record the command writes digests the rows as they stand at commit, so without the check it would vouch for
/// an edit made behind the service's back (docs/AUDIT-CHAIN.md).
/// </summary>
public interface IChangesAuditedEntity
{
    EntityRef Changes { get; }
}

/// <summary>Appends one audit record per successful command, inside the command's transaction.</summary>
public sealed class AuditBehaviour<TMessage, TResponse>(AuditRecorder recorder, AuditTrail trail, AuditedRows audited)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IChangesAuditedEntity { Changes: var entity })
            await audited.EnsureIntactAsync(entity.Kind, entity.Id, cancellationToken, unknownIsFine: true);
        var response = await next(message, cancellationToken);
        await trail.AppendAsync(typeof(TMessage).Name, recorder.TakeEntry(), cancellationToken);
        return response;
    }
}
