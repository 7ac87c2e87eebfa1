using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Aid.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Hosting;

namespace Aid.Tests.Imports;

/// <summary>Small commit chunks with a pause between them, so a commit can be caught half done; a small upload limit.</summary>
public sealed class ImportApps : EngineApps
{
    public const int MaxBytes = 256 * 1024;

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Aid:Imports:ChunkSize", "3");
        builder.UseSetting("Aid:Imports:ChunkDelayMs", "120");
        builder.UseSetting("Aid:Imports:MaxBytes", MaxBytes.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Upload → preview → donors → commit through the API, on every engine: counts by outcome, amounts to the fen, nothing
/// booked twice across files, a commit that survives its process being stopped, refunds, refused files.
/// </summary>
public sealed class ImportApiTests(ImportApps apps) : IClassFixture<ImportApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_template_file_is_previewed_then_committed_once_and_a_second_upload_is_all_duplicates(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        // 𠮷 (outside the BMP) goes to the name look-up as a JSON escape pair on SQLite and SQL Server: it must still match.
        var (programme, existing) = await admin.ProgrammeAndDonor("测试捐赠人𠮷");
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var file = Template(
            ("2025-03-02", "测试捐赠人𠮷", "200.00", "微信支付", $"{prefix}-1", "助学捐款"),
            ("2025-03-05", "测试捐赠人乙", "1,000.50", "银行转账", $"{prefix}-2", ""),
            ("2025-03-09", "测试捐赠人乙", "0.01", "支付宝", $"{prefix}-3", ""),
            ("2025-13-09", "测试捐赠人丙", "100.00", "现金", $"{prefix}-4", ""),
            ("2025-03-10", "测试捐赠人丁", "abc", "现金", $"{prefix}-5", ""));
        var giftsBefore = await app.CountAsync("gifts");

        var import = await Upload(admin, programme, file, "捐赠.csv").Expect(HttpStatusCode.Created);
        Assert.Equal("previewed", import.Str("status"));
        Assert.Equal("aid-template", import.Str("format"));
        Assert.Equal("utf-8-bom", import.Str("encoding"));
        Assert.Equal(5, import.GetProperty("totalRows").GetInt64());
        Assert.Equal(3, Count(import, "new"));
        Assert.Equal(2, Count(import, "error"));
        Assert.Equal(3, Count(import, "needs_donor"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), import.GetProperty("file").Str("sha256"));
        Assert.Equal(giftsBefore, await app.CountAsync("gifts")); // a preview books nothing

        var id = import.Id();
        var rows = (await admin.Get($"/api/v1/imports/{id}/rows").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["200.00", "1000.50", "0.01", "100.00", "0.00"], rows.Select(r => r.Str("amount")));
        Assert.Equal(existing, rows[0].GetProperty("suggestedDonor").GetProperty("id").GetGuid()); // a name is only a suggestion
        Assert.True(rows[0].GetProperty("needsDonor").GetBoolean());
        Assert.Equal("error", rows[3].Str("outcome"));
        Assert.Contains("收到日期", rows[3].Str("message"));
        Assert.Equal(2, rows[0].GetProperty("line").GetInt32()); // the line in the file: the header is line 1

        await admin.PatchJson($"/api/v1/imports/{id}/rows/1", new { donorId = existing }).Expect(HttpStatusCode.OK);
        var oneAssigned = await admin.Get($"/api/v1/imports/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(2, Count(oneAssigned, "needs_donor"));
        Assert.Equal("1200.51", oneAssigned.Str("totalNew"));
        Assert.Equal("200.00", oneAssigned.Str("totalToBook"));          // only lines with a donor are booked
        var created = await admin.PatchJson($"/api/v1/imports/{id}/rows/2", new { newDonor = new { }, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        Assert.Equal(2, created.GetProperty("updated").GetInt32()); // both rows of 测试捐赠人乙
        Assert.Equal("测试捐赠人乙", created.GetProperty("row").GetProperty("donor").Str("name"));
        await admin.PatchJson($"/api/v1/imports/{id}/rows/4", new { donorId = existing }).Expect(HttpStatusCode.Conflict); // an error row
        var allAssigned = await admin.Get($"/api/v1/imports/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(0, Count(allAssigned, "needs_donor"));
        Assert.Equal("1200.51", allAssigned.Str("totalToBook"));
        Assert.Equal(3, allAssigned.GetProperty("progress").GetProperty("ready").GetInt64());

        var committing = await admin.PostJson($"/api/v1/imports/{id}/commit", new { }).Expect(HttpStatusCode.Accepted);
        Assert.Equal("committing", committing.Str("status"));
        var done = await WaitFor(admin, id, i => i.Str("status") == "committed");
        Assert.Equal(3, Count(done, "booked"));
        Assert.Equal("1200.51", done.Str("totalBooked"));
        await admin.PostJson($"/api/v1/imports/{id}/commit", new { }).Expect(HttpStatusCode.Accepted); // again: nothing more
        Assert.Equal(giftsBefore + 3, await app.CountAsync("gifts"));

        var again = await Upload(admin, programme, file, "捐赠-再次.csv").Expect(HttpStatusCode.Created);
        Assert.Equal(3, Count(again, "duplicate"));
        Assert.Equal(0, Count(again, "new"));

        // Another programme of the organisation never books the same payment.
        var other = (await admin.CreateProgramme()).Id();
        Assert.Equal(3, Count(await Upload(admin, other, file, "捐赠.csv").Expect(HttpStatusCode.Created), "duplicate"));

        await app.AssertBalancedAsync();
        var verify = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.GetRawText());

        // The year's audit pack carries the committed file as uploaded (its SHA-256 the one recorded) and who did what;
        // the previews nobody committed stay out.
        var pack = await admin.Bytes($"/api/v1/programmes/{programme}/audit-pack/2025.zip", "application/zip");
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(pack));
        var archived = Assert.Single(zip.Entries, e => e.FullName.StartsWith("imports/", StringComparison.Ordinal) && e.FullName.EndsWith("捐赠.csv", StringComparison.Ordinal));
        using (var original = new MemoryStream())
        {
            await archived.Open().CopyToAsync(original, TestContext.Current.CancellationToken);
            Assert.Equal(file, original.ToArray());
        }
        using var list = new StreamReader(zip.GetEntry("imports/imports.csv")!.Open());
        var lines = (await list.ReadToEndAsync(TestContext.Current.CancellationToken)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the header and the one committed import
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(file)), lines[1]);
        Assert.Contains(",committed,", lines[1]);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_overlapping_file_brings_only_its_new_rows_and_an_id_twice_in_one_file_is_an_error_on_both_lines(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("测试捐赠人戊");
        var p = Guid.NewGuid().ToString("N")[..8];
        var first = Template(("2025-03-01", "测试捐赠人戊", "10.00", "微信支付", $"{p}-1", ""), ("2025-03-02", "测试捐赠人戊", "20.00", "微信支付", $"{p}-2", ""));
        var id = (await Upload(admin, programme, first, "a.csv").Expect(HttpStatusCode.Created)).Id();
        await admin.PatchJson($"/api/v1/imports/{id}/rows/1", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/imports/{id}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await WaitFor(admin, id, i => i.Str("status") == "committed");

        var overlapping = Template(("2025-03-02", "测试捐赠人戊", "20.00", "微信支付", $"{p}-2", ""), ("2025-03-03", "测试捐赠人戊", "30.00", "微信支付", $"{p}-3", ""),
            ("2025-03-04", "测试捐赠人戊", "40.00", "微信支付", $"{p}-4", ""), ("2025-03-05", "测试捐赠人戊", "41.00", "微信支付", $"{p}-4", ""));
        var second = await Upload(admin, programme, overlapping, "b.csv").Expect(HttpStatusCode.Created);
        Assert.Equal(1, Count(second, "duplicate"));
        Assert.Equal(1, Count(second, "new"));
        Assert.Equal(2, Count(second, "error"));
        var errors = (await admin.Get($"/api/v1/imports/{second.Id()}/rows?outcome=error").Expect(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(2, errors.GetArrayLength());
        Assert.All(errors.EnumerateArray(), e => Assert.Contains($"{p}-4", e.Str("message")));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_same_donor_for_a_payer_reaches_only_that_payers_lines_still_without_one_and_an_overlong_name_is_cut(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("测试捐赠人庚");
        var other = (await admin.CreateDonor("测试捐赠人辛")).Id();
        // 1 + 10 × 60 UTF-16 units, 𠮷 taking two: the 400th unit is the first half of a 𠮷, which is not kept alone.
        var longName = "甲" + string.Concat(Enumerable.Repeat("很长的付款人名称𠮷", 60));
        var p = Guid.NewGuid().ToString("N")[..8];
        var file = Template(("2025-03-01", "测试捐赠人庚", "10.00", "微信支付", $"{p}-1", ""), ("2025-03-02", "测试捐赠人庚", "20.00", "微信支付", $"{p}-2", ""),
            ("2025-03-03", "测试捐赠人庚", "30.00", "微信支付", $"{p}-3", ""), ("2025-03-04", "测试捐赠人壬", "40.00", "微信支付", $"{p}-4", ""),
            ("2025-03-05", longName, "50.00", "微信支付", $"{p}-5", ""), ("2025-03-06", longName, "60.00", "微信支付", $"{p}-6", ""));
        var id = (await Upload(admin, programme, file, "同一付款人.csv").Expect(HttpStatusCode.Created)).Id();

        await admin.PatchJson($"/api/v1/imports/{id}/rows/2", new { donorId = other }).Expect(HttpStatusCode.OK);
        var same = await admin.PatchJson($"/api/v1/imports/{id}/rows/1", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        Assert.Equal(2, same.GetProperty("updated").GetInt32()); // lines 1 and 3: line 2 has its donor already, line 4 is another payer
        var cut = await admin.PatchJson($"/api/v1/imports/{id}/rows/5", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        Assert.Equal(2, cut.GetProperty("updated").GetInt32());

        var rows = (await admin.Get($"/api/v1/imports/{id}/rows").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([donor, other, donor, null, donor, donor],
            rows.Select(r => r.GetProperty("donor").ValueKind == JsonValueKind.Null ? (Guid?)null : r.GetProperty("donor").Id()));
        var name = rows[4].GetProperty("payer").Str("name");
        Assert.Equal(longName[..399], name);
        Assert.Equal("Column payer: cut to its first 400 characters.", rows[4].Str("message"));
        Assert.Equal(1, Count(await admin.Get($"/api/v1/imports/{id}").Expect(HttpStatusCode.OK), "needs_donor"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_commit_whose_process_stops_halfway_completes_after_a_restart_with_each_gift_once(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("测试捐赠人己");
        var p = Guid.NewGuid().ToString("N")[..8];
        const int count = 30;
        var file = Template(Enumerable.Range(1, count)
            .Select(i => ($"2025-04-{1 + i % 28:00}", "测试捐赠人己", $"{i}.{i % 100:00}", "银行转账", $"{p}-{i}", "")).ToArray());
        var id = (await Upload(admin, programme, file, "c.csv").Expect(HttpStatusCode.Created)).Id();
        Assert.Equal(count, (await admin.PatchJson($"/api/v1/imports/{id}/rows/1", new { donorId = donor, applyToSamePayer = true })
            .Expect(HttpStatusCode.OK)).GetProperty("updated").GetInt32());
        var giftsBefore = await app.CountAsync("gifts");

        await admin.PostJson($"/api/v1/imports/{id}/commit", new { }).Expect(HttpStatusCode.Accepted);
        var half = await WaitFor(admin, id, i => Count(i, "booked") >= 6);
        Assert.Equal("committing", half.Str("status"));
        await app.RestartAsync(); // the process goes away mid-commit

        admin = app.Admin();
        var done = await WaitFor(admin, id, i => i.Str("status") == "committed");
        Assert.Equal(count, Count(done, "booked"));
        Assert.Equal(giftsBefore + count, await app.CountAsync("gifts"));
        await using var connection = await app.OpenDatabaseAsync();
        var perPayment = (await connection.QueryAsync<long>(
            $"SELECT COUNT(*) FROM gifts WHERE programme_id = '{programme}' AND reference LIKE '{p}-%' GROUP BY reference")).ToList();
        Assert.Equal(count, perPayment.Count);
        Assert.All(perPayment, n => Assert.Equal(1, n));
        var expected = Enumerable.Range(1, count).Sum(i => i * 100L + i % 100);
        Assert.Equal(expected, await connection.QuerySingleAsync<long>($"SELECT SUM(amount) FROM gifts WHERE reference LIKE '{p}-%'"));
        await app.AssertBalancedAsync();
        var verify = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.GetRawText());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_refused_file_changes_nothing_and_says_what_to_do(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, _) = await admin.ProgrammeAndDonor();
        var before = (await app.CountAsync("imports"), await app.CountAsync("import_rows"), await app.CountAsync("gifts"));

        var unknown = await Upload(admin, programme, Encoding.UTF8.GetBytes("a,b,c\n1,2,3\n"), "x.csv").Expect(HttpStatusCode.BadRequest);
        Assert.Contains("layout", unknown.GetProperty("errors").GetProperty("file")[0].GetString());
        var html = await Upload(admin, programme, Encoding.UTF8.GetBytes("<html><body><table><tr><td>交易时间</td></tr></table></body></html>"), "账务明细.xls")
            .Expect(HttpStatusCode.BadRequest);
        Assert.Contains("HTML", html.GetProperty("errors").GetProperty("file")[0].GetString());
        var empty = await Upload(admin, programme, [], "empty.csv").Expect(HttpStatusCode.BadRequest);
        Assert.Contains("file", empty.ErrorFields());
        var noProgramme = await Upload(admin, Guid.Empty, Template(("2025-03-01", "甲", "1.00", "现金", "", "")), "a.csv").Expect(HttpStatusCode.BadRequest);
        Assert.Contains("programmeId", noProgramme.ErrorFields());

        var tooLarge = new byte[ImportApps.MaxBytes + 1];
        using (var request = new MultipartFormDataContent())
        {
            request.Add(new StringContent(programme.ToString()), "programmeId");
            request.Add(new ByteArrayContent(tooLarge), "file", "big.csv");
            var response = await admin.PostAsync("/api/v1/imports", request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        await admin.PostJson("/api/v1/imports", new { programmeId = programme }).Expect(HttpStatusCode.UnsupportedMediaType); // a ProblemDetails

        Assert.Equal(before, (await app.CountAsync("imports"), await app.CountAsync("import_rows"), await app.CountAsync("gifts")));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Refunds_cancel_a_payment_in_the_same_file_and_propose_reversing_a_recorded_one(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("测试捐赠人庚");
        var n = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        string Order(int i) => $"42000000002025{n}{i:00}";
        var bill = MerchantBill(
            ("2025-03-02 10:15:01", Order(1), "oTEST_openid_aaaa", "SUCCESS", "200.00", null, null),
            ("2025-03-02 11:20:45", Order(2), "oTEST_openid_bbbb", "SUCCESS", "50.00", null, null),
            ("2025-03-03 09:00:00", Order(2), "oTEST_openid_bbbb", "REFUND", "0.00", $"50300000{n}01", "50.00"));
        var first = await Upload(admin, programme, bill, "trade.csv").Expect(HttpStatusCode.Created);
        Assert.Equal("wechat-merchant", first.Str("format"));
        Assert.Equal(1, Count(first, "new"));
        Assert.Equal(2, Count(first, "skipped")); // the refunded payment and its refund
        await admin.PatchJson($"/api/v1/imports/{first.Id()}/rows/1", new { donorId = donor }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/imports/{first.Id()}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await WaitFor(admin, first.Id(), i => i.Str("status") == "committed");

        // The same payer (openid) is known now; the refund of the booked payment is a proposal a person confirms.
        var later = MerchantBill(
            ("2025-03-10 08:00:00", Order(3), "oTEST_openid_aaaa", "SUCCESS", "30.00", null, null),
            ("2025-03-11 08:00:00", Order(1), "oTEST_openid_aaaa", "REFUND", "0.00", $"50300000{n}02", "200.00"),
            ("2025-03-12 08:00:00", Order(9), "oTEST_openid_cccc", "REFUND", "0.00", $"50300000{n}03", "5.00"));
        var second = await Upload(admin, programme, later, "trade2.csv").Expect(HttpStatusCode.Created);
        var rows = (await admin.Get($"/api/v1/imports/{second.Id()}/rows").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("identity", rows[0].GetProperty("donor").Str("match"));
        Assert.Equal(donor, rows[0].GetProperty("donor").GetProperty("id").GetGuid());
        Assert.Equal("refund", rows[1].Str("outcome"));
        Assert.Equal("skipped", rows[2].Str("outcome")); // a refund of a payment Aid never saw
        var giftsBefore = await app.CountAsync("gifts");
        var reversed = await admin.PatchJson($"/api/v1/imports/{second.Id()}/rows/2", new { confirmReversal = true }).Expect(HttpStatusCode.OK);
        Assert.Equal("reversed", reversed.GetProperty("row").Str("outcome"));
        var gift = await admin.Get($"/api/v1/gifts/{rows[1].GetProperty("recordedGiftId").GetGuid()}").Expect(HttpStatusCode.OK);
        Assert.NotEqual(JsonValueKind.Null, gift.GetProperty("reversal").ValueKind);
        Assert.Equal(giftsBefore, await app.CountAsync("gifts")); // a reversal, never a negative gift
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_damaged_file_a_partial_refund_and_the_same_cash_gift_in_two_programmes_are_handled_without_guessing(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("测试捐赠人辛");

        // Cut in the middle: the damage shows only while the entries are read. A 400 that says what to do, nothing stored.
        var camt = BankFixtures.SampleCamt053V08();
        var imports = await app.CountAsync("imports");
        var damaged = await Upload(admin, programme, camt[..(camt.Length * 2 / 3)], "camt053.xml").Expect(HttpStatusCode.BadRequest);
        Assert.Contains("damaged", damaged.GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.Equal(imports, await app.CountAsync("imports"));

        // Part of a payment given back in the same file: neither line is booked as it stands.
        var n = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var bill = MerchantBill(
            ("2025-03-02 10:15:01", $"42000000002026{n}01", "oTEST_openid_pppp", "SUCCESS", "50.00", null, null),
            ("2025-03-03 09:00:00", $"42000000002026{n}01", "oTEST_openid_pppp", "REFUND", "0.00", $"50300000{n}09", "20.00"));
        var partial = await Upload(admin, programme, bill, "trade.csv").Expect(HttpStatusCode.Created);
        var rows = (await admin.Get($"/api/v1/imports/{partial.Id()}/rows").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("error", rows[0].Str("outcome"));
        Assert.Contains("refunds part of this payment", rows[0].Str("message"));
        Assert.Equal("skipped", rows[1].Str("outcome"));

        // The same cash gift (same day, amount, donor, no reference) in two programmes is two gifts; in one programme, one.
        var other = (await admin.CreateProgramme()).Id();
        var cash = Template(("2025-03-08", "测试捐赠人辛", "100.00", "现金", "", "现场捐款"));
        foreach (var target in new[] { programme, other })
        {
            var import = await Upload(admin, target, cash, "现金.csv").Expect(HttpStatusCode.Created);
            Assert.Equal(1, Count(import, "new"));
            await admin.PatchJson($"/api/v1/imports/{import.Id()}/rows/1", new { donorId = donor }).Expect(HttpStatusCode.OK);
            await admin.PostJson($"/api/v1/imports/{import.Id()}/commit", new { }).Expect(HttpStatusCode.Accepted);
            await WaitFor(admin, import.Id(), i => i.Str("status") == "committed");
        }
        Assert.Equal(1, Count(await Upload(admin, other, cash, "现金.csv").Expect(HttpStatusCode.Created), "duplicate"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_commit_stops_when_the_key_that_committed_it_is_revoked_and_someone_allowed_can_finish_it(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("测试捐赠人壬");
        var key = await admin.PostJson("/api/v1/api-keys", new { name = "importer", role = "manager", programmeIds = new[] { programme } })
            .Expect(HttpStatusCode.Created);
        var manager = app.Client(key.Str("key"));
        var p = Guid.NewGuid().ToString("N")[..8];
        const int count = 30;
        var file = Template(Enumerable.Range(1, count).Select(i => ("2025-05-01", "测试捐赠人壬", $"{i}.00", "银行转账", $"{p}-{i}", "")).ToArray());
        var id = (await Upload(manager, programme, file, "d.csv").Expect(HttpStatusCode.Created)).Id();
        await manager.PatchJson($"/api/v1/imports/{id}/rows/1", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        await manager.PostJson($"/api/v1/imports/{id}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await WaitFor(admin, id, i => Count(i, "booked") >= 3);
        (await admin.DeleteAsync($"/api/v1/api-keys/{key.Id()}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        JsonElement state;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            state = await admin.Get($"/api/v1/imports/{id}").Expect(HttpStatusCode.OK);
            Assert.True(DateTime.UtcNow < deadline, state.GetRawText() + "\n" + string.Join("\n", app.Logs.Lines.Where(l => l.Contains("mport")).TakeLast(4)));
        } while (state.Str("status") == "committing");
        Assert.Equal("failed", state.Str("status"));
        Assert.Contains("may no longer book", state.Str("lastError"));
        var booked = Count(state, "booked");
        Assert.InRange(booked, 3, count - 1);

        // Someone allowed commits again: the rest is booked, nothing twice.
        await admin.PostJson($"/api/v1/imports/{id}/commit", new { }).Expect(HttpStatusCode.Accepted);
        var done = await WaitFor(admin, id, i => i.Str("status") == "committed");
        Assert.Equal(count, Count(done, "booked"));
        await using var connection = await app.OpenDatabaseAsync();
        Assert.Equal(count, await connection.QuerySingleAsync<long>($"SELECT COUNT(*) FROM gifts WHERE reference LIKE '{p}-%'"));
        await app.AssertBalancedAsync();
    }

    // --- helpers ---

    private static long Count(JsonElement import, string outcome) => import.GetProperty("rows").GetProperty(outcome).GetInt64();

    /// <summary>Aid's template as a programme manager fills it in: UTF-8 with BOM, CRLF.</summary>
    internal static byte[] Template(params (string Date, string Donor, string Amount, string Method, string Reference, string Memo)[] rows)
    {
        var text = new StringBuilder("收到日期,捐赠人,金额,方式,参考号,备注\r\n");
        foreach (var r in rows) text.Append($"{r.Date},{r.Donor},\"{r.Amount}\",{r.Method},{r.Reference},{r.Memo}\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>A WeChat Pay merchant trade bill (ALL): every field prefixed with `, a summary at the end.</summary>
    internal static byte[] MerchantBill(params (string At, string Order, string OpenId, string State, string Amount, string? RefundId, string? Refund)[] rows)
    {
        var text = new StringBuilder("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n");
        foreach (var r in rows)
            text.Append($"`{r.At},`wx00000000000test1,`1900000001,`0,`,`{r.Order},`AID-{r.Order[^6..]},`{r.OpenId},`NATIVE,`{r.State},`OTHERS,`CNY,`{r.Amount},`0.00,")
                .Append($"`{r.RefundId ?? "0"},`{(r.RefundId is null ? "0" : "R" + r.RefundId[^6..])},`{r.Refund ?? "0.00"},`0.00,`{(r.RefundId is null ? "" : "ORIGINAL")},`{(r.RefundId is null ? "" : "SUCCESS")},`助学捐款,`,`0.00,`0.60%,`{r.Amount},`{r.Refund ?? "0.00"},`\r\n");
        text.Append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`3,`250.00,`50.00,`0.00,`0.00,`250.00,`50.00\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    internal static Task<HttpResponseMessage> Upload(HttpClient client, Guid programme, byte[] file, string name, string? format = null,
        Aid.Application.Imports.ColumnMapping? mapping = null)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(programme == Guid.Empty ? "" : programme.ToString()), "programmeId");
        if (format is not null) form.Add(new StringContent(format), "format");
        if (mapping is not null) form.Add(new StringContent(JsonSerializer.Serialize(mapping, new JsonSerializerOptions(JsonSerializerDefaults.Web))), "mapping");
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", name);
        return client.PostAsync("/api/v1/imports", form, TestContext.Current.CancellationToken);
    }

    internal static async Task<JsonElement> WaitFor(HttpClient client, Guid import, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var state = await client.Get($"/api/v1/imports/{import}").Expect(HttpStatusCode.OK);
            if (done(state)) return state;
            Assert.True(DateTime.UtcNow < deadline, $"the import did not get there in time: {state.GetRawText()}");
            Assert.NotEqual("failed", state.Str("status"));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
