using System.Globalization;
using Aid.Application.Email;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static Aid.Tests.Email.EmailTestSupport;

namespace Aid.Tests.Email;

/// <summary>
/// Apps that send to a port where the test puts a <see cref="TcpForwarder"/> to the shared smtp4dev, to cut the way to the server
/// and restore it (each test used to start a server of its own and stop it: four starts of smtp4dev, the suite's dearest processes).
/// </summary>
public sealed class ForwardedSmtpApps : EngineApps
{
    public int SmtpPort { get; } = Smtp4dev.FreePort();

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
/// The SMTP server becomes unreachable in the middle of a run of messages (its port refuses connections, the open ones are reset)
/// and comes back: the messages it did not take wait in the outbox, retried with backoff (attempts, next attempt, the connection
/// error), and all of them go out once it is back; none is lost, and a message that arrived twice is the same message (same Message-ID).
/// </summary>
public sealed class EmailOutageTests(ForwardedSmtpApps apps) : IClassFixture<ForwardedSmtpApps>
{
    private const int Messages = 100;
    private const int MessageBytes = 4_000;

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Cutting_the_way_to_the_SMTP_server_mid_run_leaves_the_rest_pending_with_backoff_and_restoring_it_delivers_them(Engine engine)
    {
        var smtp = Smtp4dev.Shared();
        await using var forwarder = TcpForwarder.Open(apps.SmtpPort, smtp.Host, smtp.SmtpPort);
        var app = await apps.For(engine);
        var tag = Tag();
        bool Ours(string to) => to.EndsWith($"-{tag}@example.test", StringComparison.Ordinal);
        var messages = Enumerable.Range(1, Messages).Select(i => new OutgoingEmail(EmailKinds.Receipt, $"donor{i:000}-{tag}@example.test", "zh-CN",
            $"捐赠收据 OUT-{i:000}", $"第 {i} 封", $"OUT-{i:000}.pdf", PdfBytes(MessageBytes / 2))).ToArray();
        // The way is cut once about 15 messages went through (a base64 attachment of half a message is two thirds of it), in
        // the middle of whatever is being sent then.
        var cut = forwarder.CutAfter(15 * MessageBytes);
        var ids = await app.EnqueueAsync(messages);
        await cut.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // With the server out of reach: whatever was not delivered is pending, tried at least once, with the reason and a later next attempt.
        var where = "to_address LIKE @pattern";
        var pattern = new { pattern = $"%-{tag}@example.test" };
        var waiting = await WaitForRowsAsync(app.OpenDatabaseAsync, where, pattern,
            rows => rows.Count == Messages && rows.All(r => r.Status == "sent" || r.Attempts >= 1), TimeSpan.FromSeconds(30), "all tried while the server is away");
        var pending = waiting.Where(r => r.Status == "pending").ToList();
        Assert.True(pending.Count > 0, "The run finished before the way to the server was cut: nothing was left to deliver, so the test proved nothing.");
        Assert.DoesNotContain(waiting, r => r.Status == "failed");
        Assert.All(pending, r =>
        {
            Assert.NotNull(r.LastError);
            Assert.True(r.NextAttemptAt > r.CreatedAt, "the next attempt waits");
        });
        Assert.Contains(pending, r => r.LastError!.StartsWith("Cannot reach the SMTP server", StringComparison.Ordinal));
        var status = await app.SendAsync<EmailStatus>(new GetEmailStatus());
        Assert.True(status.Pending >= pending.Count);

        var relayedBefore = forwarder.Relayed;
        forwarder.Restore();
        var sent = await WaitForRowsAsync(app.OpenDatabaseAsync, where, pattern,
            rows => rows.Count == Messages && rows.All(r => r.Status == "sent"), TimeSpan.FromSeconds(90), "all sent after the server came back");
        Assert.Contains(sent, r => r.Attempts >= 2); // the ones that waited went out on a later attempt
        Assert.True(forwarder.Relayed > relayedBefore, "the messages that waited went out through the restored way");

        // Every message is at the server, each recorded sent only once the server's 250 had come back: none is lost. One whose 250
        // was cut off on its way may have been delivered again, and both copies are then the same message.
        var received = await smtp.WaitForAsync(Ours, Messages, TimeSpan.FromSeconds(30));
        var byRecipient = received.GroupBy(m => Assert.Single(m.To)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(sent.Select(r => r.ToAddress).Order(), byRecipient.Keys.Order());
        TestContext.Current.TestOutputHelper?.WriteLine($"{engine}: {pending.Count} waited for the server; {byRecipient.Count(r => r.Value.Count > 1)} delivered twice.");
        foreach (var row in sent.Where(r => byRecipient[r.ToAddress].Count > 1))
            foreach (var copy in byRecipient[row.ToAddress])
                Assert.Equal(row.MessageId, (await smtp.MimeAsync(copy.Id)).MessageId);
        Assert.Equal(Messages, ids.Count);
    }
}
