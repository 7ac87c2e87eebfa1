using Aid.Application.Email;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using static Aid.Tests.Email.EmailTestSupport;

namespace Aid.Tests.Email;

/// <summary>
/// Apps sending to the shared smtp4dev (as <see cref="SharedSmtpApps"/>) with small receipt-run chunks and sender batches, so a
/// run of a few dozen receipts crosses chunk and batch boundaries several times, as a run of hundreds does with the defaults (50, 20).
/// </summary>
public sealed class SmallBatchSmtpApps : EngineApps
{
    public const int RunChunkSize = 10;
    public const int BatchSize = 7;

    protected override void Configure(IWebHostBuilder builder)
    {
        if (Smtp4dev.SkipReason is not null) return;
        foreach (var (key, value) in Smtp4dev.Shared().Settings()) builder.UseSetting(key, value);
        builder.UseSetting("Aid:Receipts:RunChunkSize", RunChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Aid:Smtp:BatchSize", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Receipts by e-mail end to end: an annual receipt run for 45 donors with e-mail addresses, through the public API, in five
/// chunks (at most ten receipts each), is delivered by the hosted sender (at most seven messages a batch, each batch over one
/// connection: seven batches or more) to a real SMTP server as 45 messages — each to its donor, with an RFC 2047 encoded Chinese subject naming the receipt and that
/// receipt's PDF attached (read back: its number is in it, and it is the original). It ran with 200 donors and the default
/// chunk (50) and batch (20) sizes before; what it proves is the same at every boundary, with a fifth of the PDFs.
/// </summary>
public sealed class ReceiptEmailTests(SmallBatchSmtpApps apps) : IClassFixture<SmallBatchSmtpApps>
{
    /// <summary>Not a multiple of the chunk or batch size: the last chunk and the last batch are partial.</summary>
    private const int Donors = 45;
    private static int ThisYear => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Year;

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_receipt_run_for_45_donors_in_chunks_delivers_45_messages_in_batches_each_with_its_own_receipt_PDF(Engine engine)
    {
        var smtp = Smtp4dev.Shared();
        var app = await apps.For(engine);
        var admin = app.Admin();
        var tag = Tag();
        bool Ours(string to) => to.EndsWith($"-{tag}@example.test", StringComparison.Ordinal);
        var programme = (await admin.CreateProgramme()).Id();
        await Parallel.ForAsync(1, Donors + 1, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (i, _) =>
        {
            var donor = await admin.PostJson("/api/v1/donors", new
            {
                kind = "person", name = $"捐赠人{i:000}", anonymous = false, language = "zh-CN", email = $"donor{i:000}-{tag}@example.test",
            }).Expect(HttpStatusCode.Created);
            await admin.Give(MoneyScenario.Cash(programme, donor.Id(), $"{100 + i}.00", receivedOn: $"{ThisYear}-01-02"));
        });

        var run = await admin.PostJson("/api/v1/receipt-runs", new { programmeId = programme, year = ThisYear, kind = "annual" }).Expect(HttpStatusCode.Created);
        var received = await smtp.WaitForAsync(Ours, Donors, TimeSpan.FromSeconds(300), async () =>
            (await admin.Get($"/api/v1/receipt-runs/{run.Id()}").Expect(HttpStatusCode.OK)).GetRawText());
        Assert.Equal(Donors, received.Count); // and no repeats: nothing crashed here

        await using var connection = await app.OpenDatabaseAsync();
        var numbers = (await connection.QueryAsync<(string Email, string Number)>(
                "SELECT d.email AS Email, r.number AS Number FROM receipts r JOIN donors d ON d.id = r.donor_id WHERE r.run_id = @run",
                new { run = run.Id() }))
            .ToDictionary(r => r.Email, r => r.Number);
        Assert.Equal(Donors, numbers.Count);
        Assert.Equal(numbers.Keys.Order(), received.Select(m => Assert.Single(m.To)).Order()); // one message per donor, each to its donor

        var messageIds = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(received, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (email, _) =>
        {
            var to = Assert.Single(email.To);
            var number = numbers[to];
            var (raw, message) = await smtp.SourceAsync(email.Id);
            Assert.Matches("(?im)^Subject: =\\?utf-8\\?[bq]\\?", raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)]);
            Assert.StartsWith($"捐赠收据 {number}", message.Subject);
            Assert.Equal($"{number}.pdf", Assert.Single(message.Attachments).ContentDisposition!.FileName);
            var text = Pdf.Text(Smtp4dev.AttachmentBytes(message));
            Assert.Contains(number, text);
            Assert.DoesNotContain("副本COPY", text); // the e-mailed PDF is the donor's original
            messageIds[to] = message.MessageId ?? "";
        });

        var rows = await WaitForRowsAsync(app.OpenDatabaseAsync, "to_address LIKE @pattern", new { pattern = $"%-{tag}@example.test" },
            r => r.Count == Donors && r.All(x => x.Status == "sent"), TimeSpan.FromSeconds(30), "all recorded sent");
        var byAddress = rows.ToDictionary(r => r.ToAddress);
        Assert.All(messageIds, m => Assert.Equal(byAddress[m.Key].MessageId, m.Value));

        // What the console shows per receipt and per donor.
        var (receiptId, donorId) = await connection.QuerySingleAsync<(Guid, Guid)>(
            "SELECT r.id, r.donor_id FROM receipts r JOIN donors d ON d.id = r.donor_id WHERE d.email = @email",
            new { email = $"donor001-{tag}@example.test" });
        var perReceipt = Assert.Single(await app.SendAsync<IReadOnlyList<EmailView>>(new ListEmails(ReceiptId: receiptId)));
        Assert.Equal(("sent", 1, numbers[$"donor001-{tag}@example.test"], $"donor001-{tag}@example.test", EmailKinds.Receipt),
            (perReceipt.Status, perReceipt.Attempts, perReceipt.ReceiptNumber, perReceipt.To, perReceipt.Kind));
        Assert.NotNull(perReceipt.SentAt);
        Assert.Equal(perReceipt, Assert.Single(await app.SendAsync<IReadOnlyList<EmailView>>(new ListEmails(DonorId: donorId))));
        var status = await app.SendAsync<EmailStatus>(new GetEmailStatus());
        Assert.True(status.Configured && status.Sent >= Donors);
    }
}
