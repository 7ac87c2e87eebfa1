using Aid.Application.Common;
using Aid.Application.Email;
using Mediator;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Outermost, around the transaction: when the outermost command of the scope has committed and it (or a command inside it)
/// queued a message, wakes this instance's <see cref="EmailSenderWorker"/> instead of leaving the message to its next poll.
/// </summary>
internal sealed class EmailWakeBehaviour<TMessage, TResponse>(IDbSession db, EmailOutbox outbox, WorkerWake<EmailSenderWorker> sender)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (db.Transaction is not null)
            return await next(message, cancellationToken);
        outbox.Queued = false;
        var response = await next(message, cancellationToken);
        if (outbox.Queued) sender.Signal();
        return response;
    }
}
