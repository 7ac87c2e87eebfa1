using System.Data.Common;
using System.Diagnostics;
using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Email;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Email;

/// <summary>Apps whose outbox is delivered to the shared smtp4dev of the test run (AID_TEST_SMTP); without it, tests skip first.</summary>
public sealed class SharedSmtpApps : EngineApps
{
    protected override void Configure(IWebHostBuilder builder)
    {
        if (Smtp4dev.SkipReason is not null) return;
        foreach (var (key, value) in Smtp4dev.Shared().Settings()) builder.UseSetting(key, value);
    }
}

/// <summary>An outbox row as stored.</summary>
public sealed class OutboxRow
{
    public Guid Id { get; init; }
    public string MessageId { get; init; } = "";
    public string ToAddress { get; init; } = "";
    public string Status { get; init; } = "";
    public long Attempts { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }

    public const string Select = """
        SELECT id AS Id, message_id AS MessageId, to_address AS ToAddress, status AS Status, attempts AS Attempts, last_error AS LastError,
               created_at AS CreatedAt, next_attempt_at AS NextAttemptAt, sent_at AS SentAt, failed_at AS FailedAt, lease_until AS LeaseUntil
        FROM email_outbox
        """;
}

public static class EmailTestSupport
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A unique tag for a test's recipients: the shared server holds every test's messages.</summary>
    public static string Tag() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Queues messages through the app's own <see cref="EmailOutbox"/> in one committed transaction (as a command handler would),
    /// then wakes the app's sender as the command pipeline does after such a commit (<see cref="EmailWakeBehaviour{TMessage,TResponse}"/>).
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> EnqueueAsync(this AidApp app, params OutgoingEmail[] messages)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IDbSession>();
        var outbox = scope.ServiceProvider.GetRequiredService<EmailOutbox>();
        var ids = new List<Guid>();
        await using (var transaction = await db.BeginTransactionAsync(Ct))
        {
            foreach (var message in messages) ids.Add(await outbox.EnqueueAsync(message, Ct));
            await transaction.CommitAsync(Ct);
        }
        scope.ServiceProvider.GetRequiredService<WorkerWake<EmailSenderWorker>>().Signal();
        return ids;
    }

    public static async Task<IReadOnlyList<OutboxRow>> OutboxAsync(DbConnection connection, string where = "1 = 1", object? parameters = null)
    {
        DapperTypeHandlers.Register(); // uuids and timestamps as the service stores them (text on SQLite)
        return (await connection.QueryAsync<OutboxRow>($"{OutboxRow.Select} WHERE {where} ORDER BY id", parameters)).ToList();
    }

    /// <summary>Polls the rows every 100 ms until <paramref name="done"/> holds for them; fails showing them when <paramref name="timeout"/> runs out.</summary>
    public static async Task<IReadOnlyList<OutboxRow>> WaitForRowsAsync(Func<Task<DbConnection>> connect, string where, object? parameters,
        Func<IReadOnlyList<OutboxRow>, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            IReadOnlyList<OutboxRow> rows;
            await using (var connection = await connect()) rows = await OutboxAsync(connection, where, parameters);
            if (done(rows)) return rows;
            if (watch.Elapsed > timeout)
                Assert.Fail($"Not {what} within {timeout.TotalSeconds:0} s: "
                    + string.Join("; ", rows.GroupBy(r => (r.Status, r.Attempts, r.LastError)).Select(g => $"{g.Count()}× {g.Key.Status}/{g.Key.Attempts} {g.Key.LastError}")));
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>A PDF-looking attachment of the given size whose bytes are all different from another's.</summary>
    public static byte[] PdfBytes(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }
}
