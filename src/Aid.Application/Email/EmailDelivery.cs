using Aid.Application.Auditing;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Email;

/// <summary>
/// How the hosted sender delivers the outbox (from <c>Aid:Smtp:*</c>): whether an SMTP server is configured at all, how long a
/// claimed message is held by one sender (its lease), how soon a failed attempt is retried (<see cref="RetryBase"/> × 2^attempts,
/// at most <see cref="MaxBackoff"/>, plus up to a fifth more of jitter) and how many messages go over one connection.
/// </summary>
public sealed record EmailDeliverySettings(bool Configured, TimeSpan Lease, TimeSpan RetryBase, TimeSpan MaxBackoff, int BatchSize)
{
    public static readonly EmailDeliverySettings NotConfigured = new(false, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), 20);

    /// <summary>The wait before the next attempt after <paramref name="attempts"/> failed ones (1 = the first failure); jitter in [0, 1).</summary>
    public TimeSpan Backoff(int attempts, double jitter)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = Math.Min((double)RetryBase.Ticks * Math.Pow(2, exponent), MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 + 0.2 * Math.Clamp(jitter, 0, 1))));
    }
}

/// <summary>A message claimed for delivery: everything the sender needs, exactly as it was written to the outbox.</summary>
public sealed record EmailToSend(
    Guid Id, string MessageId, string Kind, string To, string Subject, string Body, string? AttachmentName, byte[]? Attachment,
    DateTimeOffset CreatedAt, int Attempts, DateTimeOffset LeaseUntil);

/// <summary>What became of one delivery attempt.</summary>
public enum EmailOutcome
{
    Sent,

    /// <summary>Try again later (no connection, a 4xx answer, a broken connection): attempts + 1, backoff.</summary>
    Retry,

    /// <summary>The server refused the message for good (a 5xx answer): failed until a person resends it.</summary>
    Failed,
}

/// <summary>Outbox ids due for delivery now (pending, their time come, not held by another sender), oldest first. Reads only.</summary>
public sealed record ListDueEmails(int Take) : IQuery<IReadOnlyList<Guid>>;

internal sealed class ListDueEmailsHandler(IDbSession db, BusinessClock clock) : IQueryHandler<ListDueEmails, IReadOnlyList<Guid>>
{
    public async ValueTask<IReadOnlyList<Guid>> Handle(ListDueEmails query, CancellationToken ct) =>
        await db.QueryAsync<Guid>($"""
            SELECT id FROM email_outbox
            WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
            ORDER BY next_attempt_at, id {db.Dialect.Limit("@take")}
            """, new { now = clock.UtcNow(), take = Math.Clamp(query.Take, 1, 500) }, ct);
}

/// <summary>
/// Leases the given messages to this sender until now + the lease, each with a conditional UPDATE: a message another sender
/// holds (or one that was sent or failed meanwhile) is skipped, so two instances on one database never send the same row at
/// the same time. Returns the messages leased, with their content.
/// </summary>
public sealed record ClaimEmails(IReadOnlyList<Guid> Ids) : ICommand<IReadOnlyList<EmailToSend>>;

internal sealed class ClaimEmailsHandler(IDbSession db, BusinessClock clock, EmailDeliverySettings settings, AuditRecorder audit)
    : ICommandHandler<ClaimEmails, IReadOnlyList<EmailToSend>>
{
    public async ValueTask<IReadOnlyList<EmailToSend>> Handle(ClaimEmails command, CancellationToken ct)
    {
        var now = clock.UtcNow();
        var leaseUntil = now + settings.Lease;
        var claimed = new List<EmailToSend>();
        foreach (var id in command.Ids.Distinct())
        {
            var won = await db.ExecuteAsync("""
                UPDATE email_outbox SET lease_until = @leaseUntil
                WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                """, new { id, now, leaseUntil }, ct);
            if (won == 0) continue;
            var row = await db.QuerySingleAsync<OutboxContentRow>($"SELECT {OutboxContentRow.Columns} FROM email_outbox WHERE id = @id", new { id }, ct);
            claimed.Add(new EmailToSend(row.Id, row.MessageId, row.Kind, row.ToAddress, row.Subject, row.Body, row.AttachmentName, row.Attachment,
                row.CreatedAt, (int)row.Attempts, leaseUntil));
        }
        if (claimed.Count > 0)
            audit.Describe("email", claimed[0].Id, null, new { claimed = claimed.Count, ids = claimed.Select(c => c.Id), leaseUntil });
        return claimed;
    }

    private sealed class OutboxContentRow
    {
        public const string Columns = """
            id AS Id, message_id AS MessageId, kind AS Kind, to_address AS ToAddress, subject AS Subject, body AS Body,
            attachment_name AS AttachmentName, attachment AS Attachment, created_at AS CreatedAt, attempts AS Attempts
            """;

        public Guid Id { get; init; }
        public string MessageId { get; init; } = "";
        public string Kind { get; init; } = "";
        public string ToAddress { get; init; } = "";
        public string Subject { get; init; } = "";
        public string Body { get; init; } = "";
        public string? AttachmentName { get; init; }
        public byte[]? Attachment { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public long Attempts { get; init; }
    }
}

/// <summary>
/// Records the outcome of one delivery attempt of a pending message: sent (sent_at), retry later (attempts + 1, the next
/// attempt after the backoff, the error) or failed for good (failed_at and the server's reason). A message that is no longer
/// pending (another sender finished it) is left as it is. <paramref name="Error"/> is the server's answer or the connection
/// problem, never the message's content.
/// </summary>
public sealed record RecordEmailDelivery(Guid Id, EmailOutcome Outcome, string? Error = null) : ICommand<Unit>;

internal sealed class RecordEmailDeliveryHandler(IDbSession db, BusinessClock clock, EmailDeliverySettings settings, AuditRecorder audit)
    : ICommandHandler<RecordEmailDelivery, Unit>
{
    public const int MaxErrorLength = 1000;

    public async ValueTask<Unit> Handle(RecordEmailDelivery command, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<OutboxStateRow>(
            db.Dialect.LockingSelect("id AS Id, kind AS Kind, attempts AS Attempts, status AS Status, receipt_id AS ReceiptId",
                "email_outbox", "id = @id", RowLock.Update),
            new { id = command.Id }, ct);
        if (row is null || row.Status != "pending") return Unit.Value;
        row.ProgrammeId = row.ReceiptId is { } receiptId
            ? await db.QuerySingleOrDefaultAsync<Guid?>("SELECT programme_id FROM receipts WHERE id = @receiptId", new { receiptId }, ct)
            : null;

        var now = clock.UtcNow();
        var error = command.Error is { Length: > MaxErrorLength } long_ ? long_[..MaxErrorLength] : command.Error;
        var attempts = (int)row.Attempts + 1;
        switch (command.Outcome)
        {
            case EmailOutcome.Sent:
                await db.ExecuteAsync("""
                    UPDATE email_outbox SET status = 'sent', sent_at = @now, attempts = @attempts, lease_until = NULL WHERE id = @id
                    """, new { id = row.Id, now, attempts }, ct);
                audit.Describe("email", row.Id, row.ProgrammeId, new { row.Kind, sent = true, attempts });
                break;
            case EmailOutcome.Retry:
                var next = now + settings.Backoff(attempts, Random.Shared.NextDouble());
                await db.ExecuteAsync("""
                    UPDATE email_outbox SET attempts = @attempts, next_attempt_at = @next, lease_until = NULL, last_error = @error WHERE id = @id
                    """, new { id = row.Id, attempts, next, error }, ct);
                audit.Describe("email", row.Id, row.ProgrammeId, new { row.Kind, retry = true, attempts, nextAttemptAt = next });
                break;
            case EmailOutcome.Failed:
                await db.ExecuteAsync("""
                    UPDATE email_outbox SET status = 'failed', failed_at = @now, attempts = @attempts, lease_until = NULL, last_error = @error WHERE id = @id
                    """, new { id = row.Id, now, attempts, error }, ct);
                audit.Describe("email", row.Id, row.ProgrammeId, new { row.Kind, failed = true, attempts });
                break;
        }
        return Unit.Value;
    }

    private sealed class OutboxStateRow
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public long Attempts { get; init; }
        public string Status { get; init; } = "";
        public Guid? ReceiptId { get; init; }
        public Guid? ProgrammeId { get; set; }
    }
}
