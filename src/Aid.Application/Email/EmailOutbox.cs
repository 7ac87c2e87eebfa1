using Aid.Application.Common;

namespace Aid.Application.Email;

/// <summary>The kinds of message Aid sends (email_outbox.kind).</summary>
public static class EmailKinds
{
    public const string Receipt = "receipt";
    public const string ReceiptVoid = "receipt-void";
    public const string SignInLink = "sign-in-link";
    public const string Invitation = "invitation";
}

/// <summary>A message to send, complete: the hosted sender only delivers what was written here, never composes.</summary>
public sealed record OutgoingEmail(
    string Kind, string To, string Language, string Subject, string Body,
    string? AttachmentName = null, byte[]? Attachment = null, Guid? ReceiptId = null, Guid? DonorId = null, Guid? UserId = null);

/// <summary>
/// Writes messages to the transactional outbox (email_outbox) inside the caller's transaction: a message exists if and only
/// if the thing it announces was committed. Its Message-ID is fixed here, so every delivery attempt sends the same message.
/// </summary>
public sealed class EmailOutbox(IDbSession db, BusinessClock clock, AccessScope scope, Receipts.ReceiptSettings settings)
{
    /// <summary>
    /// Whether this scope queued a message (or made one pending again) since the flag was last cleared: Aid.Api wakes its sender
    /// once the command committed.
    /// </summary>
    internal bool Queued { get; set; }

    /// <summary>Queues the message; returns its outbox id.</summary>
    public async Task<Guid> EnqueueAsync(OutgoingEmail message, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var now = clock.UtcNow();
        await db.ExecuteAsync("""
            INSERT INTO email_outbox (id, message_id, kind, receipt_id, donor_id, user_id, to_address, language, subject, body,
                                      attachment_name, attachment, status, attempts, next_attempt_at, created_at, created_by)
            VALUES (@id, @messageId, @kind, @receiptId, @donorId, @userId, @to, @language, @subject, @body,
                    @attachmentName, @attachment, 'pending', 0, @now, @now, @createdBy)
            """, new
        {
            id, messageId = MessageId(id), kind = message.Kind, receiptId = message.ReceiptId, donorId = message.DonorId, userId = message.UserId,
            to = message.To, language = message.Language, subject = message.Subject, body = message.Body,
            attachmentName = message.AttachmentName, attachment = message.Attachment, now, createdBy = scope.AuditActor,
        }, ct);
        Queued = true;
        return id;
    }

    /// <summary>"&lt;id@host&gt;" without the angle brackets, the host being the public address's (or "aid.localhost").</summary>
    private string MessageId(Guid id)
    {
        var host = Uri.TryCreate(settings.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Host.Length > 0 && uri.HostNameType == UriHostNameType.Dns
            ? uri.Host : "aid.localhost";
        return $"{id:N}@{host}";
    }
}
