using System.Data.Common;
using System.Globalization;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using static Aid.Tests.Email.EmailTestSupport;

namespace Aid.Tests.Email;

/// <summary>
/// kill -9 of the service while it delivers the outbox: nothing is lost (a new process on the same database delivers every message
/// once the dead one's lease ends), and a message delivered twice (accepted by the server, the process killed before it recorded
/// that) carries the same Message-ID and content both times.
/// </summary>
public sealed class EmailCrashTests
{
    private const int Messages = 120;
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Killing_the_service_mid_delivery_loses_no_message_and_a_repeat_has_the_same_Message_ID(Engine engine)
    {
        var smtp = Smtp4dev.Shared();
        await using var database = await TestDatabase.CreateAsync(engine);
        var keys = Directory.CreateTempSubdirectory("aid-crash-keys-").FullName;
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["Aid__Database__Provider"] = database.Provider,
                ["ConnectionStrings__Aid"] = database.ConnectionString,
                ["Aid__Crypto__KeyFile"] = Path.Combine(keys, "aid.key"),
            };
            foreach (var (key, value) in smtp.Settings(leaseSeconds: 5)) environment[Settings(key)] = value;
            environment["Aid__Smtp__TimeoutSeconds"] = "2";
            environment["Aid__Smtp__BatchSize"] = "10";

            var tag = Tag();
            bool Ours(string to) => to.EndsWith($"-{tag}@example.test", StringComparison.Ordinal);
            var first = ServiceProcess.Start(environment);
            long sentBeforeKill;
            try
            {
                await first.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Bounded);
                await using (var connection = database.NewConnection())
                {
                    await connection.OpenAsync(Ct);
                    await InsertAsync(connection, tag);
                }
                await smtp.WaitForAsync(Ours, 20, Bounded);
            }
            finally
            {
                await first.DisposeAsync(); // Process.Kill: SIGKILL, mid-delivery
            }
            await using (var connection = database.NewConnection())
            {
                await connection.OpenAsync(Ct);
                sentBeforeKill = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'");
            }
            Assert.True(sentBeforeKill < Messages, "Every message was delivered before the kill: the test proved nothing.");

            await using var second = ServiceProcess.Start(environment);
            await second.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Bounded);
            var rows = await WaitForRowsAsync(async () =>
                {
                    var c = database.NewConnection();
                    await c.OpenAsync(Ct);
                    return c;
                }, "1 = 1", null, r => r.Count == Messages && r.All(x => x.Status == "sent"), TimeSpan.FromSeconds(120), "all sent by the second process");

            var received = await smtp.WaitForAsync(Ours, Messages, TimeSpan.FromSeconds(30));
            var byRecipient = received.GroupBy(m => Assert.Single(m.To)).ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(rows.Select(r => r.ToAddress).Order(), byRecipient.Keys.Order()); // none lost
            var repeats = 0;
            foreach (var row in rows.Where(r => byRecipient[r.ToAddress].Count > 1))
            {
                repeats++;
                var copies = new List<MimeKit.MimeMessage>();
                foreach (var copy in byRecipient[row.ToAddress]) copies.Add(await smtp.MimeAsync(copy.Id));
                Assert.All(copies, m => Assert.Equal(row.MessageId, m.MessageId));
                Assert.All(copies, m => Assert.Equal(copies[0].Subject, m.Subject));
                Assert.All(copies, m => Assert.Equal(copies[0].Date, m.Date));
                Assert.All(copies, m => Assert.Equal(Smtp4dev.AttachmentBytes(copies[0]), Smtp4dev.AttachmentBytes(m)));
            }
            TestContext.Current.SendDiagnosticMessage($"{engine}: {sentBeforeKill} recorded sent before the kill, {repeats} delivered twice.");
        }
        finally
        {
            try { Directory.Delete(keys, recursive: true); }
            catch (IOException) { }
        }
    }

    private static string Settings(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The messages as a command would have queued them (straight SQL into the service's database, one transaction).</summary>
    private static async Task InsertAsync(DbConnection connection, string tag)
    {
        DapperTypeHandlers.Register();
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= Messages; i++)
        {
            var id = Guid.CreateVersion7();
            await connection.ExecuteAsync("""
                INSERT INTO email_outbox (id, message_id, kind, to_address, language, subject, body, attachment_name, attachment,
                                          status, attempts, next_attempt_at, created_at, created_by)
                VALUES (@id, @messageId, 'receipt', @to, 'zh-CN', @subject, @body, @name, @attachment, 'pending', 0, @now, @now, 'test')
                """, new
            {
                id, messageId = $"{id:N}@aid.test", to = $"donor{i:000}-{tag}@example.test", subject = $"捐赠收据 KILL-{i:000}",
                body = $"第 {i} 封", name = $"KILL-{i:000}.pdf", attachment = PdfBytes(30_000), now,
            }, transaction);
        }
        await transaction.CommitAsync(Ct);
    }
}
