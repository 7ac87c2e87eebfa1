using System.Globalization;
using Aid.Application.Email;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static Aid.Tests.Email.EmailTestSupport;

namespace Aid.Tests.Email;

/// <summary>Apps that send to a port where the test starts and stops a server of its own (<see cref="Smtp4dev.StartPrivateAsync"/>).</summary>
public sealed class PrivateSmtpApps : EngineApps
{
    public int SmtpPort { get; } = Smtp4dev.FreePort();
    public int ApiPort { get; } = Smtp4dev.FreePort();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Aid:Smtp:Port", SmtpPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Aid:Smtp:Security", "none");
        builder.UseSetting("Aid:Smtp:From", "Aid <receipts@aid.test>");
        builder.UseSetting("Aid:Smtp:RetrySeconds", "1");
        // Backoff still grows (1 s, then 2 s), but a message first refused early in the outage is not left waiting 8–16 s after the server is back.
        builder.UseSetting("Aid:Smtp:MaxRetrySeconds", "2");
        builder.UseSetting("Aid:Smtp:LeaseSeconds", "10");
        builder.UseSetting("Aid:Smtp:TimeoutSeconds", "5");
        builder.UseSetting("Aid:Smtp:BatchSize", "10");
    }
}

/// <summary>
/// The SMTP server goes away in the middle of a run of messages and comes back: the messages it did not take wait in the outbox,
/// retried with backoff (attempts, next attempt, the connection error), and all of them go out once it is back; none is lost,
/// and a message that arrived twice is the same message (same Message-ID).
/// </summary>
public sealed class EmailOutageTests(PrivateSmtpApps apps) : IClassFixture<PrivateSmtpApps>
{
    private const int Messages = 100;

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Stopping_the_SMTP_server_mid_run_leaves_the_rest_pending_with_backoff_and_starting_it_again_delivers_them(Engine engine)
    {
        if (Smtp4dev.SkipReason is { } reason) Assert.Skip(reason);
        await using var smtp = await Smtp4dev.StartPrivateAsync(apps.SmtpPort, apps.ApiPort);
        var app = await apps.For(engine);
        var tag = Tag();
        bool Ours(string to) => to.EndsWith($"-{tag}@example.test", StringComparison.Ordinal);
        var messages = Enumerable.Range(1, Messages).Select(i => new OutgoingEmail(EmailKinds.Receipt, $"donor{i:000}-{tag}@example.test", "zh-CN",
            $"捐赠收据 OUT-{i:000}", $"第 {i} 封", $"OUT-{i:000}.pdf", PdfBytes(60_000))).ToArray();
        var ids = await app.EnqueueAsync(messages);

        await smtp.WaitForAsync(Ours, 15, TimeSpan.FromSeconds(30));
        await smtp.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow;

        // With the server down: whatever was not delivered is pending, tried at least once, with the reason and a later next attempt.
        var where = "to_address LIKE @pattern";
        var pattern = new { pattern = $"%-{tag}@example.test" };
        var waiting = await WaitForRowsAsync(app.OpenDatabaseAsync, where, pattern,
            rows => rows.Count == Messages && rows.All(r => r.Status == "sent" || r.Attempts >= 1), TimeSpan.FromSeconds(30), "all tried while the server is down");
        var pending = waiting.Where(r => r.Status == "pending").ToList();
        Assert.True(pending.Count > 0, "The run finished before the server stopped: nothing was left to deliver, so the test proved nothing.");
        Assert.DoesNotContain(waiting, r => r.Status == "failed");
        Assert.All(pending, r =>
        {
            Assert.NotNull(r.LastError);
            Assert.True(r.NextAttemptAt > r.CreatedAt, "the next attempt waits");
        });
        Assert.Contains(pending, r => r.LastError!.StartsWith("Cannot reach the SMTP server", StringComparison.Ordinal));
        var status = await app.SendAsync<EmailStatus>(new GetEmailStatus());
        Assert.True(status.Pending >= pending.Count);

        await smtp.StartAsync();
        var sent = await WaitForRowsAsync(app.OpenDatabaseAsync, where, pattern,
            rows => rows.Count == Messages && rows.All(r => r.Status == "sent"), TimeSpan.FromSeconds(90), "all sent after the server came back");
        Assert.Contains(sent, r => r.Attempts >= 2); // the ones that waited went out on a later attempt

        // Every message the server accepted after it came back is there. smtp4dev stores a message it accepted (250) in the
        // background, so one accepted in the instant it was told to stop may be gone with it: that loss is the server's, after
        // its 250, and only such a message (recorded sent before the stop) may be missing.
        var afterStop = sent.Where(r => r.SentAt > stoppedAt).ToList();
        var received = await smtp.WaitForAsync(to => afterStop.Any(r => r.ToAddress == to), afterStop.Count, TimeSpan.FromSeconds(30));
        received = await smtp.MessagesToAsync(Ours);
        var byRecipient = received.GroupBy(m => Assert.Single(m.To)).ToDictionary(g => g.Key, g => g.ToList());
        var missing = sent.Where(r => !byRecipient.ContainsKey(r.ToAddress)).ToList();
        Assert.All(missing, r => Assert.True(r.SentAt <= stoppedAt, $"{r.ToAddress} was recorded sent at {r.SentAt:O}, after the stop ({stoppedAt:O}), but never arrived"));
        Assert.True(missing.Count <= 3, $"{missing.Count} messages accepted just before the stop are missing");
        TestContext.Current.SendDiagnosticMessage($"{engine}: {pending.Count} waited for the server; {missing.Count} lost by smtp4dev as it stopped.");
        foreach (var row in sent.Where(r => byRecipient.TryGetValue(r.ToAddress, out var copies) && copies.Count > 1))
            foreach (var copy in byRecipient[row.ToAddress])
                Assert.Equal(row.MessageId, (await smtp.MimeAsync(copy.Id)).MessageId);
        Assert.Equal(Messages, ids.Count);
    }
}
