using System.IO.Compression;
using System.Security.Cryptography;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

public sealed class StatementTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static string Today => BusinessToday.Text; // read when used: a run can cross midnight in Beijing (16:00 UTC)
    private static int ThisYear => int.Parse(Today[..4]);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Random_data_sets_reconcile_to_the_ledger_in_every_format(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme();
        var pid = programme.Id();
        var random = new Random(7);
        var donors = new List<Guid>();
        for (var i = 0; i < 12; i++)
            donors.Add((await admin.PostJson("/api/v1/donors", new
            {
                kind = i % 4 == 0 ? "organisation" : "person", name = i == 5 ? "不留名的好心人" : $"捐赠人{i}", anonymous = i == 5,
            }).Expect(HttpStatusCode.Created)).Id());
        var gifts = new List<Guid>();
        foreach (var year in new[] { ThisYear - 2, ThisYear - 1 })
            for (var i = 0; i < 25; i++)
            {
                var day = new DateOnly(year, 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd");
                gifts.Add((await admin.Give(MoneyScenario.Cash(pid, donors[random.Next(donors.Count)], $"{random.Next(1, 3000)}.{random.Next(100):00}", receivedOn: day))).Id());
            }
        await admin.Give(new
        {
            programmeId = pid, donorId = donors[0], receivedOn = $"{ThisYear - 1}-03-01", kind = "in_kind", description = "口罩", quantity = 1000, unit = "只",
            valuationBasis = "invoice", value = "500.00",
        });
        await admin.PostJson($"/api/v1/gifts/{gifts[3]}/reverse", new { reason = "测试冲销" }).Expect(HttpStatusCode.OK);

        var id = IdNumbers.Make(new DateOnly(2008, 5, 5));
        var student = await admin.Register(pid, "保密学生", birthDate: new DateOnly(2008, 5, 5), idNumber: id);
        var approver = app.Client(await admin.CreateKey("manager", [pid]));
        foreach (var (paidOn, amount, term) in new[] { ($"{ThisYear - 1}-03-15", "500.00", "春季学期"), ($"{ThisYear - 1}-10-15", "750.50", "秋季学期") })
        {
            var d = await admin.PostJson("/api/v1/disbursements", new
            {
                programmeId = pid, studentId = student.Id(), academicYear = $"{ThisYear - 2}-{ThisYear - 1}", term, purpose = "助学金", amount,
                channel = "bank_card", requestedOn = paidOn, // last year's payments, entered now
            }).Expect(HttpStatusCode.Created);
            await approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
            await admin.PostJson($"/api/v1/disbursements/{d.Id()}/pay", new { payoutReference = "P", evidenceReference = "E", paidOn }).Expect(HttpStatusCode.OK);
        }
        await admin.PostJson("/api/v1/receipts", new { donorId = donors[5], year = ThisYear - 1 }).Expect(HttpStatusCode.Created);

        var auditor = app.Client(await admin.CreateKey("auditor", [pid]));
        long? previousClosing = null;
        foreach (var year in new[] { ThisYear - 2, ThisYear - 1, ThisYear })
        {
            var files = await StatementFilesReader.Fetch(auditor, pid, year);
            var fund = StatementFilesReader.Rows(files.Csv["fund_movement.csv"]).Skip(1).ToList();
            long Line(int row, int column) => StatementFilesReader.Fen(fund[row][column]);
            var opening = Line(0, 1);
            var closing = Line(7, 1);
            Assert.Equal(closing, Enumerable.Range(0, 7).Sum(i => Line(i, 1))); // the lines add up
            Assert.Equal(await LedgerBalanceAt(app, pid, new DateOnly(year, 12, 31)), closing);
            if (previousClosing is not null) Assert.Equal(previousClosing, opening);
            previousClosing = closing;
            Assert.Equal(closing, files.PdfFundLine("期末余额Closingbalance"));

            // Gifts (column 6) and disbursements (column 5): CSV = XLSX = PDF.
            var pdfTotals = files.PdfRegisterTotals();
            Assert.Equal(files.CsvTotal("gifts.csv", 6), files.XlsxTotal("Gifts register", "金额 Amount"));
            Assert.Equal((files.CsvRows("gifts.csv"), files.CsvTotal("gifts.csv", 6)), pdfTotals[0]);
            Assert.Equal(files.CsvTotal("disbursements.csv", 5), files.XlsxTotal("Disbursements register", "金额 Amount"));
            Assert.Equal((files.CsvRows("disbursements.csv"), files.CsvTotal("disbursements.csv", 5)), pdfTotals[2]);

            foreach (var content in files.Csv.Values.Append(files.PdfText).Append(System.Text.Encoding.UTF8.GetString(Unzip(files.Xlsx))))
            {
                Assert.DoesNotContain("不留名的好心人", content);
                Assert.DoesNotContain(id, content);
                Assert.DoesNotContain("13912345678", content);
                Assert.DoesNotContain("城关镇新华街", content);
                Assert.DoesNotContain("保密学生", content);
            }
            var summary = StatementFilesReader.Rows(files.Csv["summary.csv"]).ToDictionary(r => r[0], r => r[1]);
            Assert.Equal("0", summary["缺号 Gaps"]);
        }
        Assert.Equal((await admin.Balance(pid)).Str("restrictedBalance"), Aid.Application.Common.Money.Format(previousClosing!.Value));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_auditors_statement_and_audit_pack_downloads_are_written_to_the_audit_trail(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("审计下载");
        await admin.Give(MoneyScenario.Cash(programme, donor, "10.00", receivedOn: Today));
        var auditor = app.Client(await admin.CreateKey("auditor", [programme]));
        await auditor.Bytes($"/api/v1/programmes/{programme}/statements/{ThisYear}.pdf");
        await auditor.Bytes($"/api/v1/programmes/{programme}/audit-pack/{ThisYear}.zip", "application/zip");
        var records = (await admin.Get("/api/v1/audit?limit=500").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Where(r => r.Str("action") == "RecordAuditorAccess" && r.Str("entityId") == programme.ToString()).Select(r => r.GetProperty("summary").GetRawText()).ToList();
        Assert.Equal(2, records.Count);
        Assert.Contains(records, r => r.Contains("statement-pdf"));
        Assert.Contains(records, r => r.Contains("audit-pack"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_audit_pack_manifest_matches_its_files(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("匿名测试");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "321.00", receivedOn: Today));
        var voided = (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created)).Str("number");
        var reissued = (await admin.PostJson($"/api/v1/receipts/{voided}/void", new { reason = "金额写错", reissue = true }).Expect(HttpStatusCode.OK))
            .Str("replacedBy");
        var zip = await admin.Bytes($"/api/v1/programmes/{programme}/audit-pack/{ThisYear}.zip", "application/zip");
        using var archive = new ZipArchive(new MemoryStream(zip));
        // The pack never carries an original (that is the donor's): the void receipt marked void, the valid one a copy.
        Assert.Contains("已作废VOID", Pdf.Text(await EntryBytes(archive, $"receipts/{voided}.pdf")));
        Assert.Contains("副本COPY", Pdf.Text(await EntryBytes(archive, $"receipts/{reissued}.pdf")));
        var manifest = new StreamReader(archive.GetEntry("MANIFEST.txt")!.Open()).ReadToEnd();
        // The file lines are sha256sum's: 64 hex digits, two spaces, the path.
        var listed = manifest.Split('\n').Where(l => l.Length > 66 && l[64..66] == "  " && l[..64].All(char.IsAsciiHexDigitLower))
            .ToDictionary(l => l[66..], l => l[..64]);
        Assert.Contains(listed.Keys, k => k.StartsWith("receipts/") && k.EndsWith(".pdf"));
        Assert.Contains(listed.Keys, k => k.EndsWith(".xlsx"));
        Assert.Contains(listed.Keys, k => k.EndsWith(".pdf") && k.StartsWith("statement-"));
        Assert.Contains($"audit-trail-{ThisYear}.csv", listed.Keys);
        Assert.Contains("audit-trail verification: valid", manifest);
        foreach (var entry in archive.Entries.Where(e => e.Name != "MANIFEST.txt"))
        {
            using var content = new MemoryStream();
            entry.Open().CopyTo(content);
            Assert.Equal(listed[entry.FullName], Convert.ToHexStringLower(SHA256.HashData(content.ToArray())));
        }
        Assert.Equal(archive.Entries.Count - 1, listed.Count);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_donor_statement_shows_gifts_receipts_and_use_but_no_student_personal_data(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("周慷慨");
        await admin.Give(MoneyScenario.Cash(programme, donor, "2000.00", receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { donorId = donor, year = ThisYear }).Expect(HttpStatusCode.Created);
        var student = await admin.Register(programme, "吴小宝");
        var approver = app.Client(await admin.CreateKey("manager", [programme]));
        var d = await admin.PostJson("/api/v1/disbursements", new
        {
            programmeId = programme, studentId = student.Id(), academicYear = $"{ThisYear}-{ThisYear + 1}", term = "秋季学期", purpose = "助学金",
            amount = "500.00", channel = "aid_card",
        }).Expect(HttpStatusCode.Created);
        await approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/disbursements/{d.Id()}/pay", new { payoutReference = "P1", evidenceReference = "E1", paidOn = Today }).Expect(HttpStatusCode.OK);

        var own = app.Client(await admin.CreateKey("donor", donorId: donor));
        var text = Pdf.Text(await own.Bytes($"/api/v1/donors/{donor}/statements/{ThisYear}.pdf"));
        Assert.Contains("周慷慨", text);
        Assert.Contains("2,000.00", text);
        Assert.Contains(receipt.Str("number"), text);
        Assert.Contains(student.Str("code"), text);
        Assert.Contains("500.00", text);
        Assert.DoesNotContain("吴小宝", text);
        var other = await admin.CreateDonor("别人");
        await own.Get($"/api/v1/donors/{other.Id()}/statements/{ThisYear}.pdf").Expect(HttpStatusCode.NotFound);
    }

    private static async Task<long> LedgerBalanceAt(AidApp app, Guid programme, DateOnly day)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM postings p JOIN journal_entries e ON e.id = p.journal_entry_id " +
            "WHERE p.programme_id = @programme AND p.account IN ('cash_at_bank', 'goods_in_stock') AND e.entry_date <= @day",
            new { programme, day });
    }

    private static byte[] Unzip(byte[] xlsx)
    {
        using var archive = new ZipArchive(new MemoryStream(xlsx));
        using var all = new MemoryStream();
        foreach (var entry in archive.Entries) entry.Open().CopyTo(all);
        return all.ToArray();
    }

    private static async Task<byte[]> EntryBytes(ZipArchive archive, string name)
    {
        using var bytes = new MemoryStream();
        await using var entry = archive.GetEntry(name)!.Open();
        await entry.CopyToAsync(bytes, TestContext.Current.CancellationToken);
        return bytes.ToArray();
    }
}
