using Aid.Api.Infrastructure;
using Aid.Application.Email;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using static Aid.Tests.Email.EmailTestSupport;

namespace Aid.Tests.Email;

/// <summary>
/// The sender's bookkeeping on the real engines, on an app without SMTP (so no hosted sender competes): two senders claiming the
/// same due messages at once never both get one; a claimed message is not due again until its lease ends; outcomes are
/// recorded once (sent, retry with backoff, failed); without SMTP settings nothing is sent and the status says so.
/// </summary>
public sealed class EmailClaimTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Two_senders_claiming_at_once_split_the_messages_and_each_outcome_is_recorded_once(Engine engine)
    {
        var app = await apps.For(engine);
        var tag = Tag();
        var ids = await app.EnqueueAsync(Enumerable.Range(1, 40)
            .Select(i => new OutgoingEmail(EmailKinds.SignInLink, $"user{i}-{tag}@example.test", "zh-CN", "登录链接", "链接")).ToArray());
        var due = await app.SendAsync<IReadOnlyList<Guid>>(new ListDueEmails(500));
        Assert.Superset(ids.ToHashSet(), due.ToHashSet());

        var claims = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => app.SendAsync<IReadOnlyList<EmailToSend>>(new ClaimEmails(ids)))));
        var claimed = claims.SelectMany(c => c.Select(e => e.Id)).ToList();
        Assert.Equal(ids.Order(), claimed.Order()); // every message claimed, none twice
        Assert.Empty(await app.SendAsync<IReadOnlyList<EmailToSend>>(new ClaimEmails(ids))); // leased: not due again
        Assert.DoesNotContain(await app.SendAsync<IReadOnlyList<Guid>>(new ListDueEmails(500)), ids.Contains);
        var one = claims.SelectMany(c => c).Single(e => e.Id == ids[0]);
        Assert.Equal(($"user1-{tag}@example.test", "登录链接", 0), (one.To, one.Subject, one.Attempts));

        await app.SendAsync<Unit>(new RecordEmailDelivery(ids[0], EmailOutcome.Sent));
        await app.SendAsync<Unit>(new RecordEmailDelivery(ids[0], EmailOutcome.Failed, "550 late")); // no longer pending: ignored
        var before = DateTimeOffset.UtcNow;
        await app.SendAsync<Unit>(new RecordEmailDelivery(ids[1], EmailOutcome.Retry, "Cannot reach the SMTP server: ConnectionRefused."));
        await app.SendAsync<Unit>(new RecordEmailDelivery(ids[2], EmailOutcome.Failed, "550 5.1.1 Recipient rejected"));

        await using var connection = await app.OpenDatabaseAsync();
        var rows = (await OutboxAsync(connection, "status <> 'pending' OR attempts > 0")).Where(r => ids.Contains(r.Id)).ToDictionary(r => r.Id);
        Assert.Equal(("sent", 1, (string?)null), (rows[ids[0]].Status, (int)rows[ids[0]].Attempts, rows[ids[0]].LastError));
        Assert.NotNull(rows[ids[0]].SentAt);
        var retry = rows[ids[1]];
        Assert.Equal(("pending", 1, "Cannot reach the SMTP server: ConnectionRefused."), (retry.Status, (int)retry.Attempts, retry.LastError));
        Assert.Null(retry.LeaseUntil);
        Assert.InRange(retry.NextAttemptAt, before.AddSeconds(29), DateTimeOffset.UtcNow.AddSeconds(37)); // 30 s × 2^0 plus jitter
        Assert.Equal(("failed", 1, "550 5.1.1 Recipient rejected"), (rows[ids[2]].Status, (int)rows[ids[2]].Attempts, rows[ids[2]].LastError));
        Assert.Equal(3, rows.Count);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Without_SMTP_settings_messages_wait_and_the_status_says_e_mail_is_not_configured(Engine engine)
    {
        var app = await apps.For(engine);
        var id = Assert.Single(await app.EnqueueAsync(new OutgoingEmail(EmailKinds.Invitation, $"new-{Tag()}@example.test", "zh-CN", "邀请", "邀请您")));
        var status = await app.SendAsync<EmailStatus>(new GetEmailStatus());
        Assert.False(status.Configured);
        Assert.True(status.Pending >= 1);
        Assert.Contains(app.Logs.Lines, l => l.Contains("E-mail is not configured (Aid__Smtp__Host): messages wait in the outbox", StringComparison.Ordinal));
        var view = await app.SendAsync<EmailView?>(new GetEmail(id));
        Assert.Equal(("pending", 0), (view!.Status, view.Attempts));
    }

    /// <summary>
    /// Here the sender has stopped at start (no SMTP), so nothing takes its wake-up: a command that made a message pending
    /// leaves one, a command that did not (or failed) leaves none. In a configured app the sender then delivers at once.
    /// </summary>
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_command_that_makes_a_message_pending_wakes_this_apps_sender_once_it_has_committed(Engine engine)
    {
        var app = await apps.For(engine);
        var wake = app.Factory.Services.GetRequiredService<WorkerWake<EmailSenderWorker>>();
        var id = Assert.Single(await app.EnqueueAsync(new OutgoingEmail(EmailKinds.SignInLink, $"wake-{Tag()}@example.test", "zh-CN", "登录链接", "链接")));
        await wake.WaitAsync(TimeSpan.Zero, Ct); // the helper's own wake-up

        await app.SendAsync<Unit>(new RecordEmailDelivery(id, EmailOutcome.Failed, "550 5.1.1 Recipient rejected"));
        Assert.False(await wake.WaitAsync(TimeSpan.Zero, Ct));
        await Assert.ThrowsAsync<Aid.Application.Common.NotFoundException>(() => app.SendAsync<EmailView>(new ResendEmail(Guid.CreateVersion7())));
        Assert.False(await wake.WaitAsync(TimeSpan.Zero, Ct));

        Assert.Equal("pending", (await app.SendAsync<EmailView>(new ResendEmail(id))).Status);
        Assert.True(await wake.WaitAsync(TimeSpan.Zero, Ct));
        Assert.False(await wake.WaitAsync(TimeSpan.Zero, Ct)); // one wake-up, taken
    }
}
