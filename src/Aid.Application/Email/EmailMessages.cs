using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Application.Email;

/// <summary>One outbox message as staff see it: where it went and what became of it (never its body or attachment).</summary>
/// <param name="Status">pending (waiting or retrying), sent or failed (refused for good; <see cref="ResendEmail"/> queues it again).</param>
/// <param name="LastError">The last failed attempt's reason (the server's answer or the connection problem), or null.</param>
public sealed record EmailView(
    Guid Id, string MessageId, string Kind, string To, string Language, string Subject, string Status, int Attempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt, DateTimeOffset? FailedAt,
    Guid? ReceiptId, string? ReceiptNumber, Guid? DonorId, string? AttachmentName);

internal sealed class EmailViewRow
{
    public const string Select = """
        SELECT o.id AS Id, o.message_id AS MessageId, o.kind AS Kind, o.to_address AS ToAddress, o.language AS Language, o.subject AS Subject,
               o.status AS Status, o.attempts AS Attempts, o.last_error AS LastError, o.created_at AS CreatedAt,
               o.next_attempt_at AS NextAttemptAt, o.sent_at AS SentAt, o.failed_at AS FailedAt, o.receipt_id AS ReceiptId,
               r.number AS ReceiptNumber, r.programme_id AS ProgrammeId, o.donor_id AS DonorId, o.attachment_name AS AttachmentName
        FROM email_outbox o
        LEFT JOIN receipts r ON r.id = o.receipt_id
        """;

    public Guid Id { get; init; }
    public string MessageId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string ToAddress { get; init; } = "";
    public string Language { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Status { get; init; } = "";
    public long Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
    public Guid? ReceiptId { get; init; }
    public string? ReceiptNumber { get; init; }
    public Guid? ProgrammeId { get; init; }
    public Guid? DonorId { get; init; }
    public string? AttachmentName { get; init; }

    public EmailView ToView() => new(Id, MessageId, Kind, ToAddress, Language, Subject, Status, (int)Attempts, LastError, CreatedAt,
        NextAttemptAt, SentAt, FailedAt, ReceiptId, ReceiptNumber, DonorId, AttachmentName);

    /// <summary>
    /// Staff see the messages of donors (all donors are the organisation's) except those announcing a receipt of a programme
    /// outside their scope; a donor sees only the messages addressed to them.
    /// </summary>
    public bool VisibleTo(AccessScope scope) => scope.Actor is { Role: Roles.Donor } donor
        ? DonorId is { } id && donor.DonorId == id
        : ProgrammeId is not { } programmeId || scope.CanSeeProgramme(programmeId);
}

/// <summary>
/// The messages about one receipt or to one donor (give one of the two), newest first: status, attempts, last error, sent at, the
/// address. For the console's receipt and donor pages. An unknown or out-of-scope receipt or donor gives an empty list.
/// </summary>
public sealed record ListEmails(Guid? ReceiptId = null, Guid? DonorId = null) : IQuery<IReadOnlyList<EmailView>>;

internal sealed class ListEmailsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListEmails, IReadOnlyList<EmailView>>
{
    public async ValueTask<IReadOnlyList<EmailView>> Handle(ListEmails query, CancellationToken ct)
    {
        if (query.ReceiptId is { } receiptId)
        {
            if (await ReceiptRow.FindAsync(db, receiptId, ct) is not { } receipt || !await receipt.VisibleToAsync(db, scope, ct)) return [];
            var rows = await db.QueryAsync<EmailViewRow>($"{EmailViewRow.Select} WHERE o.receipt_id = @receiptId ORDER BY o.created_at DESC, o.id DESC",
                new { receiptId }, ct);
            return rows.Select(r => r.ToView()).ToList();
        }
        if (query.DonorId is { } donorId)
        {
            if (!scope.CanSeeDonor(donorId)) return [];
            var rows = await db.QueryAsync<EmailViewRow>($"{EmailViewRow.Select} WHERE o.donor_id = @donorId ORDER BY o.created_at DESC, o.id DESC",
                new { donorId }, ct);
            return rows.Where(r => r.VisibleTo(scope)).Select(r => r.ToView()).ToList();
        }
        return [];
    }
}

/// <summary>One outbox message by id; null when it does not exist or is out of the caller's scope.</summary>
public sealed record GetEmail(Guid Id) : IQuery<EmailView?>;

internal sealed class GetEmailHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetEmail, EmailView?>
{
    public async ValueTask<EmailView?> Handle(GetEmail query, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<EmailViewRow>($"{EmailViewRow.Select} WHERE o.id = @id", new { id = query.Id }, ct);
        return row is not null && row.VisibleTo(scope) ? row.ToView() : null;
    }
}

/// <summary>Whether e-mail is configured (Aid__Smtp__Host) and how many messages wait or failed: what pages say about e-mail.</summary>
public sealed record EmailStatus(bool Configured, long Pending, long Failed, long Sent);

public sealed record GetEmailStatus : IQuery<EmailStatus>;

internal sealed class GetEmailStatusHandler(IDbSession db, EmailDeliverySettings settings) : IQueryHandler<GetEmailStatus, EmailStatus>
{
    public async ValueTask<EmailStatus> Handle(GetEmailStatus query, CancellationToken ct)
    {
        var counts = await db.QueryAsync<StatusCount>("SELECT status AS Status, COUNT(*) AS Count FROM email_outbox GROUP BY status", null, ct);
        long Count(string status) => counts.Where(c => c.Status == status).Sum(c => c.Count);
        return new EmailStatus(settings.Configured, Count("pending"), Count("failed"), Count("sent"));
    }

    private sealed class StatusCount
    {
        public string Status { get; init; } = "";
        public long Count { get; init; }
    }
}

/// <summary>
/// A person queues a message again (typically one the server refused): pending from now, attempts from zero, the same
/// Message-ID and content, so a receiver that already has it sees the same message. Audited.
/// </summary>
public sealed record ResendEmail(Guid OutboxId) : ICommand<EmailView>;

internal sealed class ResendEmailHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit, EmailOutbox outbox)
    : ICommandHandler<ResendEmail, EmailView>
{
    public async ValueTask<EmailView> Handle(ResendEmail command, CancellationToken ct)
    {
        var locked = await db.QuerySingleOrDefaultAsync<Guid?>(
            db.Dialect.LockingSelect("id", "email_outbox", "id = @id", RowLock.Update), new { id = command.OutboxId }, ct);
        var row = locked is null ? null
            : await db.QuerySingleOrDefaultAsync<EmailViewRow>($"{EmailViewRow.Select} WHERE o.id = @id", new { id = command.OutboxId }, ct);
        if (row is null || !row.VisibleTo(scope) || scope.Actor is { Role: Roles.Donor }) throw new NotFoundException("Email", command.OutboxId);
        // A pending message may be held by a sender right now: clearing its lease could send it twice at once.
        if (row.Status != "failed") throw new ConflictException("Only a message the mail server refused can be sent again.");

        // A receipt message goes to the donor's address as it is now (staff may have corrected the one the server refused);
        // sign-in links and invitations never follow an address staff changed.
        var to = row.Kind is EmailKinds.Receipt or EmailKinds.ReceiptVoid && row.DonorId is { } donorId
            ? await db.QuerySingleOrDefaultAsync<string?>("SELECT email FROM donors WHERE id = @donorId", new { donorId }, ct)
            : null;
        to = string.IsNullOrWhiteSpace(to) ? row.ToAddress : to.Trim();
        await db.ExecuteAsync("""
            UPDATE email_outbox SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_until = NULL, failed_at = NULL, sent_at = NULL,
                                    to_address = @to
            WHERE id = @id AND status = 'failed'
            """, new { id = row.Id, now = clock.UtcNow(), to }, ct);
        outbox.Queued = true; // pending again: the sender is woken once this commits
        audit.Describe("email", row.Id, row.ProgrammeId, new { row.Kind, resent = true, previousStatus = row.Status, row.ReceiptNumber, readdressed = to != row.ToAddress });
        return (await db.QuerySingleAsync<EmailViewRow>($"{EmailViewRow.Select} WHERE o.id = @id", new { id = row.Id }, ct)).ToView();
    }
}
