using System.Text;
using Aid.Api.Infrastructure;
using Aid.Application.Email;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.Configuration;
using static Aid.Tests.Email.EmailTestSupport;

namespace Aid.Tests.Email;

/// <summary>
/// The outbox delivered through a real SMTP server (smtp4dev, AID_TEST_SMTP): what arrives is exactly the stored message —
/// its Message-ID, Date, RFC 2047 encoded Chinese subject, body and PDF attachment byte for byte; a recipient the server
/// refuses (5xx) is marked failed with the server's reason, and a person's resend queues the same message again.
/// </summary>
public sealed class EmailDeliveryTests(SharedSmtpApps apps) : IClassFixture<SharedSmtpApps>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_queued_message_arrives_as_stored_with_its_Message_ID_an_encoded_Chinese_subject_and_the_PDF_unchanged(Engine engine)
    {
        var smtp = Smtp4dev.Shared();
        var app = await apps.For(engine);
        var to = $"donor-{Tag()}@example.test";
        const string subject = "捐赠收据 AID-2022-000001（镇坪县青少年发展基金会）";
        const string body = "尊敬的王小明：\n\n感谢您的捐赠。附件是您的捐赠收据 AID-2022-000001（PDF 原件）。\n\n镇坪县青少年发展基金会";
        var pdf = PdfBytes(40_000);
        var id = Assert.Single(await app.EnqueueAsync(new OutgoingEmail(EmailKinds.Receipt, to, "zh-CN", subject, body, "AID-2022-000001.pdf", pdf)));

        var received = Assert.Single(await smtp.WaitForAsync(r => r == to, 1, Deadline));
        var row = Assert.Single(await WaitForRowsAsync(app.OpenDatabaseAsync, "id = @id", new { id }, rows => rows.All(r => r.Status == "sent"), Deadline, "sent"));
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.SentAt);
        Assert.Null(row.LeaseUntil);

        var raw = await smtp.RawAsync(received.Id);
        var headers = raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.Matches("(?im)^Subject: =\\?utf-8\\?[bq]\\?", headers); // RFC 2047, not raw UTF-8
        Assert.True(headers.All(c => c < 128), "every header is 7-bit ASCII:\n" + headers);
        Assert.Contains($"Message-Id: <{row.MessageId}>", headers, StringComparison.OrdinalIgnoreCase);

        var message = await smtp.MimeAsync(received.Id);
        Assert.Equal(subject, message.Subject);
        Assert.Equal(row.MessageId, message.MessageId);
        Assert.Equal(row.CreatedAt.ToUnixTimeSeconds(), message.Date.ToUnixTimeSeconds());
        Assert.Equal("receipts@aid.test", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("镇坪县青少年发展基金会", Assert.Single(message.From.Mailboxes).Name);
        Assert.Equal(to, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal(body, message.TextBody!.Replace("\r\n", "\n").TrimEnd('\n'));
        Assert.Equal("AID-2022-000001.pdf", Assert.Single(message.Attachments).ContentDisposition!.FileName);
        Assert.Equal(pdf, Smtp4dev.AttachmentBytes(message));

        Assert.Equal(body, (await smtp.LatestToAsync(to, Deadline)).TextBody!.Replace("\r\n", "\n").TrimEnd('\n'));

        var view = await app.SendAsync<EmailView?>(new GetEmail(id));
        Assert.Equal(("sent", 1, to), (view!.Status, view.Attempts, view.To));
        var status = await app.SendAsync<EmailStatus>(new GetEmailStatus());
        Assert.True(status.Configured);
        Assert.True(status.Sent >= 1);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_refused_recipient_is_marked_failed_with_the_server_reason_and_a_resend_queues_the_same_message_again(Engine engine)
    {
        var smtp = Smtp4dev.Shared();
        var app = await apps.For(engine);
        var to = $"nobody-{Tag()}@{Smtp4dev.RejectedDomain}";
        var id = Assert.Single(await app.EnqueueAsync(new OutgoingEmail(EmailKinds.ReceiptVoid, to, "zh-CN", "收据 AID-2022-000002 已作废", "作废通知")));

        var failed = Assert.Single(await WaitForRowsAsync(app.OpenDatabaseAsync, "id = @id", new { id }, rows => rows.All(r => r.Status == "failed"), Deadline, "failed"));
        Assert.Equal(1, failed.Attempts);
        Assert.NotNull(failed.FailedAt);
        Assert.Null(failed.SentAt);
        Assert.StartsWith("550 ", failed.LastError);
        Assert.Contains("Recipient rejected", failed.LastError);
        Assert.Empty(await smtp.MessagesToAsync(r => r == to));
        Assert.Equal(1, (await app.SendAsync<EmailStatus>(new GetEmailStatus())).Failed);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(to, StringComparison.OrdinalIgnoreCase)); // the address is donor data: logs name the outbox id

        var resent = await app.SendAsync<EmailView>(new ResendEmail(id));
        Assert.Equal(("pending", 0, failed.MessageId), (resent.Status, resent.Attempts, resent.MessageId));
        Assert.Null(resent.FailedAt);
        await using (var connection = await app.OpenDatabaseAsync())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'ResendEmail' AND entity = 'email' AND entity_id = @id", new { id = id.ToString() }));
        }

        // The sender takes it again: the same message, refused again, failed again with a later time.
        var again = Assert.Single(await WaitForRowsAsync(app.OpenDatabaseAsync, "id = @id", new { id },
            rows => rows.All(r => r.Status == "failed" && r.FailedAt > failed.FailedAt), Deadline, "failed again"));
        Assert.Equal((1, failed.MessageId), ((int)again.Attempts, again.MessageId));
    }

    [Fact]
    public async Task Resending_an_unknown_message_is_not_found()
    {
        Smtp4dev.Shared();
        var app = await apps.For(Engine.Sqlite);
        await Assert.ThrowsAsync<Aid.Application.Common.NotFoundException>(() => app.SendAsync<EmailView>(new ResendEmail(Guid.CreateVersion7())));
        Assert.Null(await app.SendAsync<EmailView?>(new GetEmail(Guid.CreateVersion7())));
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_an_hour_with_at_most_a_fifth_of_jitter()
    {
        var settings = new EmailDeliverySettings(true, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), 20);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Backoff(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Backoff(2, 0));
        Assert.Equal(TimeSpan.FromSeconds(240), settings.Backoff(4, 0));
        Assert.Equal(TimeSpan.FromHours(1), settings.Backoff(8, 0)); // 30 s × 128 = 64 min, capped
        Assert.Equal(TimeSpan.FromHours(1), settings.Backoff(1000, 0));
        Assert.Equal(TimeSpan.FromSeconds(36), settings.Backoff(1, 1));
        Assert.InRange(settings.Backoff(3, 0.5), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(144));
    }

    [Fact]
    public void The_longest_retry_wait_is_an_hour_unless_Aid_Smtp_MaxRetrySeconds_says_otherwise()
    {
        static SmtpSettings Read(params (string Key, string Value)[] extra)
        {
            var settings = new SmtpSettings();
            settings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Aid:Smtp:Host"] = "smtp.example.org", ["Aid:Smtp:From"] = "Aid <receipts@example.org>",
            }.Concat(extra.Select(e => KeyValuePair.Create(e.Key, (string?)e.Value)))).Build());
            return settings;
        }

        var byDefault = Read();
        Assert.Empty(byDefault.Problems);
        Assert.Equal(TimeSpan.FromSeconds(30), byDefault.Delivery.RetryBase);
        Assert.Equal(TimeSpan.FromHours(1), byDefault.Delivery.MaxBackoff);
        var quick = Read(("Aid:Smtp:RetrySeconds", "1"), ("Aid:Smtp:MaxRetrySeconds", "2"));
        Assert.Empty(quick.Problems);
        Assert.Equal(TimeSpan.FromSeconds(2), quick.Delivery.MaxBackoff);
        Assert.Equal(TimeSpan.FromSeconds(2), quick.Delivery.Backoff(5, 0));
        Assert.Equal(["Aid__Smtp__MaxRetrySeconds must be a whole number from 1 to 3,600 (got '0')."], Read(("Aid:Smtp:MaxRetrySeconds", "0")).Problems);
    }
}
