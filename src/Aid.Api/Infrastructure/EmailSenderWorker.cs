using System.Diagnostics;
using Aid.Application.Email;
using Aid.Infrastructure.Email;
using Mediator;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Delivers the e-mail outbox: every second, or at once when a command on this instance that queued a message has committed
/// (<see cref="EmailWakeBehaviour{TMessage,TResponse}"/>), it lists the due messages, leases a batch
/// (<see cref="ClaimEmails"/>: two instances on one database never hold the same row), sends the batch over one SMTP connection
/// and records each outcome as soon as the server answered. Delivery is at least once: a crash between the server's accept
/// and the record leaves the row pending, and it goes out again when its lease ends — the same message with the same
/// Message-ID. A 5xx refusal of the recipient or message marks it failed with the server's reason; everything else is retried
/// with exponential backoff. Without <c>Aid__Smtp__Host</c> it does nothing and the messages wait.
/// Logs name the outbox id, never the address or the content.
/// </summary>
internal sealed class EmailSenderWorker(IServiceProvider services, IOptions<SmtpSettings> options, WorkerWake<EmailSenderWorker> wake,
    ILogger<EmailSenderWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Server is not { } server)
        {
            logger.LogInformation("E-mail is not configured (Aid__Smtp__Host): messages wait in the outbox");
            return;
        }
        await Task.Yield();
        logger.LogInformation("Sending e-mail through {Server}", server.ToString());
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await DeliverBatchAsync(server, settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                logger.LogError(e, "Delivering the e-mail outbox failed; retrying");
            }
            if (more) continue; // a full batch: there may be more due right now
            try { await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One batch; true when the batch was full (more may be due).</summary>
    private async Task<bool> DeliverBatchAsync(SmtpServer server, SmtpSettings settings, CancellationToken ct)
    {
        var batchSize = settings.Delivery.BatchSize;
        IReadOnlyList<EmailToSend> batch;
        await using (var scope = services.CreateAsyncScope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            var due = await sender.Send(new ListDueEmails(batchSize), ct);
            if (due.Count == 0) return false;
            batch = await sender.Send(new ClaimEmails(due), ct);
            if (batch.Count == 0) return due.Count == batchSize; // another instance took them
        }

        var watch = Stopwatch.StartNew();
        await using var connection = new SmtpConnection(server, settings.Timeout);
        for (var i = 0; i < batch.Count; i++)
        {
            var email = batch[i];
            // Stop before the lease could run out mid-send: the rest become due again when it ends (another instance may take them).
            if (DateTimeOffset.UtcNow + settings.Timeout > email.LeaseUntil) break;
            ct.ThrowIfCancellationRequested();
            EmailOutcome outcome;
            string? reason = null;
            try
            {
                await connection.SendAsync(email, ct);
                outcome = EmailOutcome.Sent;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (Exception e) when (SmtpMailer.IsPermanent(e) || SmtpMailer.IsUnsendable(e))
            {
                outcome = EmailOutcome.Failed;
                reason = SmtpMailer.Describe(e);
                logger.LogWarning("E-mail {OutboxId} ({Kind}) was refused for good: {Code}", email.Id, email.Kind, SmtpMailer.LogCode(e));
            }
            catch (Exception e)
            {
                outcome = EmailOutcome.Retry;
                reason = SmtpMailer.Describe(e);
                logger.LogWarning("E-mail {OutboxId} ({Kind}) could not be delivered (attempt {Attempt}), will retry: {Code}",
                    email.Id, email.Kind, email.Attempts + 1, SmtpMailer.LogCode(e));
                if (!connection.IsConnected)
                {
                    // No connection (server down, refused, broken): the rest of the batch would fail the same way now.
                    await RecordAsync(email, outcome, reason);
                    foreach (var rest in batch.Skip(i + 1))
                        await RecordAsync(rest, EmailOutcome.Retry, reason);
                    return false;
                }
            }
            await RecordAsync(email, outcome, reason);
        }
        logger.LogDebug("Delivered a batch of {Count} e-mails in {Ms} ms", batch.Count, watch.ElapsedMilliseconds);
        return batch.Count == batchSize;
    }

    private async Task RecordAsync(EmailToSend email, EmailOutcome outcome, string? reason)
    {
        // The server has answered: record it even while stopping (a short, separate token), so a shutdown does not resend it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordEmailDelivery(email.Id, outcome, reason), timeout.Token);
        if (outcome == EmailOutcome.Sent) logger.LogDebug("E-mail {OutboxId} ({Kind}) sent", email.Id, email.Kind);
    }
}
