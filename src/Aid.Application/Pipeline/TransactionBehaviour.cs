using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>
/// Every command runs in one transaction; a command sent from inside another joins it. Queries run without.
/// A unique-key violation (two requests racing to create the same thing where only shared locks were taken)
/// rolls back and runs the command once more: the second run sees the winner's row and answers as a duplicate.
/// </summary>
public sealed class TransactionBehaviour<TMessage, TResponse>(IDbSession db) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (db.Transaction is not null)
            return await next(message, cancellationToken);

        try
        {
            return await Run(message, next, cancellationToken);
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            return await Run(message, next, cancellationToken);
        }
    }

    private async ValueTask<TResponse> Run(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var response = await next(message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }
}
