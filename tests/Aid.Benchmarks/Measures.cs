using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aid.Application.Auditing;
using Aid.Application.Receipts;
using Aid.Application.Statements;
using Aid.Infrastructure.Database;
using Aid.Infrastructure.Pdf;
using Aid.Infrastructure.Statements;
using Mediator;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aid.Benchmarks;

public sealed record Settings(bool Quick, string? Postgres)
{
    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(15);
    public int Clients => 8;
}

public static class Measures
{
    /// <summary>P1: gifts recorded over HTTP (Kestrel, loopback, N clients, SQLite) vs raw single-row SQLite insert transactions.</summary>
    public static async Task<Measurement> P1(Settings s)
    {
        var folder = Temp.Folder("p1");
        var raw = await RawSqlite(Path.Combine(folder, "raw.db"), s.Duration);
        await using var aid = new HostedAid("sqlite", $"Data Source={Path.Combine(folder, "aid.db")}", folder);
        var (rate, warmUp) = await RecordGifts(aid, s);
        var ratio = rate / raw;
        var writer = ((SqliteEngine)aid.Services.GetRequiredService<IDatabaseEngine>()).Writer;
        var (commits, commands) = writer.Committed;
        var (held, committing) = writer.Busy;
        return new Measurement("P1", $"gift recording over HTTP, {s.Clients} clients, SQLite (WAL, synchronous=FULL)", rate, "gifts/s", raw,
            "raw insert tx/s (1 writer)", ratio, "≥ 0.5", ratio >= 0.5, $"group commit: {(double)commands / Math.Max(commits, 1):F1} commands per commit; writer held {held.TotalMilliseconds / Math.Max(commands, 1):F2} ms a gift, commit {committing.TotalMilliseconds / Math.Max(commits, 1):F2} ms; {WarmedUp(warmUp)}");
    }

    /// <summary>P6: the same on PostgreSQL vs raw Npgsql single-row autocommit inserts at the same client count.</summary>
    public static async Task<Measurement> P6(Settings s)
    {
        if (s.Postgres is null)
            return new Measurement("P6", "gift recording over HTTP, PostgreSQL", 0, "gifts/s", null, null, null, "≥ 0.7", null, "skipped: AID_BENCH_POSTGRES not set");
        var folder = Temp.Folder("p6");
        var (aidDb, rawDb) = ($"aid_bench_{Guid.NewGuid():N}"[..24], $"raw_bench_{Guid.NewGuid():N}"[..24]);
        await using (var admin = NpgsqlDataSource.Create(s.Postgres))
        {
            await admin.CreateCommand($"CREATE DATABASE {aidDb}").ExecuteNonQueryAsync();
            await admin.CreateCommand($"CREATE DATABASE {rawDb}").ExecuteNonQueryAsync();
        }
        try
        {
            var raw = await RawPostgres(new NpgsqlConnectionStringBuilder(s.Postgres) { Database = rawDb, MaxPoolSize = 50 }.ToString(), s.Clients, s.Duration);
            double rate;
            TimeSpan warmUp;
            await using (var aid = new HostedAid("postgres", new NpgsqlConnectionStringBuilder(s.Postgres) { Database = aidDb, MaxPoolSize = 50 }.ToString(), folder))
                (rate, warmUp) = await RecordGifts(aid, s);
            var ratio = rate / raw;
            return new Measurement("P6", $"gift recording over HTTP, {s.Clients} clients, PostgreSQL", rate, "gifts/s", raw,
                $"raw autocommit inserts/s ({s.Clients} clients)", ratio, "≥ 0.7", ratio >= 0.7, WarmedUp(warmUp));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = NpgsqlDataSource.Create(s.Postgres);
            await admin.CreateCommand($"DROP DATABASE IF EXISTS {aidDb} WITH (FORCE)").ExecuteNonQueryAsync();
            await admin.CreateCommand($"DROP DATABASE IF EXISTS {rawDb} WITH (FORCE)").ExecuteNonQueryAsync();
        }
    }

    private static string WarmedUp(TimeSpan warmUp) => $"measured after {warmUp.TotalSeconds:F0} s of warm-up (until the JIT settled)";

    private static async Task<(double Rate, TimeSpan WarmUp)> RecordGifts(HostedAid aid, Settings s)
    {
        var (programme, donor) = await aid.ProgrammeAndDonorAsync();
        using var client = aid.Client();
        async Task<bool> Gift(int c, long i)
        {
            var response = await client.PostAsJsonAsync("/api/v1/gifts", new
            {
                programmeId = programme, donorId = donor, receivedOn = "2024-05-01", kind = "cash", amount = "100.00", method = "bank_transfer",
                reference = $"R-{c}-{i}-{Guid.NewGuid():N}",
            });
            return response.StatusCode == System.Net.HttpStatusCode.Created;
        }
        var warmUp = await WarmUpAsync(s.Clients, Gift);
        var (rate, _, failed) = await Load.Closed(s.Clients, s.Duration, Gift);
        if (failed > 0) throw new InvalidOperationException($"{failed} gift requests failed");
        return (rate, warmUp);
    }

    /// <summary>
    /// Load in one-second slices until the JIT has settled: tiered compilation recompiles thousands of the service's methods
    /// (instrumented, then optimised) over its first 10–15 s under load, on a core the service would otherwise use. A giving
    /// day is served at the steady state, so that is what is measured: until a slice compiles fewer than 50 methods, at most 30 s.
    /// </summary>
    private static async Task<TimeSpan> WarmUpAsync(int clients, Func<int, long, Task<bool>> request)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await Load.Closed(clients, TimeSpan.FromSeconds(1), request);
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 50) break;
        }
        return clock.Elapsed;
    }

    private static async Task<double> RawSqlite(string file, TimeSpan duration)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (id TEXT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT)");
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO t (id, amount, note) VALUES ($id, 10000, 'raw')";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var clock = Stopwatch.StartNew();
        long n = 0;
        while (clock.Elapsed < duration)
        {
            await using var tx = connection.BeginTransaction(deferred: false);
            insert.Transaction = tx;
            id.Value = Guid.CreateVersion7().ToString();
            await insert.ExecuteNonQueryAsync();
            await tx.CommitAsync();
            n++;
        }
        return n / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> RawPostgres(string connectionString, int clients, TimeSpan duration)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await source.CreateCommand("CREATE TABLE t (id uuid PRIMARY KEY, amount bigint NOT NULL, note text)").ExecuteNonQueryAsync();
        var (rate, _, _) = await Load.Closed(clients, duration, async (_, _) =>
        {
            await using var command = source.CreateCommand("INSERT INTO t (id, amount, note) VALUES ($1, 10000, 'raw')");
            command.Parameters.AddWithValue(Guid.CreateVersion7());
            return await command.ExecuteNonQueryAsync() == 1;
        });
        return rate;
    }

    /// <summary>P2: receipts end to end (database → PDF with the CJK font, a receipt run) vs raw PDFsharp rendering of the same receipt on one thread.</summary>
    public static async Task<Measurement> P2(Settings s)
    {
        var fonts = CjkFonts.Load([]);
        var renderer = new ReceiptPdf(fonts, NullLogger<ReceiptPdf>.Instance);
        var sample = new ReceiptContent("AID-2026-000001", "gift", new DateOnly(2026, 9, 10), DateTimeOffset.UtcNow, "zh-CN",
            new ReceiptIssuerInfo("共青团安康市汉滨区委员会", "11610902MB2950112X", "陕西省安康市汉滨区"), "蒋晟晖", false, "CNY",
            [new ReceiptLine(Guid.CreateVersion7(), new DateOnly(2026, 9, 1), "ZP", "青系镇坪，雏鹰伴翔", "cash", "bank_transfer", null, null, null, null, "1000.00")],
            "1000.00", ChineseAmount.Renminbi(100000), null, "ABCDEFGH1234", "http://127.0.0.1:5080/verify/AID-2026-000001?code=ABCDEFGH1234");
        var bytes = renderer.Render(sample, ReceiptMark.Original).Length;
        var clock = Stopwatch.StartNew();
        var rendered = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(s.Quick ? 3 : 10)) { renderer.Render(sample with { Number = $"AID-2026-{rendered:000000}" }, ReceiptMark.Original); rendered++; }
        var raw = rendered / clock.Elapsed.TotalSeconds;

        var count = s.Quick ? 300 : 2000;
        var (rate, _) = await ReceiptRun(count);
        var ratio = rate / raw;
        return new Measurement("P2", $"receipts end to end (receipt run of {count}, {fonts.Fonts[0].Path.Split('/')[^1]})", rate, "receipts/s", raw,
            "raw PDFsharp render/s (1 thread)", ratio, "≥ 300/s; ≤ 80 KB", rate >= 300 && bytes <= 80 * 1024,
            $"{bytes / 1024.0:F1} KB per receipt");
    }

    /// <summary>A per-gift receipt run over <paramref name="count"/> gifts of the current year; returns receipts/s and the process's peak working set.</summary>
    public static async Task<(double Rate, long PeakBytes)> ReceiptRun(int count)
    {
        var folder = Temp.Folder("receipts");
        await using var aid = new HostedAid("sqlite", $"Data Source={Path.Combine(folder, "aid.db")}", folder,
            new Dictionary<string, string> { ["Aid:Receipts:RunChunkSize"] = "100" });
        var (programme, donor) = await aid.ProgrammeAndDonorAsync();
        using var client = aid.Client();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var recorded = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async c =>
        {
            while (Interlocked.Increment(ref recorded) <= count)
                await HostedAid.Post(client, "/api/v1/gifts", new
                {
                    programmeId = programme, donorId = donor, receivedOn = today, kind = "cash", amount = "100.00", method = "cash",
                });
        }));
        var run = await HostedAid.Post(client, "/api/v1/receipt-runs", new { programmeId = programme, year = DateTime.UtcNow.Year, kind = "per-gift" });
        while (true)
        {
            await Task.Delay(200);
            var state = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/receipt-runs/{run}")).RootElement;
            if (state.GetProperty("status").GetString() == "completed")
                return (state.GetProperty("receiptsPerSecond").GetDouble(), Process.GetCurrentProcess().PeakWorkingSet64);
            if (state.GetProperty("status").GetString() == "failed") throw new InvalidOperationException(state.GetRawText());
        }
    }

    /// <summary>
    /// Child process: generates a SQLite database of <paramref name="gifts"/> gifts with their audit records, lets the service
    /// seal them (as its background sealer would have, a second after each command), and when <paramref name="verify"/> checks
    /// that <c>GET /api/v1/audit/verify</c> answers valid; prints the programme id and the time of each step.
    /// </summary>
    public static async Task<string> Generate(string file, int gifts, bool verify)
    {
        var folder = Path.GetDirectoryName(file)!;
        var result = await new DataGenerator(DatabaseOptions.From("sqlite", $"Data Source={file}"), Path.Combine(folder, "aid.key")).GenerateAsync(gifts);

        // The service's background sealer starts sealing as soon as it starts: timed from the start (start-up included).
        var clock = Stopwatch.StartNew();
        await using var aid = new HostedAid("sqlite", $"Data Source={file}", folder, adminKey: HostedAid.GeneratedDataAdminKey);
        await using (var scope = aid.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AuditSealer>().SealCommittedAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        var seal = clock.Elapsed.TotalSeconds;

        double? verifySeconds = null;
        if (verify)
        {
            clock.Restart();
            using var client = aid.Client();
            var response = await client.GetAsync("/api/v1/audit/verify");
            var text = await response.Content.ReadAsStringAsync();
            verifySeconds = clock.Elapsed.TotalSeconds;
            var answer = response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement : default;
            if (!response.IsSuccessStatusCode || !answer.GetProperty("valid").GetBoolean())
                throw new InvalidOperationException($"GET /api/v1/audit/verify on the generated data ({gifts:N0} gifts) is not valid: {(int)response.StatusCode} {text[..Math.Min(text.Length, 1500)]}"
                    .ReplaceLineEndings(" "));
            if (answer.GetProperty("unsealed").GetInt64() != 0 || answer.GetProperty("records").GetInt64() < result.AuditRecords)
                throw new InvalidOperationException($"GET /api/v1/audit/verify: {answer.GetProperty("records")} records, {answer.GetProperty("unsealed")} unsealed; expected at least {result.AuditRecords}, all sealed.");
        }
        return JsonSerializer.Serialize(new
        {
            programme = result.ProgrammeId, donor = result.BusiestDonorId, seconds = result.Elapsed.TotalSeconds, records = result.AuditRecords,
            audit = result.AuditElapsed.TotalSeconds, seal, verify = verifySeconds,
        });
    }

    /// <summary>Child process: the annual statement (PDF + CSV ZIP) of the generated programme; prints seconds and peak working set.</summary>
    public static async Task<string> Statement(string file, Guid programme)
    {
        var folder = Path.GetDirectoryName(file)!;
        await using var aid = new HostedAid("sqlite", $"Data Source={file}", folder, adminKey: HostedAid.GeneratedDataAdminKey);
        async Task<(double Seconds, int PdfBytes, bool Reused)> StatementAsync()
        {
            var clock = Stopwatch.StartNew();
            await using var scope = aid.Services.CreateAsyncScope();
            using var statement = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new GetProgrammeStatement(programme, 2023));
            var pdf = await scope.ServiceProvider.GetRequiredService<StatementPdf>().RenderAsync(statement!, CancellationToken.None);
            await using (var csv = new FileStream(Path.Combine(folder, "statement.zip"), FileMode.Create))
                await StatementFiles.WriteCsvZipAsync(statement!, csv, CancellationToken.None);
            return (clock.Elapsed.TotalSeconds, pdf.Length, statement!.Verification.Reused);
        }
        // The first statement after the start verifies the whole trail; the second, on the same running service with nothing
        // written behind its back, reuses that verification (LastIntactVerification).
        var first = await StatementAsync();
        var firstPeak = Process.GetCurrentProcess().PeakWorkingSet64;
        var again = await StatementAsync();
        return JsonSerializer.Serialize(new
        {
            seconds = first.Seconds, peak = firstPeak, pdfBytes = first.PdfBytes, again = again.Seconds, againReused = again.Reused,
            againPeak = Process.GetCurrentProcess().PeakWorkingSet64,
        });
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
