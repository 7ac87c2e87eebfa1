using Aid.Application.Email;
using Aid.Infrastructure.Configuration;
using Aid.Infrastructure.Email;
using MimeKit;

namespace Aid.Api.Infrastructure;

/// <summary>
/// <c>Aid:Smtp:*</c>: the SMTP server that delivers the e-mail outbox. <c>Host</c>, <c>Port</c> (default by security: 25, 587
/// or 465), <c>User</c> and <c>Password</c> (together or neither), <c>From</c> (the sender, such as
/// <c>镇坪县青少年发展基金会 &lt;receipts@example.org&gt;</c>; required with a host), <c>Security</c> (none, starttls — the default —
/// or tls). Without a host e-mail is not configured: messages wait in the outbox and nothing is lost. For tests and slow
/// servers: <c>LeaseSeconds</c> (how long a sender holds a claimed batch), <c>RetrySeconds</c> (the first retry's wait, doubled
/// per attempt up to <c>MaxRetrySeconds</c>, an hour by default), <c>BatchSize</c> (messages per connection) and
/// <c>TimeoutSeconds</c> (per SMTP command).
/// </summary>
internal sealed class SmtpSettings : Settings
{
    private const string Prefix = "Aid:Smtp:";

    /// <summary>The server, or null when e-mail is not configured (or the settings are unusable: start-up stops then).</summary>
    public SmtpServer? Server { get; private set; }

    public EmailDeliverySettings Delivery { get; private set; } = EmailDeliverySettings.NotConfigured;

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(30);

    protected internal override void Read(IConfiguration configuration)
    {
        var host = Text(configuration, Prefix + "Host");
        var from = Text(configuration, Prefix + "From");
        var user = Text(configuration, Prefix + "User");
        var password = configuration[Prefix + "Password"] is { Length: > 0 } p ? p : null; // not trimmed: a password may end in a space
        var securityText = Text(configuration, Prefix + "Security");
        var portText = Text(configuration, Prefix + "Port");
        var lease = Int(configuration, Prefix + "LeaseSeconds", 120, 1, 3600);
        var retry = Int(configuration, Prefix + "RetrySeconds", 30, 1, 3600);
        var maxRetry = Int(configuration, Prefix + "MaxRetrySeconds", 3600, 1, 3600);
        var batch = Int(configuration, Prefix + "BatchSize", 20, 1, 500);
        Timeout = TimeSpan.FromSeconds(Int(configuration, Prefix + "TimeoutSeconds", 30, 1, 600));

        if (host is null)
        {
            var stray = new[] { ("Port", portText), ("User", user), ("Password", password), ("From", from), ("Security", securityText) }
                .Where(s => s.Item2 is not null).Select(s => EnvironmentName(Prefix + s.Item1)).ToList();
            if (stray.Count > 0)
                Fail($"{EnvironmentName(Prefix + "Host")} must be set to send e-mail (the SMTP server's host name); it is missing although {string.Join(", ", stray)} {(stray.Count == 1 ? "is" : "are")} set.");
            return;
        }
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            Problem(Prefix + "Host", "the SMTP server's host name or IP address, such as smtp.example.org", host);

        var security = SmtpSecurity.StartTls;
        if (securityText is not null)
        {
            switch (securityText.ToLowerInvariant())
            {
                case "none": security = SmtpSecurity.None; break;
                case "starttls": security = SmtpSecurity.StartTls; break;
                case "tls": security = SmtpSecurity.Tls; break;
                default: Problem(Prefix + "Security", "none, starttls or tls", securityText); break;
            }
        }
        var port = Int(configuration, Prefix + "Port", security switch { SmtpSecurity.None => 25, SmtpSecurity.Tls => 465, _ => 587 }, 1, 65535);

        MailboxAddress? sender = null;
        if (from is null)
            Fail($"{EnvironmentName(Prefix + "From")} must be set with {EnvironmentName(Prefix + "Host")}: the sender address, such as Aid <receipts@example.org>.");
        else if (!MailboxAddress.TryParse(ParserOptions.Default, from, out sender) || !sender.Address.Contains('@'))
            Problem(Prefix + "From", "one e-mail address, optionally with a name, such as Aid <receipts@example.org>", from);

        if ((user is null) != (password is null))
            Fail($"{EnvironmentName(Prefix + "User")} and {EnvironmentName(Prefix + "Password")} must be set together (SMTP login) or not at all.");

        if (Problems.Count > 0 || sender is null) return;
        Server = new SmtpServer(host, port, security, user, password, sender);
        Delivery = new EmailDeliverySettings(true, TimeSpan.FromSeconds(lease), TimeSpan.FromSeconds(retry), TimeSpan.FromSeconds(maxRetry), batch);
    }
}
