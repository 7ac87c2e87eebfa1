using System.Data.Common;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Aid.Application.ApiKeys;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

/// <summary>
/// Two service processes (<c>dotnet Aid.Api.dll</c>) on one PostgreSQL database, each with its own folder and its own copy of the
/// key file, as two instances behind a load balancer would run. Everything that must be decided once is sent to both at the
/// same moment: approvals and payments of disbursements against money for exactly half of them, receipts (and the same receipt
/// twice), one Idempotency-Key, one external reference, one first download. Whatever the instances answered, the database must
/// then show no overdraw (read from the ledger, not from the API), a zero trial balance, a valid audit trail, gap-free receipt
/// numbers and exactly one original per receipt. PostgreSQL only: SQLite is one process's file.
/// </summary>
public sealed class MultiInstanceTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Requests = 20;           // disbursements of 500.00 ...
    private const long Funds = 5_000_00;       // ... against money for ten of them
    private const int ReceiptGifts = 24;       // gifts receipted at once, a third of them on both instances
    private const int Races = 4;               // idempotency keys, external references and first downloads raced
    private const int Senders = 6;             // copies of each raced request, alternating between the instances

    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).ToString("yyyy-MM-dd");

    [Fact]
    public async Task Two_processes_on_one_database_decide_everything_once_and_never_overdraw()
    {
        Engines.SkipUnlessAvailable(Engine.Postgres);
        await using var database = await TestDatabase.CreateAsync(Engine.Postgres);
        var adminKey = ApiKeyToken.Generate();
        var key = RandomNumberGenerator.GetBytes(32); // the operator's key file, copied to each instance
        var instances = new ServiceProcess[2];
        var started = new Uri[2];
        var folders = new List<string>();
        var clients = new List<HttpClient>();
        try
        {
            // Both start at once on the empty database: migrations, key registration and the bootstrap key are decided once.
            for (var i = 0; i < 2; i++)
            {
                var folder = Directory.CreateTempSubdirectory($"aid-instance-{i}-").FullName;
                folders.Add(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, "aid.key"), key, Ct);
                instances[i] = ServiceProcess.Start(new Dictionary<string, string?>
                {
                    ["Aid__Database__Provider"] = "postgres",
                    ["ConnectionStrings__Aid"] = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 20 }.ToString(),
                    ["Aid__Crypto__KeyFile"] = Path.Combine(folder, "aid.key"),
                    ["AID_BOOTSTRAP_ADMIN_KEY"] = adminKey,
                    ["Aid__Security__FailedAuthenticationsPerMinute"] = "1000",
                    ["Aid__Security__VerifyPerMinute"] = "100000",
                    ["Aid__Security__SignInsPerMinute"] = "100000",
                    ["Logging__LogLevel__Default"] = "Warning",
                    ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
                });
            }
            for (var i = 0; i < 2; i++) started[i] = await instances[i].WaitUntilRunningAsync(Bounded);

            HttpClient[] On(string apiKey)
            {
                var pair = started.Select(address =>
                {
                    var client = new HttpClient { BaseAddress = address, Timeout = Bounded };
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                    clients.Add(client);
                    return client;
                }).ToArray();
                return pair;
            }

            var admin = On(adminKey);
            var a = admin[0];

            // Programme M: 5,000.00 for twenty requests of 500.00, by one manager, to be approved by another (four eyes).
            var (money, donor) = await a.ProgrammeAndDonor();
            await a.Give(MoneyScenario.Cash(money, donor, "3000.00", receivedOn: "2022-01-10"));
            await admin[1].Give(MoneyScenario.Cash(money, donor, "2000.00", receivedOn: "2022-02-10"));
            var requester = On(await a.CreateKey("manager", [money]));
            var approver = On(await admin[1].CreateKey("manager", [money]));
            var student = (await requester[0].Register(money)).Id();
            var disbursements = new List<Guid>();
            for (var i = 0; i < Requests; i++)
                disbursements.Add((await requester[i % 2].PostJson("/api/v1/disbursements", new
                {
                    programmeId = money, studentId = student, academicYear = "2022-2023", term = $"第{i + 1}期", purpose = "助学金", amount = "500.00",
                    channel = "bank_card", reference = "ZP-2022-AUTUMN", requestedOn = "2022-09-01",
                }).Expect(HttpStatusCode.Created)).Id());
            var selfApproval = await requester[1].PostJson($"/api/v1/disbursements/{disbursements[0]}/approve", new { }).Expect(HttpStatusCode.Forbidden);
            Assert.Contains("Four-eyes", selfApproval.Str("detail"));

            // Programme R: gifts of today to receipt, from donors without an e-mail address (the first download by the donor is the original).
            var receipting = (await a.CreateProgramme()).Id();
            var receiptDonors = new List<Guid>();
            for (var i = 0; i < 3; i++) receiptDonors.Add((await admin[i % 2].CreateDonor($"多实例捐赠人{i + 1}")).Id());
            var gifts = new List<Guid>();
            for (var i = 0; i < ReceiptGifts; i++)
                gifts.Add((await admin[i % 2].Give(MoneyScenario.Cash(receipting, receiptDonors[i % 3], $"{10 + i}.00", receivedOn: Today))).Id());
            var downloadDonors = new List<(string Number, HttpClient[] Donor)>();
            for (var i = 0; i < Races; i++)
            {
                var owner = (await a.CreateDonor($"下载原件{i + 1}")).Id();
                var gift = await a.Give(MoneyScenario.Cash(receipting, owner, "66.00", receivedOn: Today));
                var number = (await admin[i % 2].PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created)).Str("number");
                downloadDonors.Add((number, On(await a.CreateKey("donor", donorId: owner))));
            }

            // All at once, on both instances.
            var approvals = new List<HttpResponseMessage>();
            var payments = new List<HttpResponseMessage>();
            async Task ApproveThenPay(Guid id)
            {
                var decided = await Task.WhenAll(approver.Select(c => c.PostJson($"/api/v1/disbursements/{id}/approve", new { })));
                lock (approvals) approvals.AddRange(decided);
                if (!decided.Any(r => r.StatusCode == HttpStatusCode.OK)) return;
                var paid = await Task.WhenAll(requester.Select(c => c.PostJson($"/api/v1/disbursements/{id}/pay",
                    new { payoutReference = $"BOC-{id:N}", evidenceReference = "签收单-2022-秋-01", paidOn = "2022-09-15" })));
                lock (payments) payments.AddRange(paid);
            }
            var receiptAnswers = gifts.Select((gift, i) => (Gift: gift, Sent: (i % 3 == 0 ? admin : [admin[i % 2]])
                .Select(c => c.PostJson("/api/v1/receipts", new { giftId = gift })).ToArray())).ToList();
            var idempotent = Enumerable.Range(0, Races).Select(i =>
            {
                var key = Guid.NewGuid().ToString();
                var body = MoneyScenario.Cash(receipting, receiptDonors[0], "1.00", reference: $"IDEM-{i}-{Guid.NewGuid():N}"[..20], receivedOn: Today);
                return Enumerable.Range(0, Senders).Select(s => admin[s % 2].PostJson("/api/v1/gifts", body, key)).ToArray();
            }).ToList();
            var sameReference = Enumerable.Range(0, Races).Select(i =>
            {
                var body = MoneyScenario.Cash(receipting, receiptDonors[1], "2.00", reference: $"REF-{i}-{Guid.NewGuid():N}"[..20], receivedOn: Today);
                return Enumerable.Range(0, Senders).Select(s => admin[s % 2].PostJson("/api/v1/gifts", body)).ToArray();
            }).ToList();
            var downloads = downloadDonors.Select(d => (d.Number, Pdfs: Enumerable.Range(0, Senders)
                .Select(s => d.Donor[s % 2].Bytes($"/api/v1/receipts/{d.Number}/pdf")).ToArray())).ToList();
            await Task.WhenAll(disbursements.Select(ApproveThenPay)
                .Concat(receiptAnswers.SelectMany(r => r.Sent)).Concat(idempotent.SelectMany(r => r)).Concat(sameReference.SelectMany(r => r))
                .Concat(downloads.SelectMany(d => d.Pdfs)));

            // What the instances answered: ten approvals and ten payments, each disbursement decided and paid once.
            Assert.All(approvals, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
            Assert.Equal((int)(Funds / 500_00), approvals.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.All(payments, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
            Assert.Equal((int)(Funds / 500_00), payments.Count(r => r.StatusCode == HttpStatusCode.OK));
            var balance = await approver[1].Balance(money);
            Assert.Equal(("5000.00", "0.00", "0.00"), (balance.Str("disbursed"), balance.Str("committed"), balance.Str("cashBalance")));

            // One receipt per gift, whichever instance issued it; the loser of a race is told the winner's number.
            var numbers = new List<string>();
            foreach (var (gift, sent) in receiptAnswers)
            {
                var answers = await Task.WhenAll(sent);
                var created = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Created);
                var number = (await created.Json()).Str("number");
                numbers.Add(number);
                foreach (var loser in answers.Where(r => r != created))
                {
                    Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
                    Assert.Equal(number, (await loser.Json()).Str("receiptNumber"));
                }
            }
            Assert.Equal(numbers.Count, numbers.Distinct().Count());

            // One gift per Idempotency-Key, the same answer to every copy.
            foreach (var sent in idempotent)
            {
                var answers = await Task.WhenAll(sent);
                Assert.All(answers, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
                var bodies = await Task.WhenAll(answers.Select(r => r.Content.ReadAsStringAsync(Ct)));
                Assert.Single(bodies.Distinct());
            }
            // One gift per external reference; every other copy is a 409 naming it.
            foreach (var sent in sameReference)
            {
                var answers = await Task.WhenAll(sent);
                var created = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Created);
                var winner = (await created.Json()).Id().ToString();
                foreach (var loser in answers.Where(r => r != created))
                {
                    Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
                    Assert.Equal(winner, (await loser.Json()).Str("existingGiftId"));
                }
            }
            // One original per receipt: the donor's first download, whichever instance served it; every other is a copy.
            foreach (var (number, pdfs) in downloads)
            {
                var texts = (await Task.WhenAll(pdfs)).Select(Pdf.Text).ToList();
                Assert.All(texts, t => Assert.Contains(number, t));
                Assert.Equal(1, texts.Count(t => !t.Contains("副本")));
                Assert.Equal(Senders - 1, texts.Count(t => t.Contains("副本COPY")));
            }

            // What the database holds, read directly.
            await using var connection = database.NewConnection();
            await connection.OpenAsync(Ct);
            Assert.Empty(await OverdrawnAsync(connection, null));
            Assert.Equal(Funds, await connection.ExecuteScalarAsync<long>(
                "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = 'aid_paid' AND programme_id = @money", new { money }));
            Assert.Equal(new[] { ("paid", 10L), ("requested", 10L) }, (await connection.QueryAsync<(string, long)>(
                "SELECT status, COUNT(*) FROM disbursements WHERE programme_id = @money GROUP BY status ORDER BY status", new { money })).ToArray());
            await AssertTrialBalanceZeroAsync(connection);
            foreach (var series in await connection.QueryAsync<(string Prefix, int Year, long Count, long Max, long Distinct)>(
                "SELECT prefix, year, COUNT(*), MAX(sequence), COUNT(DISTINCT sequence) FROM receipts GROUP BY prefix, year"))
                Assert.True(series.Count == series.Max && series.Count == series.Distinct, $"Receipt numbers {series.Prefix}-{series.Year} are not 1..n: {series}");
            Assert.Equal(ReceiptGifts + Races, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM receipts"));
            Assert.All(await connection.QueryAsync<(string Reference, long Count)>(
                    "SELECT reference, COUNT(*) FROM gifts WHERE reference LIKE 'IDEM-%' OR reference LIKE 'REF-%' GROUP BY reference"),
                g => Assert.Equal(1L, g.Count));
            Assert.Equal(2L * Races, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM gifts WHERE reference LIKE 'IDEM-%' OR reference LIKE 'REF-%'"));
            foreach (var (number, _) in downloads)
            {
                var row = await connection.QuerySingleAsync<(long Downloads, string Via)>("SELECT downloads, original_via FROM receipts WHERE number = @number", new { number });
                Assert.Equal((Senders, "download"), ((int)row.Downloads, row.Via));
                var marks = (await connection.QueryAsync<string>(
                    "SELECT a.summary FROM audit_log a JOIN receipts r ON CAST(r.id AS TEXT) = a.entity_id WHERE r.number = @number AND a.summary LIKE '%downloaded%'",
                    new { number })).ToList();
                Assert.Equal(Senders, marks.Count);
                Assert.Single(marks, m => m.Contains("\"mark\":\"original\""));
            }
            // A refused approval or payment wrote no audit record: one per decision taken.
            Assert.Equal(10L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'ApproveDisbursement'"));
            Assert.Equal(10L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'PayDisbursement'"));

            // The audit trail verifies on both instances (each seals what both committed).
            foreach (var client in admin)
            {
                var verified = await client.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
                Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());
            }

            // The overdraw check reads the ledger: one more fen paid out of programme M, booked balanced, is caught.
            await using (var transaction = await connection.BeginTransactionAsync(Ct))
            {
                var entry = Guid.CreateVersion7();
                await connection.ExecuteAsync("""
                    INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, memo, created_at, created_by)
                    SELECT @entry, e.programme_id, e.entry_date, e.kind, e.source_type, e.source_id, 'test: one fen too many', e.created_at, e.created_by
                    FROM journal_entries e WHERE e.id = (SELECT p.journal_entry_id FROM postings p WHERE p.account = 'aid_paid' LIMIT 1);
                    INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES
                        (@entry, 1, @money, 'aid_paid', 1), (@entry, 2, @money, 'cash_at_bank', -1);
                    """, new { entry, money }, transaction);
                Assert.Equal([money], (await OverdrawnAsync(connection, transaction)).Select(o => o.Programme));
                await transaction.RollbackAsync(Ct);
            }

            // Neither instance logged an error (the console logger's "fail:" and "crit:" lines) for anything a client caused.
            foreach (var instance in instances)
                Assert.DoesNotMatch(@"(?m)^(fail|crit): ", instance.Stdout + instance.Stderr);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            foreach (var instance in instances.Where(i => i is not null)) await instance.DisposeAsync();
            foreach (var folder in folders)
            {
                try { Directory.Delete(folder, recursive: true); }
                catch (IOException) { }
            }
        }
    }

    /// <summary>
    /// Programmes whose ledger shows more paid out than came in: aid paid above the cash received, or cash at bank below zero.
    /// Read from the postings only, so it holds whatever the API answered.
    /// </summary>
    private static async Task<List<(Guid Programme, long Received, long Paid, long Cash)>> OverdrawnAsync(DbConnection connection, DbTransaction? transaction) =>
        (await connection.QueryAsync<(Guid Programme, long Received, long Paid, long Cash)>("""
            SELECT programme_id,
                   CAST(COALESCE(SUM(CASE WHEN account = 'cash_at_bank' AND amount > 0 THEN amount END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN account = 'aid_paid' THEN amount END), 0) AS BIGINT),
                   CAST(COALESCE(SUM(CASE WHEN account = 'cash_at_bank' THEN amount END), 0) AS BIGINT)
            FROM postings GROUP BY programme_id
            """, transaction: transaction)).Where(p => p.Paid > p.Received || p.Cash < 0).ToList();

    /// <summary>Every journal entry sums to zero, so does the whole ledger, and no entry is without postings.</summary>
    private static async Task AssertTrialBalanceZeroAsync(DbConnection connection)
    {
        Assert.Empty(await connection.QueryAsync<Guid>("SELECT journal_entry_id FROM postings GROUP BY journal_entry_id HAVING SUM(amount) <> 0"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM journal_entries e WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.journal_entry_id = e.id)"));
    }
}
