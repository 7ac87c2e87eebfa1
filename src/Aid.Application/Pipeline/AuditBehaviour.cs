using Aid.Application.Auditing;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>Appends one audit record per successful command, inside the command's transaction.</summary>
public sealed class AuditBehaviour<TMessage, TResponse>(AuditRecorder recorder, AuditTrail trail)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        await trail.AppendAsync(typeof(TMessage).Name, recorder.TakeEntry(), cancellationToken);
        return response;
    }
}
