using System.Net.Sockets;
using Aid.Application.Email;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Aid.Infrastructure.Email;

/// <summary>How the connection to the SMTP server is secured (<c>Aid__Smtp__Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP (a relay on the same host or a test server).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (usually port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    Tls,
}

/// <summary>The SMTP server and the sender address; <see cref="User"/> null means no authentication.</summary>
public sealed record SmtpServer(string Host, int Port, SmtpSecurity Security, string? User, string? Password, MailboxAddress From)
{
    public override string ToString() => $"{Host}:{Port} ({Security})"; // never the password
}

/// <summary>
/// Delivers outbox messages over SMTP with MailKit. A message is built only from its outbox row: the same row always gives
/// the same message (From, To, Subject, Date = created_at, Message-ID = message_id, body, attachment), so a repeated delivery
/// is the same message again.
/// </summary>
public static class SmtpMailer
{
    /// <summary>The MIME message for an outbox row. Non-ASCII headers (a Chinese subject) are RFC 2047 encoded by MimeKit.</summary>
    public static MimeMessage Build(EmailToSend email, MailboxAddress from)
    {
        var message = new MimeMessage
        {
            MessageId = email.MessageId,
            Date = email.CreatedAt,
            Subject = email.Subject,
        };
        message.From.Add(from.Clone());
        message.To.Add(MailboxAddress.Parse(ParserOptions.Default, email.To));
        var text = new TextPart("plain") { Text = email.Body };
        text.ContentTransferEncoding = ContentEncoding.Base64; // fixed (not chosen per server), and compact for Chinese
        if (email.Attachment is { } bytes)
        {
            var attachment = new MimePart("application", "pdf")
            {
                Content = new MimeContent(new MemoryStream(bytes, writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = email.AttachmentName ?? "attachment.pdf",
            };
            if (!(email.AttachmentName ?? "").EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
                attachment.ContentType.MediaSubtype = "octet-stream";
            message.Body = new Multipart("mixed") { text, attachment };
        }
        else
        {
            message.Body = text;
        }
        return message;
    }

    /// <summary>
    /// Whether a failed delivery is final: the server refused this recipient or this message with a 5xx answer (unknown
    /// mailbox, message refused, too large). Everything else is worth another attempt later: no connection, a 4xx answer, a
    /// broken connection, a timeout, and also a 5xx to the connection, the login or the sender address (the server's or
    /// Aid's configuration, not this message: once fixed, the waiting messages go out without anyone resending them).
    /// </summary>
    public static bool IsPermanent(Exception exception) =>
        exception is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted } e
        && (int)e.StatusCode is >= 500 and < 600;

    /// <summary>A malformed address in the row itself (no server would ever take it): as final as a 5xx.</summary>
    public static bool IsUnsendable(Exception exception) => exception is ParseException;

    /// <summary>What to record as the reason: the server's answer with its code, or the connection problem. No message content.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        SmtpCommandException e => $"{(int)e.StatusCode} {e.Message}".Trim(),
        SmtpProtocolException e => $"SMTP protocol error: {e.Message}",
        AuthenticationException e => $"SMTP authentication failed: {e.Message}",
        SslHandshakeException => "TLS handshake with the SMTP server failed.",
        SocketException e => $"Cannot reach the SMTP server: {e.SocketErrorCode}.",
        ParseException e => $"The address cannot be used: {e.Message}",
        OperationCanceledException or TimeoutException => "The SMTP server did not answer in time.",
        IOException e => $"The connection to the SMTP server broke: {e.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>What may be logged of a failure: the SMTP status code or the exception type, never the server's text (it may quote the address).</summary>
    public static string LogCode(Exception exception) => exception switch
    {
        SmtpCommandException e => $"SMTP {(int)e.StatusCode} ({e.ErrorCode})",
        SocketException e => $"socket {e.SocketErrorCode}",
        _ => exception.GetType().Name,
    };
}

/// <summary>One connection to the SMTP server, for a batch of messages.</summary>
public sealed class SmtpConnection(SmtpServer server, TimeSpan timeout) : IAsyncDisposable
{
    private readonly SmtpClient _client = new() { Timeout = (int)timeout.TotalMilliseconds };

    public bool IsConnected => _client.IsConnected;

    public async Task ConnectAsync(CancellationToken ct)
    {
        if (_client.IsConnected) return;
        var options = server.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            _ => throw new ArgumentOutOfRangeException(nameof(server)),
        };
        await _client.ConnectAsync(server.Host, server.Port, options, ct);
        if (server.User is { } user && _client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            await _client.AuthenticateAsync(user, server.Password ?? "", ct);
        else if (server.User is not null)
            throw new AuthenticationException("The SMTP server does not offer authentication, but Aid__Smtp__User is set.");
    }

    /// <summary>Sends one outbox message; throws what the server or the connection answered.</summary>
    public async Task SendAsync(EmailToSend email, CancellationToken ct)
    {
        await ConnectAsync(ct);
        using var message = SmtpMailer.Build(email, server.From);
        await _client.SendAsync(message, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(quit: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or ServiceNotConnectedException or SmtpProtocolException or SmtpCommandException)
        {
            // the batch is over either way
        }
        _client.Dispose();
    }
}
