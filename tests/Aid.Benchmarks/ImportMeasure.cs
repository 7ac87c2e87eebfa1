using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aid.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Benchmarks;

/// <summary>
/// P7: a gift file imported through the API (Aid's CSV template: upload → preview, a donor per payer with
/// applyToSamePayer, commit in the background) against a raw batched insert of the same gifts, journal entries and
/// postings on the same engine. The commit is Aid's bulk path, so it is compared with the engine's bulk path, not with
/// single-row transactions as P1 is. Upload and commit run in a child process per size, so each peak working set is its own.
/// </summary>
public static class ImportMeasure
{
    /// <summary>About 50 payers, so assigning donors takes ~50 PATCH calls whatever the file's size.</summary>
    private const int Payers = 50;

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
    private static readonly string[] Given = ["晟晖", "雨桐", "子涵", "浩然", "思远"];
    private static readonly string[] Methods = ["银行转账", "微信支付", "支付宝", "现金", "支票"];

    public static async Task<Measurement> P7(bool quick)
    {
        var (small, large) = quick ? (1_000, 10_000) : (10_000, 100_000);
        var raw = await RawInsertsPerSecond(Temp.Folder("p7-raw"), large);
        var a = JsonDocument.Parse(await Child.Run("import", "--rows", small.ToString(CultureInfo.InvariantCulture))).RootElement;
        var b = JsonDocument.Parse(await Child.Run("import", "--rows", large.ToString(CultureInfo.InvariantCulture))).RootElement;
        double peakSmall = a.GetProperty("peak").GetInt64(), peakLarge = b.GetProperty("peak").GetInt64();
        var rate = b.GetProperty("rate").GetDouble();
        var ratio = rate / raw;
        var memory = peakLarge / peakSmall;
        return new Measurement("P7", $"import commit of {large:N0} template rows (upload, ~{Payers} PATCH, commit → committed), SQLite", rate, "rows/s",
            raw, "raw batched gift+entry+postings inserts/s", ratio, $"≥ 0.5; peak {large / 1000}k vs {small / 1000}k ≤ 1.5×", ratio >= 0.5 && memory <= 1.5,
            $"preview (upload → 201) {b.GetProperty("preview").GetDouble():F1} s at {large / 1000}k, {a.GetProperty("preview").GetDouble():F1} s at {small / 1000}k; " +
            $"peak {peakLarge / 1048576:F0} MB vs {peakSmall / 1048576:F0} MB ({memory:F2}×); commit {b.GetProperty("commit").GetDouble():F1} s " +
            $"({a.GetProperty("rate").GetDouble():F0} rows/s at {small / 1000}k), CPU {b.GetProperty("cpu").GetDouble():F2} cores during it, " +
            $"the writer held {b.GetProperty("writerHeld").GetDouble():F1} s of it ({b.GetProperty("writerCommitting").GetDouble():F1} s committing); " +
            $"chunks of 500: first {b.GetProperty("firstChunks").GetDouble():F2} s, last {b.GetProperty("lastChunks").GetDouble():F2} s each; " +
            $"{b.GetProperty("patches").GetInt32()} PATCH in {b.GetProperty("patch").GetDouble():F1} s; progress (GET) {b.GetProperty("poll").GetDouble():F0} ms (median)");
    }

    /// <summary>
    /// Child process: the service on a fresh SQLite file, a programme and the payers' donors created through the API, then
    /// the file uploaded, donors assigned, committed and polled until committed. Prints the times, the rate and the peak working set.
    /// </summary>
    public static async Task<string> Run(int rows)
    {
        var folder = Temp.Folder("p7");
        var file = Path.Combine(folder, "gifts.csv");
        await WriteTemplateAsync(file, rows);

        await using var aid = new HostedAid("sqlite", $"Data Source={Path.Combine(folder, "aid.db")}", folder);
        var (programme, _) = await aid.ProgrammeAndDonorAsync();
        using var client = aid.Client();
        var donors = new Guid[Payers];
        for (var p = 0; p < Payers; p++) donors[p] = await HostedAid.Post(client, "/api/v1/donors", new { kind = "person", name = Payer(p) });

        var clock = Stopwatch.StartNew();
        JsonElement import;
        await using (var stream = File.OpenRead(file))
        {
            using var form = new MultipartFormDataContent();
            var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(content, "file", "p7-gifts.csv");
            form.Add(new StringContent(programme.ToString()), "programmeId");
            import = await Expect(await client.PostAsync("/api/v1/imports", form), HttpStatusCode.Created);
        }
        var preview = clock.Elapsed.TotalSeconds;
        var id = import.GetProperty("id").GetGuid();
        if (import.GetProperty("rows").GetProperty("new").GetInt64() != rows)
            throw new InvalidOperationException($"the preview has {import.GetProperty("rows")} instead of {rows} new rows");

        // Row p + 1 is the first row of payer p: one PATCH gives that payer's donor to all its rows.
        clock.Restart();
        var assigned = 0;
        for (var p = 0; p < Payers; p++)
        {
            var update = await Expect(await client.PatchAsJsonAsync($"/api/v1/imports/{id}/rows/{p + 1}", new { donorId = donors[p], applyToSamePayer = true }),
                HttpStatusCode.OK);
            assigned += update.GetProperty("updated").GetInt32();
        }
        var patch = clock.Elapsed.TotalSeconds;
        if (assigned != rows) throw new InvalidOperationException($"{assigned} rows got a donor instead of {rows}");

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var writer = ((SqliteEngine)aid.Services.GetRequiredService<IDatabaseEngine>()).Writer;
        var (heldBefore, committingBefore) = writer.Busy;
        clock.Restart();
        await Expect(await client.PostAsJsonAsync($"/api/v1/imports/{id}/commit", new { }), HttpStatusCode.Accepted);
        JsonElement state;
        var polls = new List<double>();
        while (true)
        {
            await Task.Delay(rows <= 10_000 ? 200 : 500);
            var polled = Stopwatch.GetTimestamp();
            state = await Expect(await client.GetAsync($"/api/v1/imports/{id}"), HttpStatusCode.OK);
            polls.Add(Stopwatch.GetElapsedTime(polled).TotalMilliseconds);
            var status = state.GetProperty("status").GetString();
            if (status == "committed") break;
            if (status == "failed") throw new InvalidOperationException(state.GetRawText());
        }
        var commit = clock.Elapsed.TotalSeconds;
        var (heldAfter, committingAfter) = writer.Busy;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / commit;
        var booked = state.GetProperty("rows").GetProperty("booked").GetInt64();
        if (booked != rows) throw new InvalidOperationException($"{booked} rows booked instead of {rows}: {state.GetRawText()}");

        var chunks = await ChunkSecondsAsync(Path.Combine(folder, "aid.db"), id);
        var tenth = Math.Max(1, chunks.Count / 10);
        return JsonSerializer.Serialize(new
        {
            rows, preview, patch, patches = Payers, commit, rate = rows / commit, cpu,
            firstChunks = chunks.Take(tenth).DefaultIfEmpty().Average(), lastChunks = chunks.TakeLast(tenth).DefaultIfEmpty().Average(),
            chunks = chunks.Count, peak = process.PeakWorkingSet64,
            poll = polls.Order().ElementAt(polls.Count / 2), // the progress (GET /imports/{id}) while the commit runs: median ms
            writerHeld = (heldAfter - heldBefore).TotalSeconds, writerCommitting = (committingAfter - committingBefore).TotalSeconds,
        });
    }

    /// <summary>How long each chunk took, from the audit records the chunks wrote (one per chunk, at its end).</summary>
    private static async Task<List<double>> ChunkSecondsAsync(string database, Guid importId)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT occurred_at FROM audit_log WHERE entity = 'import' AND entity_id = $id AND action IN ('CommitImport', 'ProcessImportChunk')
            ORDER BY sequence
            """;
        command.Parameters.AddWithValue("$id", importId.ToString("D"));
        var times = new List<DateTimeOffset>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                times.Add(DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture));
        return times.Zip(times.Skip(1), (before, after) => (after - before).TotalSeconds).ToList();
    }

    private static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
                throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 1000)]}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static string Payer(int p) => Surnames[p % Surnames.Length] + Given[p / Surnames.Length % Given.Length];

    /// <summary>Aid's template (UTF-8 with BOM, CRLF): dates in the last two years, varied amounts, a distinct reference per row.</summary>
    private static async Task WriteTemplateAsync(string path, int rows)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var tag = Guid.NewGuid().ToString("N")[..8];
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await writer.WriteAsync("收到日期,捐赠人,金额,方式,参考号,备注\r\n");
        for (var i = 0; i < rows; i++)
        {
            var (date, fen) = Gift(today, i);
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{date:yyyy-MM-dd},{Payer(i % Payers)},{fen / 100}.{fen % 100:00},{Methods[i / Payers % Methods.Length]},P7-{tag}-{i:D7},{(i % 3 == 0 ? "助学捐款" : "")}\r\n"));
        }
    }

    private static (DateOnly Date, long Fen) Gift(DateOnly today, int i) =>
        (today.AddDays(-1 - i % 720), 100 + i * 7_919L % 500_000);

    /// <summary>
    /// The baseline: the same number of gifts written straight into the service's schema (migrated by its own runner, opened
    /// by its own engine: WAL, synchronous=FULL) as DataGenerator writes them: per gift its journal entry, two postings and
    /// the gift row (with a distinct reference, so the same indexes are kept), one prepared command, 20,000 gifts per transaction.
    /// </summary>
    private static async Task<double> RawInsertsPerSecond(string folder, int gifts)
    {
        await using var engine = new SqliteEngine(DatabaseOptions.From("sqlite", $"Data Source={Path.Combine(folder, "raw.db")}"));
        await new MigrationRunner(engine, NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
        await using var connection = await engine.OpenAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var programme = Guid.CreateVersion7().ToString("D");
        var donors = Enumerable.Range(0, Payers).Select(_ => Guid.CreateVersion7().ToString("D")).ToArray();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await Execute(connection, tx, """
                INSERT INTO programmes (id, code, name, region, partner, currency, start_date, end_date, annual_standard, target, status, created_at, created_by)
                VALUES (@p0, 'RAW', '基准', '陕西省安康市镇坪县', '镇坪县教育局', 'CNY', '2021-09-01', '2030-08-31', 100000, 3600000000, 'active', @p1, 'bench')
                """, programme, now);
            for (var p = 0; p < Payers; p++)
                await Execute(connection, tx, """
                    INSERT INTO donors (id, kind, name, anonymous, language, email, phone, address, organisation_code, created_at, created_by)
                    VALUES (@p0, 'person', @p1, 0, 'zh-CN', NULL, NULL, NULL, NULL, @p2, 'bench')
                    """, donors[p], Payer(p), now);
            await tx.CommitAsync();
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string[] methods = ["bank_transfer", "wechat_pay", "alipay", "cash", "cheque"];
        const int perTransaction = 20_000;
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < gifts; offset += perTransaction)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
                VALUES (@p0, @p1, @p2, 'cash_gift', 'gift', @p3, NULL, NULL, @p4, 'bench');
                INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 1, @p1, 'cash_at_bank', @p5);
                INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 2, @p1, 'restricted_fund', @p6);
                INSERT INTO gifts (id, programme_id, donor_id, pledge_id, kind, received_on, currency, amount, method, reference, description, quantity, unit,
                                   valuation_basis, journal_entry_id, created_at, created_by)
                VALUES (@p3, @p1, @p7, NULL, 'cash', @p2, 'CNY', @p5, @p8, @p9, NULL, NULL, NULL, NULL, @p0, @p4, 'bench');
                """;
            var parameters = Enumerable.Range(0, 10).Select(n => Parameter(insert, "p" + n)).ToArray();
            parameters[1].Value = programme;
            parameters[4].Value = now;
            for (var i = offset; i < Math.Min(gifts, offset + perTransaction); i++)
            {
                var (date, fen) = Gift(today, i);
                parameters[0].Value = Guid.CreateVersion7().ToString("D");
                parameters[2].Value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                parameters[3].Value = Guid.CreateVersion7().ToString("D");
                parameters[5].Value = fen;
                parameters[6].Value = -fen;
                parameters[7].Value = donors[i % Payers];
                parameters[8].Value = methods[i / Payers % methods.Length];
                parameters[9].Value = $"RAW-{i:D7}";
                await insert.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        return gifts / clock.Elapsed.TotalSeconds;
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task Execute(DbConnection connection, DbTransaction tx, string sql, params object[] values)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++) Parameter(command, "p" + i).Value = values[i];
        await command.ExecuteNonQueryAsync();
    }
}
