using Aid.Application.Auditing;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using Aid.Application.Statements;
using Aid.Infrastructure.Statements;
using Aid.Tests.Api;
using UglyToad.PdfPig;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// The statements' page layout on made-up statements of every length: a closing line or footnote never opens a page alone,
/// and the largest amount money can hold (a 64-bit count of fen) stays on one line.
/// </summary>
public sealed class StatementPdfLayoutTests
{
    private const long Largest = long.MaxValue; // 92,233,720,368,547,758.07
    private static readonly DateTimeOffset At = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_donor_statement_footnote_stays_with_the_last_rows_whatever_the_length()
    {
        Assert.SkipUnless(ReceiptPdfTests.Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        var renderer = new DonorStatementPdf(ReceiptPdfTests.Fonts);
        for (var n = 1; n <= 60; n++)
        {
            var pages = PageTexts(renderer.Render(Donor(n)));
            var footnote = pages.FindIndex(p => p.Contains("为保护未成年人隐私"));
            Assert.True(footnote >= 0);
            Assert.True(pages[footnote].Contains($"ZP-{n:0000}"), $"{n} rows: the footnote is on page {footnote + 1} without the last row");
            Assert.Equal(footnote, pages.Count - 1);
            Assert.All(Enumerable.Range(1, n), i => Assert.Contains(pages, p => p.Contains($"ZP-{i:0000}"))); // no row lost
        }
    }

    [Fact]
    public async Task The_programme_statement_keeps_each_total_with_its_rows_and_the_audit_block_whole()
    {
        Assert.SkipUnless(ReceiptPdfTests.Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        var renderer = new StatementPdf(ReceiptPdfTests.Fonts);
        for (var n = 1; n <= 70; n += 3)
        {
            var pdf = await renderer.RenderAsync(Programme(n), TestContext.Current.CancellationToken);
            var pages = PageTexts(pdf);
            var total = pages.FindIndex(p => p.Contains($"合计Total：{n}行lines"));
            Assert.True(total >= 0 && pages[total].Contains($"REF-2022-{n:000000}"), $"{n} rows: the register's total is on a page without its last row");
            var audit = pages.FindIndex(p => p.Contains("审计链Audittrail"));
            Assert.True(audit >= 0 && pages[audit].Contains("生成时间Generatedat"), $"{n} rows: the audit-trail block is split");
        }
    }

    [Fact]
    public async Task The_largest_amount_money_can_hold_stays_on_one_line_in_both_statements()
    {
        Assert.SkipUnless(ReceiptPdfTests.Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        const string largest = "92,233,720,368,547,758.07";
        var donor = new DonorStatementPdf(ReceiptPdfTests.Fonts).Render(Donor(3, Largest));
        var programme = await new StatementPdf(ReceiptPdfTests.Fonts).RenderAsync(Programme(3, Largest), TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync("/tmp/aid-statement-donor-largest.pdf", donor, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync("/tmp/aid-statement-programme-largest.pdf", programme, TestContext.Current.CancellationToken);
        foreach (var (name, pdf, expected) in new[] { ("donor", donor, 3), ("programme", programme, 10) })
        {
            var lines = StatementDocumentTests.Lines(pdf);
            Assert.True(lines.Count(l => l.Contains(largest)) >= expected, $"{name}: {largest} is broken:\n{string.Join("\n", lines)}");
            Assert.DoesNotContain(lines, l => l.EndsWith("92,233,720,") || l.StartsWith("368,547,758.07"));
        }
    }

    [Fact]
    public async Task A_register_too_long_to_print_names_the_digest_of_the_csv_the_zip_holds()
    {
        Assert.SkipUnless(ReceiptPdfTests.Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        var ct = TestContext.Current.CancellationToken;
        const int count = StatementPdf.MaxPrintedRows + 1;
        var made = Programme(count);
        var registers = new List<StatementRegister>();
        foreach (var r in made.Registers) // read once, as the statement query reads them
            registers.Add(await StatementRegister.ReadOnceAsync(r.File, r.Title, r.Columns, r.MoneyColumns, r.Rows(), ct, r.CodeColumns));
        var statement = made with { Registers = registers };
        try
        {
            var pdf = await new StatementPdf(ReceiptPdfTests.Fonts).RenderAsync(statement, ct);
            await File.WriteAllBytesAsync("/tmp/aid-statement-programme-long.pdf", pdf, ct);
            var pages = PageTexts(pdf);
            using var zip = new MemoryStream();
            await StatementFiles.WriteCsvZipAsync(statement, zip, ct);
            zip.Position = 0;
            using var archive = new System.IO.Compression.ZipArchive(zip);
            using var csv = new MemoryStream();
            await using (var entry = archive.GetEntry("gifts.csv")!.Open()) await entry.CopyToAsync(csv, ct);
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(csv.ToArray()));
            Assert.Contains(pages, p => p.Contains($"see gifts.csv (SHA-256 {sha})".Replace(" ", "")) && p.Contains($"合计Total：{count}行lines"));
            Assert.Equal(count + 1, System.Text.Encoding.UTF8.GetString(csv.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.DoesNotContain(pages, p => p.Contains("REF-2022-000001")); // not printed: too long
            Assert.Contains(pages, p => p.Contains("PAYOUT-2022-03-10-AIDCARD-0000042")); // a short register is printed
        }
        finally
        {
            StatementRegister.DisposeAll(registers);
        }
    }

    private static List<string> PageTexts(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().Select(p => p.Text.Replace(" ", "")).ToList();
    }

    private static DonorStatement Donor(int uses, long amount = 50_000) => new(
        "周慷慨", "zh-CN", 2022, new ReceiptsIssuer("共青团安康市汉滨区委员会", "11610902MB2950112X"),
        [
            new DonorGiftLine(new DateOnly(2022, 3, 1), "青系镇坪，雏鹰伴翔", "cash", "银行转账 Bank transfer", amount, "AID-2022-000012; AID-2022-000013(作废)", false),
            new DonorGiftLine(new DateOnly(2022, 4, 1), "青系镇坪，雏鹰伴翔", "in_kind", "冬季校服", 320_000, null, true),
        ],
        [new DonorPledgeLine("青系镇坪，雏鹰伴翔", amount, amount, 0, "fulfilled")],
        Enumerable.Range(1, uses).Select(i => new DonorUseLine(new DateOnly(2022, 9, 1), $"ZP-{i:0000}", "镇坪县城关镇中心小学", "2022-2023", "秋季学期",
            i == uses ? amount : 100_000)).ToList(),
        amount, At);

    /// <summary>A statement whose gifts add up to <paramref name="amount"/>, the other figures equal to it (their sums must not overflow).</summary>
    private static ProgrammeStatement Programme(int gifts, long amount = 100_000)
    {
        var movement = new FundMovement(amount, amount, amount, amount, amount, amount, -amount, amount);
        return new ProgrammeStatement
        {
            Issuer = new ReceiptIssuerInfo("共青团安康市汉滨区委员会", "11610902MB2950112X", "陕西省安康市汉滨区"),
            Programme = new ProgrammeView(Guid.CreateVersion7(), "ZP-2022", "青系镇坪，雏鹰伴翔", "陕西省安康市镇坪县", "镇坪县教育局", "CNY",
                new DateOnly(2021, 9, 1), new DateOnly(2027, 8, 31), "1000.00", "360000.00", "active", At),
            Year = 2022,
            Basis = "收付实现制；物资按入账价值计量 Cash basis; goods at their recorded value",
            ForYear = movement,
            Cumulative = movement,
            Pledges = [new PledgeLine("周慷慨", amount - 100_000, amount - 100_000, 0, "fulfilled"), new PledgeLine("匿名 Anonymous", 100_000, 0, 100_000, "open")],
            Receipts = new ReceiptReconciliation("AID-2022-000001", "AID-2022-000099", 99, 1, 0, 40),
            AuditRecords = 1234,
            AuditHeadHash = new string('a', 64),
            OrganisationAuditRecords = 56,
            OrganisationAuditHeadHash = new string('b', 64),
            Verification = new AuditVerification(true, 1290, new string('a', 64), null, null, [], [], 0, 2),
            GeneratedAt = At,
            Registers =
            [
                new StatementRegister("gifts", "捐赠登记 Gifts register",
                    ["收到日期 Date", "捐赠人 Donor", "类别 Donor type", "形式 Kind", "方式/物品 Method or item", "参考号 Reference", "金额 Amount", "收据 Receipts", "状态 Status"],
                    [6], () => Enumerable.Range(1, gifts).Select(i => new StatementCell[]
                    {
                        "2022-03-01", "周慷慨", "个人", "现金", StatementCell.Coded("bank_transfer", StatementLabels.PaymentMethod("bank_transfer")),
                        $"REF-2022-{i:000000}", StatementCell.Money(i == gifts ? amount - (gifts - 1) * 100_000L : 100_000), $"AID-2022-{i:000000}", "有效",
                    }).ToAsyncEnumerable(), codeColumns: [4]),
                new StatementRegister("disbursements", "资助发放登记 Disbursements register",
                    ["学生代码 Student", "学校 School", "年级 Grade", "学年 Year", "学期 Term", "金额 Amount", "支付日期 Paid on", "渠道 Channel", "支付参考号 Reference", "审批人 Approver", "状态 Status"],
                    [5], () => new[]
                    {
                        new StatementCell[]
                        {
                            "ZP-0001", "镇坪县城关镇中心小学", "五年级", "2021-2022", "春季学期", StatementCell.Money(amount), "2022-03-10",
                            StatementCell.Coded("aid_card", StatementLabels.DisbursementChannel("aid_card")), "PAYOUT-2022-03-10-AIDCARD-0000042", "manager key 1",
                            StatementCell.Coded("paid", StatementLabels.DisbursementStatus("paid")),
                        },
                    }.ToAsyncEnumerable(), codeColumns: [7, 10]),
            ],
        };
    }
}
