using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>
/// Every command runs in one transaction; a command sent from inside another joins it. Queries run without.
/// A unique-key violation (two requests racing to create the same thing where only shared locks were taken)
/// rolls back and runs the command once more: the second run sees the winner's row and answers as a duplicate.
/// A command whose writes were rolled back with another command's batch (<see cref="WriteRolledBackException"/>) runs
/// again too, a few times at most: nothing of it was kept and nobody was answered.
/// </summary>
public sealed class TransactionBehaviour<TMessage, TResponse>(IDbSession db) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    private const int MaxRuns = 4;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (db.Transaction is not null)
        {
            // A command sent by another command joins its transaction; one sent inside a read snapshot would write nowhere durable.
            if (db.WriteAttempt is null) throw new InvalidOperationException("A command cannot run inside a read snapshot (IDbSession.BeginReadSnapshotAsync).");
            return await next(message, cancellationToken);
        }

        var uniqueViolationRetried = false;
        for (var run = 1; ; run++)
        {
            try
            {
                return await Run(message, next, cancellationToken);
            }
            catch (Exception e) when (run < MaxRuns && !uniqueViolationRetried && db.Dialect.IsUniqueViolation(e))
            {
                uniqueViolationRetried = true;
            }
            catch (WriteRolledBackException) when (run < MaxRuns)
            {
            }
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
