using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>Every command runs in one transaction; a command sent from inside another joins it. Queries run without.</summary>
public sealed class TransactionBehaviour<TMessage, TResponse>(IDbSession db) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (db.Transaction is not null)
            return await next(message, cancellationToken);

        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var response = await next(message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }
}
