using System.Text.RegularExpressions;
using Aid.Tests.Support;
using UglyToad.PdfPig;

namespace Aid.Tests.Api;

/// <summary>
/// What an accountant reads in the statement PDFs: numbers whole on one line, codes in words, no page holding only a footnote,
/// 零元整 for nothing given, and pledge progress as of the year's end in both the donor's and the programme's statement.
/// </summary>
public sealed class StatementDocumentTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static string Today => BusinessToday.Text; // read when used: a run can cross midnight in Beijing (16:00 UTC)
    private static int ThisYear => int.Parse(Today[..4]);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Donor_and_programme_statements_show_pledge_progress_as_of_the_years_end(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(name: "年末口径项目")).Id();
        var donor = (await admin.CreateDonor("年末捐赠人")).Id();
        // 3,000 over three years, paid 1,000 a year.
        var pledge = (await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "3000.00", frequency = "yearly", count = 3, firstDueDate = "2021-10-01",
        }).Expect(HttpStatusCode.Created)).Id();
        foreach (var year in new[] { 2021, 2022, 2023 })
            await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", pledge, receivedOn: $"{year}-10-01"));
        // 2,000 over two years: last year's 1,000 is reversed today; a third pledge is cancelled today.
        var later = (await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "2000.00", frequency = "yearly", count = 2, firstDueDate = $"{ThisYear - 1}-03-01",
        }).Expect(HttpStatusCode.Created)).Id();
        var bounced = await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", later, receivedOn: $"{ThisYear - 1}-03-01"));
        await admin.PostJson($"/api/v1/gifts/{bounced.Id()}/reverse", new { reason = "退票" }).Expect(HttpStatusCode.OK);
        var cancelled = (await admin.PostJson("/api/v1/pledges", new
        {
            donorId = donor, programmeId = programme, total = "500.00", frequency = "yearly", count = 1, firstDueDate = $"{ThisYear - 1}-06-01",
        }).Expect(HttpStatusCode.Created)).Id();
        await admin.PostJson($"/api/v1/pledges/{cancelled}/cancel", new { reason = "捐赠人撤回" }).Expect(HttpStatusCode.OK);

        async Task Agree(int year, params (string Total, string Paid, string Outstanding, string Status)[] expected)
        {
            var donorText = Pdf.Text(await admin.Bytes($"/api/v1/donors/{donor}/statements/{year}.pdf"));
            var files = await StatementFilesReader.Fetch(admin, programme, year);
            var csv = StatementFilesReader.Rows(files.Csv["pledges.csv"]).Skip(1).Select(r => (r[1], r[2], r[3], r[4])).ToList();
            foreach (var (total, paid, outstanding, status) in expected)
            {
                Assert.Contains($"年末口径项目{Figures(total)}{Figures(paid)}{Figures(outstanding)}", donorText);
                Assert.Contains($"{Figures(total)}{Figures(paid)}{Figures(outstanding)}{Label(status)}", files.PdfText);
                Assert.Contains((total, paid, outstanding, status), csv);
            }
        }

        await Agree(2021, ("3000.00", "1000.00", "2000.00", "open"));
        await Agree(2022, ("3000.00", "2000.00", "1000.00", "open"));
        await Agree(2023, ("3000.00", "3000.00", "0.00", "fulfilled"));
        // Reversed and cancelled today: still paid and open at the end of last year; this year the reversal and the cancellation count.
        await Agree(ThisYear - 1, ("2000.00", "1000.00", "1000.00", "open"), ("500.00", "0.00", "500.00", "open"));
        await Agree(ThisYear, ("2000.00", "0.00", "2000.00", "open"), ("500.00", "0.00", "0.00", "cancelled"));

        // Last year's gifts register does not yet know of today's reversal; this year's exceptions list it.
        var lastYear = await StatementFilesReader.Fetch(admin, programme, ThisYear - 1);
        Assert.DoesNotContain("已冲销", string.Concat(StatementFilesReader.Rows(lastYear.Csv["gifts.csv"]).Skip(1).Select(r => r[8])));
        var thisYear = await StatementFilesReader.Fetch(admin, programme, ThisYear);
        Assert.Contains("捐赠冲销 Gift reversed", thisYear.Csv["exceptions.csv"]);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Statement_pdfs_print_codes_in_words_and_never_break_an_amount_a_reference_or_a_receipt_number(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(name: "编码与长号码")).Id();
        var donor = (await admin.CreateDonor("长号码捐赠人")).Id();
        const string reference = "BOC-2022-TRANSFER-000000000012345";
        var gifts = new[]
        {
            await admin.Give(MoneyScenario.Cash(programme, donor, "12345678901.23", reference: reference, receivedOn: "2022-03-01")),
            await admin.Give(MoneyScenario.Cash(programme, donor, "999999999999.99", receivedOn: "2022-03-02", method: "wechat_pay")),
            await admin.Give(MoneyScenario.Cash(programme, donor, "88.00", receivedOn: "2022-03-03", method: "cash")),
        };
        await admin.Give(new
        {
            programmeId = programme, donorId = donor, receivedOn = "2022-03-04", kind = "in_kind", description = "冬季校服", quantity = 40, unit = "套",
            valuationBasis = "fair_value", value = "3200.00",
        });
        var receipts = new List<string>();
        foreach (var gift in gifts)
            receipts.Add((await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created)).Str("number"));
        var student = await admin.Register(programme, "代码学生");
        var approver = app.Client(await admin.CreateKey("manager", [programme]));
        var d = await admin.PostJson("/api/v1/disbursements", new
        {
            programmeId = programme, studentId = student.Id(), academicYear = "2021-2022", term = "春季学期", purpose = "助学金", amount = "500.00",
            channel = "aid_card", requestedOn = "2022-03-10",
        }).Expect(HttpStatusCode.Created);
        await approver.PostJson($"/api/v1/disbursements/{d.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        const string payout = "PAYOUT-2022-03-10-AIDCARD-0000042";
        await admin.PostJson($"/api/v1/disbursements/{d.Id()}/pay", new { payoutReference = payout, evidenceReference = "E1", paidOn = "2022-03-10" })
            .Expect(HttpStatusCode.OK);

        var files = await StatementFilesReader.Fetch(admin, programme, 2022);
        var donorPdf = await admin.Bytes($"/api/v1/donors/{donor}/statements/2022.pdf");
        await File.WriteAllBytesAsync($"/tmp/aid-statement-programme-{engine}.pdf", files.Pdf, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync($"/tmp/aid-statement-donor-{engine}.pdf", donorPdf, TestContext.Current.CancellationToken);

        var programmeLines = Lines(files.Pdf);
        foreach (var whole in receipts.Append(reference).Append(payout).Append("12,345,678,901.23").Append("999,999,999,999.99")
                     .Append("1,012,345,678,989.22")) // the year's cash from persons: more than 12 integer digits
            Assert.True(programmeLines.Any(l => l.Contains(whole)), $"{whole} is not on one line of the programme statement:\n{string.Join("\n", programmeLines)}");
        var donorLines = Lines(donorPdf);
        foreach (var whole in receipts.Append("12,345,678,901.23").Append("999,999,999,999.99").Append("1,012,345,682,189.22")) // cash and goods
            Assert.True(donorLines.Any(l => l.Contains(whole)), $"{whole} is not on one line of the donor statement:\n{string.Join("\n", donorLines)}");

        var programmeText = SpacedText(files.Pdf);
        var donorText = SpacedText(donorPdf);
        Assert.Contains("微信支付 WeChat Pay", donorText); // the words are spaced, so a code next to them would stand out
        foreach (var code in new[] { "bank_transfer", "wechat_pay", "aid_card", "fair_value", "in_kind" })
            Assert.DoesNotContain(code, files.PdfText + Pdf.Text(donorPdf));
        foreach (var code in new[] { "bank_transfer", "wechat_pay", "cash", "aid_card", "paid", "fair_value", "open", "in_kind" })
        {
            Assert.DoesNotMatch($@"(?<![A-Za-z_]){code}(?![A-Za-z_])", programmeText);
            Assert.DoesNotMatch($@"(?<![A-Za-z_]){code}(?![A-Za-z_])", donorText.Replace("gifts paid for", ""));
        }
        foreach (var words in new[] { "银行转账", "微信支付", "现金", "资助卡", "已支付", "公允价值" })
            Assert.Contains(words, files.PdfText);
        foreach (var words in new[] { "银行转账", "微信支付", "现金" })
            Assert.Contains(words, Pdf.Text(donorPdf));

        // The CSV keeps the codes; the XLSX has them and their words side by side.
        var disbursement = StatementFilesReader.Rows(files.Csv["disbursements.csv"]).Skip(1).Single();
        Assert.Equal(("aid_card", "paid"), (disbursement[7], disbursement[10]));
        var sheet = MiniExcelLibs.MiniExcel.Query(new MemoryStream(files.Xlsx), useHeaderRow: true, sheetName: "Disbursements register")
            .Cast<IDictionary<string, object>>().Single();
        Assert.Equal(("aid_card", "资助卡 Aid card", "paid", "已支付 Paid"),
            (sheet["渠道 Channel"], sheet["渠道名称 Channel name"], sheet["状态 Status"], sheet["状态名称 Status name"]));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_year_without_gifts_totals_zero_in_the_standard_words(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("零捐赠人");
        await admin.Give(MoneyScenario.Cash(programme, donor, "10.00", receivedOn: "2022-05-05"));
        var text = Pdf.Text(await admin.Bytes($"/api/v1/donors/{donor}/statements/2023.pdf"));
        Assert.Contains("0.00（人民币零元整）", text);
        Assert.DoesNotContain("（零）", text);
    }

    private static string Figures(string amount) => decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)
        .ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Label(string status) => status switch
    {
        "open" => "履行中Open",
        "fulfilled" => "已履行Fulfilled",
        "cancelled" => "已取消Cancelled",
        _ => status,
    };

    /// <summary>The PDF's text with spaces kept (word boundaries matter when looking for codes).</summary>
    internal static string SpacedText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    /// <summary>
    /// Each printed line of every page: letters on the same baseline, left to right, without spaces. A table row's cells share a
    /// line; a token broken over two lines is in neither whole.
    /// </summary>
    internal static List<string> Lines(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var lines = new List<string>();
        foreach (var page in document.GetPages())
        {
            var letters = page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).OrderByDescending(l => l.StartBaseLine.Y).ToList();
            var current = new List<UglyToad.PdfPig.Content.Letter>();
            foreach (var letter in letters)
            {
                if (current.Count > 0 && Math.Abs(current[0].StartBaseLine.Y - letter.StartBaseLine.Y) > 1.5)
                {
                    lines.Add(string.Concat(current.OrderBy(l => l.StartBaseLine.X).Select(l => l.Value)));
                    current.Clear();
                }
                current.Add(letter);
            }
            if (current.Count > 0) lines.Add(string.Concat(current.OrderBy(l => l.StartBaseLine.X).Select(l => l.Value)));
        }
        return lines;
    }
}
